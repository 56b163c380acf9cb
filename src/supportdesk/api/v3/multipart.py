"""Reading the ``*_with_attachment`` requests: a JSON part plus files."""

from __future__ import annotations

from typing import TypeVar

from fastapi import UploadFile
from pydantic import BaseModel, ValidationError

from supportdesk.api.errors import describe_errors
from supportdesk.attachments.service import Upload
from supportdesk.errors import BadRequest

Model = TypeVar("Model", bound=BaseModel)


def json_part(model: type[Model], form_value: str | None, query_value: str | None,
              name: str) -> Model:
    """The JSON object sent as form part ``name`` (or, as the vendor document says, in
    the query string); a 400 naming the part when it is missing or invalid."""
    raw = form_value if form_value not in (None, "") else query_value
    if raw is None or raw == "":
        raise BadRequest(f"{name} is required: send the JSON object as a form field")
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        raise BadRequest(f"{name}: {describe_errors(error.errors())}") from None


def uploads(file: UploadFile | None, files: list[UploadFile] | None) -> list[Upload]:
    """Files from ``file`` (one) and repeated ``files``, read into memory.

    The request body limit bounds what can arrive; each file's own limit is
    checked by the attachment service.
    """
    chosen = ([file] if file is not None else []) + list(files or [])
    result: list[Upload] = []
    for item in chosen:
        if not item.filename:
            continue
        result.append(Upload(file_name=item.filename, content_type=item.content_type,
                             data=item.file.read()))
    return result
