"""Where attachment bytes live: a data directory, or the database itself.

The filesystem backend suits one machine; the database backend suits a
PostgreSQL deployment where several app servers must see the same files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from supportdesk.attachments.models import AttachmentBlob
from supportdesk.errors import NotFound


class AttachmentStorage(Protocol):
    """Stores and returns the bytes of one attachment."""

    name: str

    def put(self, session: Session, *, tenant_id: int, attachment_id: int, data: bytes) -> None:
        ...

    def get(self, session: Session, *, tenant_id: int, attachment_id: int) -> bytes: ...


class FileSystemStorage:
    """Files under ``<root>/<tenant>/<attachment id>``, written atomically and fsynced."""

    name = "filesystem"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, tenant_id: int, attachment_id: int) -> Path:
        return self.root / str(tenant_id) / f"{attachment_id:012d}"

    def put(self, session: Session, *, tenant_id: int, attachment_id: int, data: bytes) -> None:
        target = self._path(tenant_id, attachment_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, session: Session, *, tenant_id: int, attachment_id: int) -> bytes:
        try:
            return self._path(tenant_id, attachment_id).read_bytes()
        except FileNotFoundError:
            raise NotFound("the attachment's file is missing from storage") from None


class DatabaseStorage:
    """Bytes in the ``attachment_blobs`` table, in the same transaction as the ticket."""

    name = "database"

    def put(self, session: Session, *, tenant_id: int, attachment_id: int, data: bytes) -> None:
        session.add(AttachmentBlob(tenant_id=tenant_id, attachment_id=attachment_id, data=data))

    def get(self, session: Session, *, tenant_id: int, attachment_id: int) -> bytes:
        data = session.scalar(
            select(AttachmentBlob.data).where(AttachmentBlob.attachment_id == attachment_id)
        )
        if data is None:
            raise NotFound("the attachment's bytes are missing from storage")
        return data


def storage_from_settings(kind: str, data_dir: Path) -> AttachmentStorage:
    if kind == "database":
        return DatabaseStorage()
    return FileSystemStorage(data_dir / "attachments")
