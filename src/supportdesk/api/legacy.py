"""The legacy Desk365 paths: ``/apis/v2/<endpoint>`` and ``/apis/<endpoint>`` (v1).

They serve the v3 operations with the v1/v2 differences (see docs/api.md).
"""

from __future__ import annotations

from fastapi import FastAPI


def install_legacy(app: FastAPI) -> None:
    """Serve the legacy v1/v2 paths on ``app`` (not implemented yet)."""
