"""SQLite connections: their page cache, and the writers' turn within a process.

The cache follows ``SUPPORTDESK_SQLITE_CACHE_MB`` per pooled connection, so it
multiplies into a worker's memory (issue #5: 64 MB each took workers to
~500 MB). Durability is unchanged. Writers of one process take turns before
``BEGIN IMMEDIATE`` and give the turn back however their transaction ends.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from supportdesk.app import create_app
from supportdesk.config import Settings
from supportdesk.db.engine import make_engine
from supportdesk.db.session import Database


def _pragmas(engine: Engine) -> tuple[int, int, str]:
    """(cache_size, synchronous, journal_mode) as a pooled connection has them."""
    with engine.connect() as connection:
        return (connection.exec_driver_sql("PRAGMA cache_size").scalar_one(),
                connection.exec_driver_sql("PRAGMA synchronous").scalar_one(),
                connection.exec_driver_sql("PRAGMA journal_mode").scalar_one())


def test_the_default_cache_is_4_mb_per_connection(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        # Negative cache_size is KiB; synchronous 2 is FULL.
        assert _pragmas(engine) == (-4096, 2, "wal")
    finally:
        engine.dispose()


def test_the_setting_sizes_the_cache_of_the_served_app(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}",
                        data_dir=tmp_path / "data", sqlite_cache_mb=2)
    app = create_app(settings)
    try:
        assert _pragmas(app.state.database.engine) == (-2048, 2, "wal")
    finally:
        app.state.database.dispose()


def test_the_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_SQLITE_CACHE_MB", "16")
    assert Settings().sqlite_cache_mb == 16


@pytest.fixture
def notes(tmp_path: Path) -> Database:
    database = Database.from_engine(make_engine(f"sqlite:///{tmp_path / 'c.db'}"))
    with database.session(write=True) as session:
        session.execute(text("CREATE TABLE notes (body TEXT NOT NULL)"))
        session.commit()
    return database


def _bodies(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.scalars(text("SELECT body FROM notes ORDER BY rowid")))


def _write_then_fail(database: Database) -> None:
    with database.session(write=True) as session:
        session.execute(text("INSERT INTO notes VALUES ('failed')"))
        raise ValueError("boom")


def _write(database: Database, body: str | None) -> None:
    with database.session(write=True) as session:
        session.execute(text("INSERT INTO notes VALUES (:body)"), {"body": body})
        session.commit()


def test_the_turn_comes_back_after_commit_rollback_error_and_close(notes: Database) -> None:
    """Were a turn kept, the next writer of this thread would wait 30 s and fail."""
    with notes.session(write=True) as session:
        session.execute(text("INSERT INTO notes VALUES ('committed')"))
        session.commit()
    with notes.session(write=True) as session:
        session.execute(text("INSERT INTO notes VALUES ('rolled back')"))
        session.rollback()
    with pytest.raises(ValueError, match="boom"):
        _write_then_fail(notes)
    with notes.session(write=True) as session:
        session.execute(text("INSERT INTO notes VALUES ('closed without commit')"))
    with pytest.raises(IntegrityError, match="NOT NULL"):
        _write(notes, None)
    with notes.session(write=True) as session:
        session.execute(text("INSERT INTO notes VALUES ('last')"))
        session.commit()
    assert _bodies(notes) == ["committed", "last"]
    notes.dispose()


def test_a_second_writer_waits_for_the_first_to_commit(notes: Database) -> None:
    first_began = threading.Event()
    release_first = threading.Event()
    seen_by_second: list[list[str]] = []

    def first() -> None:
        with notes.session(write=True) as session:
            session.execute(text("INSERT INTO notes VALUES ('first')"))
            first_began.set()
            release_first.wait()
            session.commit()

    def second() -> None:
        first_began.wait()
        with notes.session(write=True) as session:
            # BEGIN IMMEDIATE ran only once the first writer had committed.
            seen_by_second.append(list(session.scalars(text("SELECT body FROM notes"))))
            session.execute(text("INSERT INTO notes VALUES ('second')"))
            session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_began.wait()
    release_first.set()
    for thread in threads:
        thread.join()
    assert seen_by_second == [["first"]]
    assert _bodies(notes) == ["first", "second"]
    notes.dispose()
