"""Accepting uploaded files and handing them back."""

from __future__ import annotations

import hashlib
import mimetypes
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from supportdesk.attachments.models import Attachment
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, NotFound, PayloadTooLarge
from supportdesk.unit import TenantUnit

MAX_FILE_NAME = 255
MAX_ID = 2**63 - 1  # BIGINT; a larger id in a URL names no attachment


@dataclass(frozen=True)
class Upload:
    """One file as it arrived in a multipart request."""

    file_name: str
    content_type: str | None
    data: bytes


def _clean_name(name: str) -> str:
    # Keep only the last path component; browsers and curl may send full paths.
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>|\r\n')
    if not base:
        raise BadRequest("every attached file needs a file name")
    return base[:MAX_FILE_NAME]


def check_uploads(unit: TenantUnit, uploads: list[Upload]) -> None:
    """Refuse too many or too large files before anything is written."""
    settings = unit.settings
    if len(uploads) > settings.max_attachments_per_request:
        raise BadRequest(
            f"at most {settings.max_attachments_per_request} files may be attached at once"
        )
    for upload in uploads:
        if len(upload.data) > settings.max_attachment_bytes:
            raise PayloadTooLarge(
                f"attachment {upload.file_name!r} is larger than the limit of "
                f"{settings.max_attachment_bytes} bytes"
            )


def store_uploads(
    unit: TenantUnit, *, ticket_number: int, conversation_position: int | None,
    uploads: list[Upload],
) -> list[Attachment]:
    """Save files for a ticket (or one of its messages) inside the caller's transaction."""
    check_uploads(unit, uploads)
    stored: list[Attachment] = []
    for upload in uploads:
        name = _clean_name(upload.file_name)
        content_type = (upload.content_type or "").split(";")[0].strip()
        if not content_type or content_type == "application/octet-stream":
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        attachment = Attachment(
            id=next_id(unit.session, "attachments"),
            ticket_number=ticket_number,
            conversation_position=conversation_position,
            file_name=name,
            file_size=len(upload.data),
            content_type=content_type[:255],
            sha256=hashlib.sha256(upload.data).hexdigest(),
            token=secrets.token_urlsafe(24),
            storage=unit.storage.name,
            created_at=unit.clock.now(),
        )
        unit.session.add(attachment)
        unit.session.flush()
        unit.storage.put(unit.session, tenant_id=unit.tenant_id, attachment_id=attachment.id,
                         data=upload.data)
        stored.append(attachment)
    return stored


def attachments_of(
    unit: TenantUnit, ticket_number: int, *, conversation_position: int | None = None,
    all_of_ticket: bool = False,
) -> list[Attachment]:
    """Attachments of a ticket's description (default), one message, or all of them."""
    query = select(Attachment).where(Attachment.ticket_number == ticket_number)
    if not all_of_ticket:
        if conversation_position is None:
            query = query.where(Attachment.conversation_position.is_(None))
        else:
            query = query.where(Attachment.conversation_position == conversation_position)
    return list(unit.session.scalars(query.order_by(Attachment.id)))


def read_attachment(unit: TenantUnit, *, attachment_id: int, token: str) -> tuple[Attachment,
                                                                                   bytes]:
    """The attachment and its bytes; a wrong token is indistinguishable from none."""
    if not 0 < attachment_id <= MAX_ID:
        raise NotFound("no such attachment")
    attachment = unit.session.scalar(select(Attachment).where(Attachment.id == attachment_id))
    if attachment is None or not secrets.compare_digest(attachment.token, token):
        raise NotFound("no such attachment")
    data = unit.storage.get(unit.session, tenant_id=unit.tenant_id, attachment_id=attachment.id)
    return attachment, data
