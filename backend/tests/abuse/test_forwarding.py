"""A client chooses its own X-Forwarded-For: unless FORWARDED_ALLOW_IPS names the
proxy it came through, the header is ignored, so failed attempts are counted on the
socket's address and a guesser cannot spread them over made-up ones. Against the
real server, as `looped serve` starts it."""

from collections.abc import Iterator

import httpx
import pytest

from app.core.config import load_settings
from tests.support.live_server import api_env, live_server

ATTEMPTS = 3


def _env(database_url: str, **extra: str) -> dict[str, str]:
    return api_env(database_url, RATE_LIMIT=f"{ATTEMPTS}/minute", REDIS_URL="", **extra)


def _guesses(base_url: str) -> Iterator[int]:
    """Statuses of bad keys, each sent as if from another address."""
    for index in range(ATTEMPTS + 2):
        headers = {
            "Authorization": "Bearer ln_guess",
            "X-Forwarded-For": f"203.0.113.{index}",
        }
        yield httpx.get(f"{base_url}/v1/teams/acme/posts", headers=headers).status_code


def test_spoofed_forwarding_headers_do_not_reset_the_failed_attempt_limit(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unset, as on a fresh deployment: uvicorn alone would trust loopback.
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    with live_server(_env(database_url)) as base_url:
        statuses = list(_guesses(base_url))
    assert statuses == [401] * ATTEMPTS + [429, 429]


def test_a_named_proxy_is_trusted_for_the_address(database_url: str) -> None:
    env = _env(database_url, FORWARDED_ALLOW_IPS="127.0.0.1")
    with live_server(env) as base_url:
        statuses = list(_guesses(base_url))
    assert statuses == [401] * (ATTEMPTS + 2)


@pytest.mark.parametrize("value", ["10.0.0.1,bogus", "300.1.1.1", "10.0.0.0/33"])
def test_forwarded_allow_ips_must_be_addresses_or_networks(value: str) -> None:
    with pytest.raises(SystemExit, match="FORWARDED_ALLOW_IPS"):
        load_settings(_env_file=None, forwarded_allow_ips=value)


@pytest.mark.parametrize("value", ["", "*", "127.0.0.1, ::1", "10.0.0.0/8"])
def test_forwarded_allow_ips_accepts_addresses_networks_or_a_star(value: str) -> None:
    load_settings(_env_file=None, forwarded_allow_ips=value)
