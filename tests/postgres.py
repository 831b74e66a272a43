"""A throwaway PostgreSQL server on a loopback port, from Debian's packages, for the export tests.

`make test` installs the `postgresql` package when it is missing; the fixture makes a new cluster in a temporary
folder, starts it, and removes it at the end. PostgreSQL refuses to run as root, so as root it runs as the
`postgres` user that the Debian package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

HOW_TO = (
    "the PostgreSQL export tests need a PostgreSQL server (initdb and pg_ctl under /usr/lib/postgresql/*/bin); "
    "install it with `sudo apt-get install postgresql` (`make test` does) and run the tests again"
)


def server_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    bindir = server_bin()
    if bindir is None:
        pytest.fail(HOW_TO, pytrace=False)
    root = Path(tempfile.mkdtemp(prefix="vnplan-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", free_port()

    def run(*cmd: str) -> None:
        done = subprocess.run([*as_user, *cmd], capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(cmd[:2])} failed: {done.stderr.strip() or done.stdout.strip()}", pytrace=False)

    run(str(bindir / "initdb"), "-D", str(data), "-U", "vnplan", "--auth=trust", "-E", "UTF8", "--no-locale")
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "-t", "60", "start")
    try:
        yield f"postgresql://vnplan@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60, check=False)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
