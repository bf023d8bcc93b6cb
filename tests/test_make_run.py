"""`make run` prints the address it really serves: run briefly on a free port, read what it
says, open that address, stop it."""

import os
import re
import selectors
import shutil
import signal
import subprocess
import time
import urllib.request

import pytest

from portal.local_server import browse_url, served_at
from tests.conftest import REPO
from tests.servers import free_port

STARTUP_SECONDS = 90  # migrate on an empty database, the seed, static files: about 6 s


def run_until_served(var_dir, arguments=(), environment=None) -> tuple[list[str], str]:
    """Start `make run` with its own SQLite file and static files under ``var_dir``, read its
    output up to the line saying where it serves, and what it answers there; then stop it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "HOST", "PORT", "MAKEFLAGS", "MFLAGS"}
    }
    env.update(PORTAL_VAR_DIR=str(var_dir), **(environment or {}))
    # -o: the virtualenv and the npm packages are there already (the suite runs with them);
    # never reinstall them here (npm ci empties node_modules first).
    command = [
        "make",
        "--no-print-directory",
        "-o",
        ".venv/.installed",
        "-o",
        "node_modules/.installed",
        "run",
        *arguments,
    ]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # make, manage.py and gunicorn: one group, stopped together
    )
    lines, answer = [], ""
    try:
        watch = selectors.DefaultSelector()
        watch.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if not watch.select(timeout=1):
                continue
            line = process.stdout.readline()
            if not line:
                break  # make ended
            lines.append(line.rstrip("\n"))
            if line.startswith("Serving on"):
                url = re.findall(r"http://[^\s)]+/", line)[-1]  # the one to open here
                with urllib.request.urlopen(f"{url}healthz", timeout=10) as response:  # noqa: S310 -- our own server
                    answer = response.read().decode()
                break
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        process.stdout.close()
    return lines, answer


pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make")


def test_make_run_port_prints_the_address_it_serves(tmp_path):
    port = free_port()
    lines, answer = run_until_served(tmp_path, [f"PORT={port}"])
    assert f"Serving on http://127.0.0.1:{port}/ (Ctrl-C stops)" in lines, lines
    assert answer.strip() == "ok"
    # The first run creates the local admin, and says where to log in: the same address.
    assert f"Log in at http://127.0.0.1:{port}/admin/ and change it under 'Change password'." in (
        lines
    )


def test_port_and_host_from_the_environment_are_the_ones_served(tmp_path):
    port = free_port()
    lines, answer = run_until_served(tmp_path, environment={"PORT": str(port), "HOST": "0.0.0.0"})
    assert answer.strip() == "ok"
    assert served_at("0.0.0.0", port) in lines, lines
    assert f"on this machine: http://127.0.0.1:{port}/" in served_at("0.0.0.0", port)


def test_addresses_for_a_browser():
    assert browse_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert browse_url("0.0.0.0", 8123) == "http://127.0.0.1:8123/"
    assert browse_url("::", 8123) == "http://[::1]:8123/"
    assert browse_url("::1", 8123) == "http://[::1]:8123/"
    assert served_at("localhost", 8000) == "Serving on http://localhost:8000/ (Ctrl-C stops)"
