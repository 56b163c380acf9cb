"""What `supportdesk serve` hands to uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from supportdesk.cli import app
from supportdesk.config import get_settings


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def fake_run(target: str, **options: Any) -> None:
        calls.append({"target": target, **options})

    monkeypatch.setattr(uvicorn, "run", fake_run)
    get_settings.cache_clear()
    yield calls
    get_settings.cache_clear()


def test_workers_get_a_patient_health_check_by_default(
        uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPPORTDESK_WORKER_HEALTHCHECK_SECONDS", raising=False)
    monkeypatch.delenv("SUPPORTDESK_MAX_HEADER_BYTES", raising=False)
    result = CliRunner().invoke(app, ["serve", "--port", "8123", "--workers", "3"])
    assert result.exit_code == 0, result.output
    [call] = uvicorn_calls
    assert call["target"] == "supportdesk.app:create_app"
    assert (call["factory"], call["port"], call["workers"]) == (True, 8123, 3)
    assert call["timeout_worker_healthcheck"] == 30
    assert call["h11_max_incomplete_event_size"] == 4 * 16384


def test_the_health_check_timeout_comes_from_the_environment(
        uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_WORKER_HEALTHCHECK_SECONDS", "90")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert uvicorn_calls[0]["timeout_worker_healthcheck"] == 90
