"""Alembic environment: runs migrations on the engine the caller passed in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from supportdesk.db.engine import make_engine
from supportdesk.db.registry import metadata
from supportdesk.search.models import is_search_table

config = context.config


def include_name(name: str | None, kind: str, _parents: object) -> bool:
    """Autogenerate leaves the search index alone: its migration alone makes it."""
    return not (kind == "table" and is_search_table(name))


def run_migrations_online() -> None:
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
