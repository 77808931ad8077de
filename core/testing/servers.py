"""Throwaway servers for fault, set-up and scale-out tests and the soak bench: a Redis, a
PostgreSQL cluster, gunicorn app servers and an HAProxy, each on its own free port of
this machine, started by the test and stopped afterwards.

They never touch the shared services (PostgreSQL on 5432, Redis on 6379): a test that
stops "the database" stops its own. ``binary_missing(name)`` tells a test to skip locally
(``GONGZHI_REQUIRE_SERVICES=1``, as in CI, turns that into a failure).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

POSTGRES_BIN = Path(os.environ.get("GONGZHI_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(
    port: int, timeout: float = 20.0, process: subprocess.Popen | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        with closing(socket.socket()) as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def binary_missing(name: str) -> str | None:
    """Why a test cannot start ``name`` here (None: it can)."""
    if name == "postgres":
        return None if (POSTGRES_BIN / "initdb").exists() else f"no {POSTGRES_BIN}/initdb"
    return None if shutil.which(name) else f"no {name} on PATH"


def require_program(name: str) -> None:
    """In a test: skip when ``name`` cannot be started here; fail instead in CI."""
    import pytest

    from core.testing.services import services_required

    why = binary_missing(name)
    if why is None:
        return
    if services_required():
        pytest.fail(f"{why}: required in CI", pytrace=False)
    pytest.skip(why)


class RedisServer:
    """``redis-server`` in the foreground on a free port, keeping nothing on disk."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


class PostgresCluster:
    """A PostgreSQL cluster of its own (initdb in a temporary folder, trust auth on
    127.0.0.1), run as the ``postgres`` system user when we are root (PostgreSQL refuses
    to run as root)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="gongzhi-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "server.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
        self._initialised = False

    def url(self, user: str = "postgres", database: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(POSTGRES_BIN / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, cwd=self.dir)

    def start(self) -> PostgresCluster:
        if not self._initialised:
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            )
            self._initialised = True
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "30",
            "start",
        )
        wait_for_port(self.port)
        return self

    def stop(self, mode: str = "fast") -> None:
        if self._initialised:
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)

    def sql(self, statement: str, database: str = "postgres", user: str = "postgres") -> str:
        """Run SQL with psql (autocommit, stops at the first error); returns its output."""
        result = subprocess.run(
            [
                "psql",
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                user,
                "-d",
                database,
                "-At",
                "-c",
                statement,
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}")
        return result.stdout

    def sql_file(self, path: Path, **variables: str) -> str:
        """Run an SQL file with psql as the superuser, ``-v name=value`` for each variable."""
        defines = [arg for name, value in variables.items() for arg in ("-v", f"{name}={value}")]
        result = subprocess.run(
            [
                "psql",
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                *defines,
                "-f",
                str(path),
            ],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"psql -f {path} failed: {result.stderr.strip()}")
        return result.stdout

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.destroy()


class Gunicorn:
    """``gunicorn wsgi:app`` on a free port with the given environment."""

    def __init__(self, env: dict[str, str], workers: int = 2, log: Path | None = None) -> None:
        self.port = free_port()
        self.env = {**os.environ, **env}
        self.workers = workers
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Gunicorn:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(self.workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "--timeout",
                "60",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=out,
        )
        wait_for_port(self.port, timeout=60, process=self.process)
        return self

    def worker_pids(self) -> list[int]:
        """The pids of the worker processes (children of the gunicorn master)."""
        assert self.process is not None
        master, pids = str(self.process.pid), []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if fields[1] == master:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()


class HAProxy:
    """HAProxy (Debian's package) balancing round-robin over app servers."""

    def __init__(self, backends: list[int]) -> None:
        self.port = free_port()
        self.backends = backends
        self.dir = Path(tempfile.mkdtemp(prefix="gongzhi-haproxy-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def config(self) -> str:
        servers = "\n".join(
            f"    server app{n} 127.0.0.1:{port} check inter 1s"
            for n, port in enumerate(self.backends)
        )
        return (
            "defaults\n    mode http\n    timeout connect 5s\n    timeout client 60s\n"
            "    timeout server 60s\n"
            f"frontend web\n    bind 127.0.0.1:{self.port}\n    default_backend apps\n"
            "backend apps\n    balance roundrobin\n"
            "    http-response set-header X-Served-By %s\n"
            f"{servers}\n"
        )

    def start(self) -> HAProxy:
        path = self.dir / "haproxy.cfg"
        path.write_text(self.config())
        self.process = subprocess.Popen(
            ["haproxy", "-db", "-f", str(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> HAProxy:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()
