"""Regenerate migration 0001 from the models (only while nothing is released).

After the first release this script goes away and every schema change gets a
new revision through `alembic revision --autogenerate`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from supportdesk.db.engine import make_engine
from supportdesk.db.migrate import MIGRATIONS_DIR, alembic_config

for old in (MIGRATIONS_DIR / "versions").glob("0001_*.py"):
    old.unlink()
with tempfile.TemporaryDirectory() as scratch:
    engine = make_engine(f"sqlite:///{Path(scratch) / 'gen.db'}")
    command.revision(alembic_config(engine), message="initial schema", autogenerate=True,
                     rev_id="0001")
    engine.dispose()
