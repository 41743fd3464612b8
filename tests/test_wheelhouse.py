"""tools/wheelhouse.sh: the offline-classroom recipe, exercised end to end.

The end-to-end test downloads every pinned package into a wheelhouse (pip's cache makes repeat
runs faster), then runs the documented classroom command `make venv WHEELHOUSE=DIR` (with a
scratch VENV) with the network switched off
(`unshare -rn`, when the kernel allows user namespaces; otherwise `--no-index` alone keeps pip
off the network) and imports tlutils there. It needs the package index for the download step
and is skipped when the index is unreachable, except under CI (the variable CI is set), where
that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "wheelhouse.sh"
DEFAULT_INDEX = "https://pypi.org/simple"


def run_script(*args: str, timeout: float = 60, **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, **kwargs
    )


# --------------------------------------------------------------------------- usage errors


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "usage: tools/wheelhouse.sh build DIR"),
        (("frobnicate",), "unknown command 'frobnicate'; allowed: build, install"),
        (("build",), "usage:"),
        (("build", "a", "b"), "usage:"),
        (("install", "only-one"), "usage:"),
        (
            ("install", "/nonexistent/wheels", "venv"),
            "DIR='/nonexistent/wheels' is not a directory",
        ),
    ],
)
def test_bad_arguments_print_usage_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run_script(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_install_refuses_a_folder_that_is_not_a_wheelhouse(tmp_path: Path) -> None:
    result = run_script("install", str(tmp_path), str(tmp_path / "venv"))
    assert result.returncode == 2
    assert "holds no requirements.txt" in result.stderr
    (tmp_path / "requirements.txt").write_text("numpy==2.4.6\n")
    result = run_script("install", str(tmp_path), str(tmp_path / "venv"))
    assert result.returncode == 2 and "holds no tlutils wheel" in result.stderr
    assert not (tmp_path / "venv").exists(), "nothing is created before the checks pass"


def test_help_goes_to_stdout_and_exits_0() -> None:
    result = run_script("--help")
    assert result.returncode == 0 and "tools/wheelhouse.sh install DIR VENV" in result.stdout


def test_a_python_other_than_3_11_is_refused(tmp_path: Path) -> None:
    fake_python = tmp_path / "python"
    fake_python.write_text("#!/bin/sh\necho 3.12.1\n")
    fake_python.chmod(0o755)
    env = {**os.environ, "PYTHON": str(fake_python)}
    result = run_script("build", str(tmp_path / "wheels"), env=env)
    assert result.returncode == 2
    assert "is Python 3.12.1; Python 3.11 is required" in result.stderr
    assert not (tmp_path / "wheels").exists()


def test_install_refuses_an_existing_venv(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("")
    (tmp_path / "tlutils-0.1.0-py3-none-any.whl").write_text("")
    result = run_script("install", str(tmp_path), str(tmp_path))
    assert result.returncode == 2 and "already exists" in result.stderr


def test_script_is_strict_bash_and_documents_both_commands() -> None:
    text = SCRIPT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert (
        "tools/wheelhouse.sh build DIR" in text and "tools/wheelhouse.sh install DIR VENV" in text
    )
    assert os.access(SCRIPT, os.X_OK)
    subprocess.run(["bash", "-n", str(SCRIPT)], check=True)


# --------------------------------------------------------------------------- end to end


def package_index_url() -> str:
    """The index pip would use: $PIP_INDEX_URL, else pip's configuration, else PyPI."""
    if os.environ.get("PIP_INDEX_URL"):
        return os.environ["PIP_INDEX_URL"]
    result = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.index-url"],
        capture_output=True,
        text=True,
        check=False,
    )
    return (
        result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else DEFAULT_INDEX
    )


def index_is_reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/pip/", timeout=15) as response:
            return response.status == 200
    except OSError:
        return False


def network_off_prefix() -> list[str]:
    """`unshare -rn` (a new user and network namespace: no network) when it works here."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return []
    probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, check=False)
    return [unshare, "-rn"] if probe.returncode == 0 else []


@pytest.mark.slow
def test_wheelhouse_builds_online_and_installs_offline(tmp_path: Path) -> None:
    index = package_index_url()
    if not index_is_reachable(index):
        message = f"the package index {index} is unreachable; the build step needs it"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set, so this is a failure)")
        pytest.skip(message)
    wheels, venv = tmp_path / "wheels", tmp_path / "venv"
    env = {**os.environ, "PYTHON": sys.executable, "TF_CPP_MIN_LOG_LEVEL": "3"}

    built = run_script("build", str(wheels), timeout=1800, env=env)
    assert built.returncode == 0, built.stderr[-3000:]
    assert len(list(wheels.glob("tlutils-*.whl"))) == 1
    assert (wheels / "requirements.txt").read_text() == (ROOT / "requirements.txt").read_text()
    assert not list(wheels.glob("*.tar.gz")), "every package must be a wheel"

    offline = network_off_prefix()
    # The documented classroom command: make venv WHEELHOUSE=DIR (here with a scratch VENV).
    # No pip configuration may point pip at an index or another folder: everything from DIR.
    offline_env = {
        key: value
        for key, value in env.items()
        if key not in {"PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"}
    }
    offline_env["PIP_CONFIG_FILE"] = os.devnull
    install = [*offline, "make", "-C", str(ROOT), "venv", f"VENV={venv}", f"WHEELHOUSE={wheels}"]
    installed = subprocess.run(
        install, capture_output=True, text=True, timeout=1800, env=offline_env, check=False
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    assert "--no-index" in installed.stdout, "make must install with --no-index"

    check = "import sys, tlutils.models; print(sys.prefix, tlutils.models.build_mlp)"
    imported = subprocess.run(
        [*offline, str(venv / "bin" / "python"), "-c", check],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr[-3000:]
    assert imported.stdout.startswith(str(venv)), "the check must run in the new venv"
    assert "build_mlp" in imported.stdout
    print(f"installed offline ({' '.join(offline) or 'no network namespace; --no-index'})")
