"""Taking a backup of a running deployment and restoring one.

A backup is taken while the service runs. The database is copied first, as
one consistent snapshot (SQLite's online backup API; ``pg_dump``, which reads
in one repeatable-read transaction). The attachment files are copied after
it: a file is written and fsynced before the transaction that refers to it
commits, so every attachment in the snapshot has its file. Files of later
uploads may come along too; they are unreferenced and harmless.

Restoring replaces the configured database and attachment store with the
archive's, then migrates the schema to this version. Stop the service first.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from supportdesk.backup.archive import (
    ATTACHMENTS_PREFIX,
    MANIFEST,
    POSTGRES_MEMBER,
    SQLITE_MEMBER,
    Manifest,
    sha256_file,
)
from supportdesk.clock import Clock, system_clock
from supportdesk.config import Settings
from supportdesk.db.migrate import upgrade
from supportdesk.db.session import Database
from supportdesk.errors import BadRequest, Conflict
from supportdesk.tenancy.models import Tenant
from supportdesk.tickets.models import Ticket


@dataclass(frozen=True)
class BackupReport:
    """What went into (or came out of) an archive."""

    path: Path
    manifest: Manifest
    size_bytes: int


def create_backup(settings: Settings, database: Database, destination: Path,
                  clock: Clock = system_clock) -> BackupReport:
    """Write a complete backup archive to ``destination`` (atomically)."""
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as work:
        workdir = Path(work)
        if database.dialect == "sqlite":
            member = SQLITE_MEMBER
            _sqlite_snapshot(database, workdir / member)
            revision, tenants, tickets = _describe_sqlite(workdir / member)
        else:
            member = POSTGRES_MEMBER
            revision, tenants, tickets = _pg_dump(settings.database_url, database,
                                                  workdir / member)
        attachments = _attachment_files(settings)
        manifest = Manifest(
            created_at=clock.now().strftime("%Y-%m-%d %H:%M:%S"), dialect=database.dialect,
            schema_revision=revision, database_member=member, tenants=tenants,
            tickets=tickets,
        )
        partial = workdir / "archive.tar"
        with tarfile.open(partial, "w") as archive:
            archive.add(workdir / member, arcname=member)
            for relative, path in attachments:
                # Attachment files never change once written (new ids, atomic rename).
                manifest.attachments[relative] = sha256_file(path)
                archive.add(path, arcname=ATTACHMENTS_PREFIX + relative)
            manifest_path = workdir / MANIFEST
            manifest_path.write_bytes(manifest.to_json())
            archive.add(manifest_path, arcname=MANIFEST)
        with partial.open("rb") as stream:
            os.fsync(stream.fileno())
        os.replace(partial, destination)
    return BackupReport(destination, manifest, destination.stat().st_size)


def read_manifest(archive_path: Path) -> Manifest:
    """The manifest of an archive, refusing files that are not supportdesk backups."""
    try:
        with tarfile.open(archive_path, "r") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read())
    except (OSError, KeyError, tarfile.TarError, ValueError, TypeError) as error:
        raise BadRequest(f"{archive_path} is not a supportdesk backup: {error}") from None


def restore_backup(settings: Settings, database: Database, archive_path: Path, *,
                   force: bool = False) -> BackupReport:
    """Replace the configured database and attachments with the archive's.

    Refuses (409) when the target database already holds tenants, unless
    ``force``. The dialect of the archive must match the target's.
    """
    manifest = read_manifest(archive_path)
    if manifest.dialect != database.dialect:
        raise BadRequest(f"the backup is of a {manifest.dialect} database; the configured "
                         f"database is {database.dialect}")
    if not force and _holds_tenants(database):
        raise Conflict("the configured database already holds tenants; restore with "
                       "--force to replace them")
    with tempfile.TemporaryDirectory(prefix=".restore-") as work:
        workdir = Path(work)
        with tarfile.open(archive_path, "r") as archive:
            archive.extractall(workdir, filter="data")
        _check_attachments(workdir, manifest)
        database.dispose()
        if manifest.dialect == "sqlite":
            _sqlite_restore(workdir / SQLITE_MEMBER, database)
        else:
            _pg_restore(settings.database_url, workdir / POSTGRES_MEMBER)
        _restore_attachments(settings, workdir)
    upgrade(database.engine)
    return BackupReport(archive_path, manifest, archive_path.stat().st_size)


# -- SQLite -----------------------------------------------------------------------------


def _sqlite_path(database: Database) -> Path:
    name = database.engine.url.database
    if not name or name == ":memory:":
        raise BadRequest("an in-memory SQLite database cannot be backed up or restored")
    return Path(name)


def _sqlite_snapshot(database: Database, target: Path) -> None:
    source = sqlite3.connect(_sqlite_path(database))
    copy = sqlite3.connect(target)
    try:
        # One step: a consistent snapshot. In WAL mode writers keep going meanwhile.
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def _sqlite_restore(snapshot: Path, database: Database) -> None:
    target = _sqlite_path(database)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".restoring")
    shutil.copyfile(snapshot, staged)
    check = sqlite3.connect(staged)
    try:
        result = check.execute("PRAGMA integrity_check").fetchone()
    finally:
        check.close()
    if result is None or result[0] != "ok":
        staged.unlink()
        raise BadRequest(f"the backup's database fails SQLite's integrity check: {result}")
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(staged, target)


# -- PostgreSQL -------------------------------------------------------------------------


def _libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore read it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    try:
        # A fixed program with arguments we built; no shell is involved.
        subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError:
        raise BadRequest(f"{command[0]} is not installed; install the PostgreSQL client "
                         "tools") from None
    except subprocess.CalledProcessError as error:
        raise BadRequest(f"{command[0]} failed: {error.stderr.strip()}") from None


def _pg_dump(url: str, database: Database, target: Path) -> tuple[str | None, int, int]:
    """Dump the database and count what the dump holds, from one shared snapshot."""
    engine = database.engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as connection, connection.begin():
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        revision = connection.execute(
            text("SELECT version_num FROM alembic_version")).scalar()
        tenants = connection.execute(select(func.count()).select_from(Tenant)).scalar()
        tickets = connection.execute(select(func.count()).select_from(Ticket)).scalar()
        # Row security stays on so that a non-superuser owner can dump the
        # tables of its forced policies; unbound sessions see every row (db.rls).
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
              "--enable-row-security", f"--snapshot={snapshot}", f"--file={target}",
              _libpq_url(url)])
    return (str(revision) if revision else None), int(tenants or 0), int(tickets or 0)


def _pg_restore(url: str, dump: Path) -> None:
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={_libpq_url(url)}",
          str(dump)])


# -- both -------------------------------------------------------------------------------


def _describe_sqlite(snapshot: Path) -> tuple[str | None, int, int]:
    """Schema revision and record counts of a SQLite snapshot."""
    connection = sqlite3.connect(snapshot)
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        tenants = connection.execute("SELECT count(*) FROM tenants").fetchone()[0]
        tickets = connection.execute("SELECT count(*) FROM tickets").fetchone()[0]
    finally:
        connection.close()
    return (revision[0] if revision else None), int(tenants), int(tickets)


def _holds_tenants(database: Database) -> bool:
    try:
        with database.session() as session:
            return bool(session.scalar(select(func.count()).select_from(Tenant)))
    except DBAPIError:
        return False  # no schema yet: an empty database


def _attachments_root(settings: Settings) -> Path:
    return settings.data_dir / "attachments"


def _attachment_files(settings: Settings) -> list[tuple[str, Path]]:
    if settings.attachment_storage != "filesystem":
        return []
    root = _attachments_root(settings)
    if not root.is_dir():
        return []
    return sorted(
        (path.relative_to(root).as_posix(), path)
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith(".upload-")
    )


def _check_attachments(workdir: Path, manifest: Manifest) -> None:
    for relative, expected in manifest.attachments.items():
        path = workdir / ATTACHMENTS_PREFIX / relative
        if not path.is_file() or sha256_file(path) != expected:
            raise BadRequest(f"the backup is damaged: attachment file {relative} is missing "
                             "or does not match its checksum")


def _restore_attachments(settings: Settings, workdir: Path) -> None:
    source = workdir / ATTACHMENTS_PREFIX
    if not source.is_dir():
        return
    root = _attachments_root(settings)
    if root.exists():
        shutil.rmtree(root)
    root.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, root)
