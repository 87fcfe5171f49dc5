"""Fixtures for the sandbox tests: the ServiceTitan sandbox alone behind the real HTTP server
on loopback, and a small helper that talks to it the way a client would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from sandbox.credentials import (
    SANDBOX_ST_APP_KEY,
    SANDBOX_ST_CLIENT_ID,
    SANDBOX_ST_CLIENT_SECRET,
    SANDBOX_ST_TENANT_ID,
)
from sandbox.server import RunningSandbox, SandboxApp, start_sandbox
from sandbox.servicetitan import ServiceTitanSandbox
from sandbox.servicetitan.resources import RESOURCES

SCHEMAS = Path(__file__).parent.parent / "fixtures" / "servicetitan" / "response_schemas.json"
EXPORTED = [r for r in RESOURCES if r.export_path]
LISTED = [r for r in RESOURCES if r.list_path]


@dataclass
class StApi:
    """Talks to the ServiceTitan sandbox over HTTP, as a client would (not the real client)."""

    url: str
    vendor: ServiceTitanSandbox
    session: requests.Session
    _token: str | None = field(default=None, repr=False)

    def endpoint(self, template: str, tenant: Any = SANDBOX_ST_TENANT_ID) -> str:
        return f"{self.url}/servicetitan{template.format(tenant=tenant)}"

    def request_token(self, **form: str) -> requests.Response:
        data = {"grant_type": "client_credentials", "client_id": SANDBOX_ST_CLIENT_ID,
                "client_secret": SANDBOX_ST_CLIENT_SECRET, **form}
        return self.session.post(f"{self.url}/servicetitan/connect/token", data=data)

    def token(self) -> str:
        if self._token is None:
            self._token = self.request_token().json()["access_token"]
        return self._token

    def get(self, template: str, *, token: str | None = None, app_key: str | None =
            SANDBOX_ST_APP_KEY, tenant: Any = SANDBOX_ST_TENANT_ID, **params: Any
            ) -> requests.Response:
        """GET with a bearer token: the one given, else a cached one that is renewed once on
        a 401 (tests move the sandbox clock past its expiry, or reset the sandbox)."""
        headers = {} if app_key is None else {"ST-App-Key": app_key}
        url = self.endpoint(template, tenant)
        response = self.session.get(url, params=params, headers={
            **headers, "Authorization": f"Bearer {token or self.token()}"})
        if response.status_code == 401 and token is None:
            self._token = None
            response = self.session.get(url, params=params, headers={
                **headers, "Authorization": f"Bearer {self.token()}"})
        return response

    def export_pages(self, template: str, **params: Any) -> list[dict]:
        """Every page of an export from ``params`` until hasMore is false."""
        pages = [self.get(template, **params).json()]
        while pages[-1]["hasMore"]:
            pages.append(self.get(template, **{**params, "from": pages[-1]["continueFrom"]})
                         .json())
        return pages

    def export_all(self, template: str, **params: Any) -> tuple[list[dict], str]:
        """(every record of the export, the final continueFrom token)."""
        pages = self.export_pages(template, **params)
        return [record for page in pages for record in page["data"]], pages[-1]["continueFrom"]

    def control(self, method: str, path: str, body: Any = None) -> requests.Response:
        return self.session.request(method, f"{self.url}/servicetitan/_control/{path}",
                                    json=body)


@pytest.fixture(scope="session")
def st_server() -> Iterator[RunningSandbox]:
    running = start_sandbox(app=SandboxApp({"servicetitan": ServiceTitanSandbox()}))
    yield running
    running.stop()


@pytest.fixture
def st(st_server: RunningSandbox) -> Iterator[StApi]:
    """The session's ServiceTitan sandbox (scale 1, seed 1), reset, with faults cleared."""
    st_server.app.faults.clear()
    vendor = st_server.vendor("servicetitan")
    vendor.reset()
    with requests.Session() as session:
        yield StApi(st_server.url, vendor, session)
    st_server.app.faults.clear()


@pytest.fixture(scope="session")
def st_schemas() -> dict:
    return json.loads(SCHEMAS.read_text())


@pytest.fixture(scope="session")
def st_tenant() -> dict[str, dict[int, dict]]:
    """Every record of a scale-1 tenant, exported over HTTP once: {resource: {id: record}}
    (estimate items from their list endpoint). Read-only."""
    running = start_sandbox(app=SandboxApp({"servicetitan": ServiceTitanSandbox()}))
    try:
        with requests.Session() as session:
            api = StApi(running.url, running.vendor("servicetitan"), session)
            api.vendor.set_options(rate_limit=None)
            records = {r.name: api.export_all(r.path("export"))[0] for r in EXPORTED}
            for r in LISTED:
                if not r.export_path:
                    body = api.get(r.path("list"), pageSize=5000, active="Any").json()
                    records[r.name] = body["data"]
    finally:
        running.stop()
    return {name: {record["id"]: record for record in rows} for name, rows in records.items()}
