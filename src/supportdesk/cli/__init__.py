"""The command line: one more entry point onto the same services the API uses.

Every command reads the deployment from ``supportdesk.config.get_settings()``
(the ``SUPPORTDESK_*`` environment). A service refusing something prints
``error: <message>`` on stderr and exits with status 1. Each module below
adds its commands to the root ``app`` when imported.
"""

from __future__ import annotations

from supportdesk.cli import (  # noqa: F401  (importing registers the commands)
    agents,
    apikeys,
    backup,
    catalog,
    contracts,
    core,
    customfields,
    exports,
    groups,
    limits,
    sla,
    surveys,
    tenants,
    time_entries,
)
from supportdesk.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
