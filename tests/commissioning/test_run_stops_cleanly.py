"""`make run`'s two processes, from the Procfile under honcho: Ctrl-C stops both, cleanly."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HONCHO = Path(sys.executable).parent / "honcho"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2):
            return True
    except OSError:
        return False


def test_ctrl_c_stops_the_server_and_the_worker(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    run = subprocess.Popen(
        [HONCHO, "start", "-f", "Procfile", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not answers(port) and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.5)
        assert answers(port), "the development server never answered"

        run.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal sends
        output, _ = run.communicate(timeout=20)
    finally:
        if run.poll() is None:
            run.kill()
            run.communicate()

    assert "SIGINT received" in output
    assert "web.1 stopped" in output
    assert "worker.1 stopped" in output
    assert "Segmentation fault" not in output
    assert not answers(port)
