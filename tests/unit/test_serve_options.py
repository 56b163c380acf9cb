"""What `supportdesk serve` hands to uvicorn (through ``supportdesk.workers.serve_app``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

import supportdesk.workers
from supportdesk.cli import app
from supportdesk.config import Settings, get_settings


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    calls: list[dict[str, Any]] = []

    def fake_run(target: str, **options: Any) -> None:
        calls.append({"target": target, **options})

    monkeypatch.setattr(supportdesk.workers, "serve_app", fake_run)
    get_settings.cache_clear()
    yield calls
    get_settings.cache_clear()


def test_workers_get_a_patient_health_check_by_default(
        uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPPORTDESK_WORKER_HEALTHCHECK_SECONDS", raising=False)
    monkeypatch.delenv("SUPPORTDESK_MAX_HEADER_BYTES", raising=False)
    monkeypatch.delenv("SUPPORTDESK_FORWARDED_ALLOW_IPS", raising=False)
    result = CliRunner().invoke(app, ["serve", "--port", "8123", "--workers", "3"])
    assert result.exit_code == 0, result.output
    [call] = uvicorn_calls
    assert call["target"] == "supportdesk.app:create_app"
    assert (call["factory"], call["port"], call["workers"]) == (True, 8123, 3)
    assert call["timeout_worker_healthcheck"] == 30
    assert call["h11_max_incomplete_event_size"] == 4 * 16384
    # No proxy is trusted: X-Forwarded-* are ignored, even from loopback peers.
    assert (call["proxy_headers"], call["forwarded_allow_ips"]) == (False, "")


def test_the_health_check_timeout_comes_from_the_environment(
        uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_WORKER_HEALTHCHECK_SECONDS", "90")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert uvicorn_calls[0]["timeout_worker_healthcheck"] == 90


def test_trusted_proxies_come_from_the_environment(
        uvicorn_calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTDESK_FORWARDED_ALLOW_IPS", " 10.0.0.0/8, 192.0.2.7,,::1 ")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert (uvicorn_calls[0]["proxy_headers"], uvicorn_calls[0]["forwarded_allow_ips"]) == (
        True, "10.0.0.0/8,192.0.2.7,::1")


@pytest.mark.parametrize(("value", "stored"), [("*", "*"), (" * ", "*"), ("", ""),
                                               ("2001:db8::/32", "2001:db8::/32")])
def test_proxy_addresses_that_are_accepted(value: str, stored: str) -> None:
    assert Settings(forwarded_allow_ips=value).forwarded_allow_ips == stored


@pytest.mark.parametrize(("value", "named"), [
    ("10.0.0.1/8", "'10.0.0.1/8'"), ("proxy.internal", "'proxy.internal'"),
    ("10.0.0.1,*", "'*'"), ("300.1.1.1", "'300.1.1.1'"),
])
def test_proxy_addresses_uvicorn_would_never_match_are_refused(value: str, named: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(forwarded_allow_ips=value)
    [error] = refused.value.errors()
    assert error["loc"] == ("forwarded_allow_ips",)
    assert error["msg"] == (f"Value error, {named} is not an IP address or network (a "
                            "network's host bits must be zero); '*' must stand alone")
