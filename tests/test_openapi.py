"""The OpenAPI document against the live server: schemathesis generates requests from it
(valid and invalid), and every response must be no server error and match the document."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import Route

from courtwire import api, photo_api
from courtwire.exceptions import ERROR_CODES
from courtwire.model import Role
from tests.support import LiveServer, Staff

CONFIG = """
# Schema-valid content that the API's own rules refuse is a 422, as API.md says: a time
# zone that is no IANA name, a date outside years 1000-9998, a restricted term, a short
# password; the document cannot state those rules, so 422 is an accepted answer too. So is
# 413 for a photo's Upload-Length over COURTWIRE_PHOTO_BYTES, a setting.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "413", "422", "429"]
"""
REVOKING = ["/api/logout", "/api/users/{username}/revoke"]
"""Operations that revoke the caller's own token: run on their own, after the rest."""


def api_operations() -> set[tuple[str, str]]:
    """(method, path) of every route in the routing tables of `courtwire.api` and
    `courtwire.photo_api`: those under /api, /media and /healthz."""
    return {
        (method, route.path)
        for route in [*api.routes, *photo_api.routes]
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }


def documented_operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


def test_openapi_document_is_served_and_names_every_api_route(server: LiveServer) -> None:
    response = httpx.get(f"{server.url}/api/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert documented_operations(document) == api_operations()
    codes = document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]
    assert codes["code"]["enum"] == sorted(ERROR_CODES)


@pytest.mark.timeout(180)
def test_schemathesis_finds_no_server_error_and_no_nonconforming_response(
    fresh_server: LiveServer,
) -> None:
    executable = Path(sys.executable).with_name("schemathesis")
    if not executable.exists():
        found = shutil.which("schemathesis")
        assert found, "schemathesis is a dev dependency (pip install -e '.[dev]')"
        executable = Path(found)
    fresh_server.start()
    token = fresh_server.staff("fuzzer", Role.ADMIN)
    with Staff(fresh_server, token) as admin:
        slug = admin.create_hearing("R v Fuzz", status="live")["slug"]
        assert admin.post(slug, "A first update.").status_code == 201
    config = fresh_server.directory / "schemathesis.toml"
    config.write_text(CONFIG)

    def schemathesis(token: str, *paths: str, include: bool) -> subprocess.CompletedProcess[str]:
        flag = "--include-path" if include else "--exclude-path"
        selection = [option for path in paths for option in (flag, path)]
        return subprocess.run(
            [
                str(executable),
                "--config-file",
                str(config),
                "run",
                f"{fresh_server.url}/api/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                "10",
                "--phases",
                "examples,coverage,fuzzing",
                "--seed",
                "20200122",
                # One worker: with two threads, Python 3.11's ast.parse (used by hypothesis
                # to describe filters) can fail with "AST constructor recursion depth mismatch".
                "--workers",
                "1",
                "--request-timeout",
                "30",
                *selection,
                "--header",
                f"Authorization: Bearer {token}",
                "--no-color",
                "--suppress-health-check",
                "all",
            ],
            capture_output=True,
            text=True,
            timeout=150,
            cwd=fresh_server.directory,
        )

    result = schemathesis(token, *REVOKING, include=False)
    revoking = schemathesis(fresh_server.staff("revoker", Role.ADMIN), *REVOKING, include=True)
    (fresh_server.directory / "schemathesis-revoking.txt").write_text(revoking.stdout)
    assert revoking.returncode == 0, revoking.stdout[-6000:] + revoking.stderr[-2000:]
    operations = documented_operations(httpx.get(f"{fresh_server.url}/api/openapi.json").json())
    assert operations == api_operations()
    revoking_count = sum(path in REVOKING for _, path in operations)
    assert f"Tested: {revoking_count}" in revoking.stdout
    (fresh_server.directory / "schemathesis.txt").write_text(result.stdout)
    summary = result.stdout[-6000:]
    print(summary)
    assert result.returncode == 0, summary + result.stderr[-2000:]
    # Every operation is tested but GET /api/openapi.json, which schemathesis leaves out as
    # the document it was given (the first test reads it).
    tested = len(operations) - revoking_count - 1
    assert f"Tested: {tested}" in result.stdout, summary
    assert "internal_error" not in fresh_server.log()
