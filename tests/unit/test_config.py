"""Configuration: production refuses to start without its secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundraiser import create_app

ROOT = Path(__file__).resolve().parent.parent.parent


def test_production_names_each_missing_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("FUNDRAISER_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_live_x")
    for name in ("SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(RuntimeError) as info:
        create_app()
    message = str(info.value)
    assert (
        "SECRET_KEY" in message
        and "STRIPE_PUBLISHABLE_KEY" in message
        and "STRIPE_WEBHOOK_SECRET" in message
    )
    assert "STRIPE_SECRET_KEY," not in message


def test_production_starts_with_its_secrets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("FUNDRAISER_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    for name in (
        "SECRET_KEY",
        "STRIPE_SECRET_KEY",
        "STRIPE_PUBLISHABLE_KEY",
        "STRIPE_WEBHOOK_SECRET",
    ):
        monkeypatch.setenv(name, "set")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://give.example.org/")
    app = create_app()
    assert app.config["PUBLIC_BASE_URL"] == "https://give.example.org"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["LOCALSTRIPE_SHIM"] is False


def test_development_defaults_need_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    for name in (
        "FUNDRAISER_ENV",
        "SECRET_KEY",
        "STRIPE_SECRET_KEY",
        "STRIPE_JS_URL",
        "STRIPE_API_BASE",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/d.db")
    app = create_app()
    assert app.config["STRIPE_JS_URL"] == "https://js.stripe.com/v3/"
    assert app.config["STRIPE_API_BASE"] == ""


def test_commands_beside_make_run_reach_its_localstripe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """run_dev.py's file is what a command in another terminal reads, with no exports."""
    import importlib.util

    from fundraiser.config import from_environment

    spec = importlib.util.spec_from_file_location("run_dev", ROOT / "scripts" / "run_dev.py")
    assert spec is not None and spec.loader is not None
    run_dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_dev)
    monkeypatch.setattr(run_dev, "DEV_STRIPE_FILE", tmp_path / "localstripe.env")
    shared = {
        "STRIPE_SECRET_KEY": "sk_test_localstripe",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_localstripe",
        "STRIPE_WEBHOOK_SECRET": "whsec_abc",
        "STRIPE_API_BASE": "http://127.0.0.1:8420",
        "STRIPE_JS_URL": "http://127.0.0.1:8420/js.stripe.com/v3/",
    }
    run_dev.write_dev_stripe_file({**shared, "SECRET_KEY": "not shared"})
    assert (tmp_path / "localstripe.env").stat().st_mode & 0o077 == 0
    for name in [*shared, "FUNDRAISER_ENV"]:
        monkeypatch.delenv(name, raising=False)
    config = from_environment(str(tmp_path))
    assert {k: config[k] for k in shared} == shared
    assert config["SECRET_KEY"] == "dev-only-not-secret"
    # Your own key wins, and production never reads the file.
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_mine")
    assert from_environment(str(tmp_path))["STRIPE_API_BASE"] == ""
    monkeypatch.delenv("STRIPE_SECRET_KEY")
    monkeypatch.setenv("FUNDRAISER_ENV", "production")
    assert from_environment(str(tmp_path))["STRIPE_SECRET_KEY"] == ""


@pytest.mark.parametrize("base", ["", "give.example.org", "https://give.example.org/drive"])
def test_production_needs_a_public_base_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, base: str
) -> None:
    """No outward link may come from the Host header, so production names the setting."""
    monkeypatch.setenv("FUNDRAISER_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    for name in ("SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY"):
        monkeypatch.setenv(name, "set")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "set")
    monkeypatch.setenv("PUBLIC_BASE_URL", base)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app()
