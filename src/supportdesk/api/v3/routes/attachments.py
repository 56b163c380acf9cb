"""``GET /attachments/{id}/{token}/{name}``: the bytes behind an ``attachment_url``."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit
from supportdesk.api.v3.docs import errors
from supportdesk.attachments.service import read_attachment

router = APIRouter(tags=["12. Attachments"])


@router.get(
    "/attachments/{attachment_id}/{token}/{file_name}",
    operation_id="DownloadAttachment",
    response_class=Response,
    summary="Download an attachment",
    description="The URL comes from an `attachment_url`; the tenant's key is required.",
    responses={200: {"description": "The file, with the content type it was uploaded with",
                     "content": {"*/*": {}}},
               **errors(400, 401, 404, 429)},
)
def download_attachment(unit: ReadUnit, attachment_id: int, token: str,
                        file_name: str) -> Response:
    """Serve a stored file as a download, never rendered inline."""
    attachment, data = read_attachment(unit, attachment_id=attachment_id, token=token)
    disposition = f"attachment; filename*=UTF-8''{quote(attachment.file_name)}"
    return Response(
        content=data,
        media_type=attachment.content_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff",
                 "Content-Security-Policy": "sandbox"},
    )
