"""ProxyFix trusts only what the documented proxy sets; ALLOWED_HOSTS refuses other hosts."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, request

from fundraiser import create_app


def _app(tmp_path: Path, **config: object) -> Flask:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "k",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/h.db",
            "RATELIMIT_STORAGE_URI": "memory://",
            **config,
        }
    )

    @app.get("/_probe")
    def probe() -> dict[str, str]:
        return {"addr": request.remote_addr or "", "host": request.host, "scheme": request.scheme}

    return app


def test_forwarded_host_and_port_are_never_trusted(tmp_path: Path) -> None:
    app = _app(tmp_path, TRUSTED_PROXIES=1)
    seen = (
        app.test_client()
        .get(
            "/_probe",
            headers={
                "X-Forwarded-For": "198.51.100.9",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "evil.example",
                "X-Forwarded-Port": "8443",
            },
        )
        .json
    )
    assert seen == {"addr": "198.51.100.9", "host": "localhost", "scheme": "https"}


def test_allowed_hosts_refuse_any_other_host(tmp_path: Path, monkeypatch: object) -> None:
    app = _app(tmp_path, TRUSTED_HOSTS=["give.example.org"])
    client = app.test_client()
    assert client.get("/_probe", headers={"Host": "give.example.org"}).status_code == 200
    assert client.get("/_probe", headers={"Host": "evil.example"}).status_code == 400
