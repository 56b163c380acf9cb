"""The backup archive's layout: a tar with a manifest, the database and the files.

::

    supportdesk-backup.json   manifest: format, time, dialect, schema revision,
                              counts, and the SHA-256 of every attachment file
    database.sqlite3          SQLite: a page-consistent online backup, or
    database.pgdump           PostgreSQL: pg_dump --format=custom
    attachments/<tenant>/<id> the filesystem attachment store, if used
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "supportdesk-backup.json"
FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
ATTACHMENTS_PREFIX = "attachments/"


@dataclass
class Manifest:
    """What a backup holds, written first and checked on restore."""

    created_at: str
    dialect: str
    schema_revision: str | None
    database_member: str
    tenants: int
    tickets: int
    attachments: dict[str, str] = field(default_factory=dict)
    format: int = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data: dict[str, Any] = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError(f"unsupported backup format {data.get('format')!r}")
        return cls(**data)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
