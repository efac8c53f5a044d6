"""The development server listens beyond loopback only with a real SECRET_KEY."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from types import ModuleType

import pytest

from tests.support.harness import ROOT


def run_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_dev", ROOT / "scripts" / "run_dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("secret", [None, "", "dev-only-not-secret", "short"])
def test_a_public_bind_without_a_real_key_is_refused(secret: str | None) -> None:
    env = {} if secret is None else {"SECRET_KEY": secret}
    with pytest.raises(SystemExit, match="SECRET_KEY"):
        run_dev().check_bind("0.0.0.0", env)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_needs_no_key(host: str) -> None:
    run_dev().check_bind(host, {})


def test_a_public_bind_with_a_real_key_is_allowed() -> None:
    run_dev().check_bind("0.0.0.0", {"SECRET_KEY": "k" * 64})


def test_the_command_refuses_before_starting_anything() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(HOST="0.0.0.0", PORT="1")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "run_dev.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
