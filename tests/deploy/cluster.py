"""A production-shaped cluster on loopback: nginx in front of several ``botsieve serve``
instances, on one PostgreSQL through PgBouncer (transaction mode) and one Redis.

Every part is a real process from its Debian package, on a free port, in one folder. ``Cluster``
is a context manager: whatever it started is stopped on the way out, also when a later part
failed to start. Waits are readiness waits (until the part answers, or its process has exited),
with a generous cap only so that a broken build cannot hang CI.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from tests.live_server import free_port

BIN = Path(sys.executable).parent / "botsieve"
NGINX = "/usr/sbin/nginx"
PGBOUNCER = "/usr/sbin/pgbouncer"
# Only so that a part that never comes up cannot hang the run; a healthy part answers in seconds.
START_CAP_SECONDS = 180.0
SECRET = "cluster-secret-" + "z" * 40


def _wait_until(ready: Callable[[], bool], alive: Callable[[], bool], what: str) -> None:
    started = time.monotonic()
    while not ready():
        if not alive():
            raise RuntimeError(f"{what} exited while starting")
        if time.monotonic() - started > START_CAP_SECONDS:
            raise RuntimeError(f"{what} did not become ready")
        time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class Instance:
    """One ``botsieve serve`` process that can be killed and started again on its port."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log = folder / "serve.log"
        self.env = {**env, "BOTSIEVE_DATA_DIR": str(folder)}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(BIN), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        process = self.process
        try:
            _wait_until(
                lambda: _answers(f"{self.url}/health/ready"),
                lambda: process.poll() is None,
                f"botsieve {self.name} (log: {self.log})",
            )
        except BaseException:
            _stop(process, signal.SIGKILL)  # never leave a half-started server behind
            raise

    def kill(self) -> None:
        """As a crash or a lost machine would: no chance to finish anything."""
        if self.process is not None:
            _stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        """As a rolling restart does: finish what was acknowledged, then exit."""
        if self.process is not None:
            _stop(self.process)


class Cluster:
    def __init__(self, folder: Path, pg_url: str, instances: int = 3, **settings: str) -> None:
        self.folder = folder
        self.pg_url = pg_url
        self.count = instances
        self.settings = settings
        self.instances: list[Instance] = []
        self._stack = contextlib.ExitStack()
        # The helpers by name (redis, pgbouncer, nginx), e.g. for their CPU time in bench/.
        self.helpers: dict[str, subprocess.Popen[bytes]] = {}
        self.url = ""
        self.redis_url = ""
        self.pooled_url = ""

    # Start-up, in order; each part is registered for stopping as soon as it exists.
    def __enter__(self) -> Cluster:
        try:
            self._start_redis()
            self._start_pgbouncer()
            self._start_instances()
            self._start_nginx()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def _spawn(self, args: list[str], log: Path, **kwargs: Any) -> subprocess.Popen[bytes]:
        with log.open("ab") as out:
            process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, **kwargs)
        self._stack.callback(_stop, process)
        self.helpers[Path(args[0]).name] = process
        return process

    def _start_redis(self) -> None:
        port = free_port()
        process = self._spawn(
            [
                *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            self.folder / "redis.log",
        )
        ping = ["redis-cli", "-p", str(port), "ping"]
        _wait_until(
            lambda: subprocess.run(ping, capture_output=True).stdout.strip() == b"PONG",
            lambda: process.poll() is None,
            "redis",
        )
        self.redis_url = f"redis://127.0.0.1:{port}/0"

    def _start_pgbouncer(self) -> None:
        """PgBouncer in transaction mode; it refuses to run as root, so it runs as postgres."""
        target = make_url(self.pg_url)
        port = free_port()
        # Its own folder outside pytest's (which only root may enter), removed on the way out.
        folder = Path(tempfile.mkdtemp(prefix="botsieve-pgbouncer-"))
        self._stack.callback(shutil.rmtree, folder, True)
        (folder / "users.txt").write_text(f'"{target.username}" ""\n')
        (folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={target.host} port={target.port}\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {folder / 'users.txt'}\n"
            "pool_mode = transaction\nmax_client_conn = 2000\ndefault_pool_size = 40\n"
            "ignore_startup_parameters = extra_float_digits\n"
        )
        as_user: dict[str, Any] = {}
        if os.getuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(folder, postgres.pw_uid, postgres.pw_gid)
            as_user = {"user": postgres.pw_uid, "group": postgres.pw_gid}
        process = self._spawn(
            [PGBOUNCER, str(folder / "pgbouncer.ini")], folder / "pgbouncer.log", **as_user
        )
        self.pooled_url = target.set(port=port).render_as_string(hide_password=False)
        _wait_until(lambda: self._accepts(port), lambda: process.poll() is None, "pgbouncer")

    @staticmethod
    def _accepts(port: int) -> bool:
        import socket

        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    def _start_instances(self) -> None:
        env = {
            **os.environ,
            "BOTSIEVE_ENV": "test",
            "BOTSIEVE_SECRET_KEY": SECRET,
            "BOTSIEVE_DATABASE_URL": self.pooled_url,
            "BOTSIEVE_DATABASE_STATEMENT_CACHE": "false",
            "BOTSIEVE_MIGRATE_ON_START": "false",
            "BOTSIEVE_REDIS_URL": self.redis_url,
            "BOTSIEVE_TRUSTED_PROXIES": '["127.0.0.1"]',
            "BOTSIEVE_LOG_LEVEL": "info",
            "BOTSIEVE_ACCESS_LOG": "false",
            **{f"BOTSIEVE_{k.upper()}": v for k, v in self.settings.items()},
        }
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        # Migrations once, straight to PostgreSQL, as a deploy step does (not by each instance).
        subprocess.run(
            [str(BIN), "migrate"],
            env={
                **env,
                "BOTSIEVE_DATABASE_URL": self.pg_url,
                "BOTSIEVE_DATA_DIR": str(self.folder),
            },
            check=True,
            capture_output=True,
        )
        for i in range(self.count):
            instance = Instance(f"i{i}", self.folder / f"i{i}", env)
            self.instances.append(instance)
            self._stack.callback(instance.stop)
            instance.start()

    def _start_nginx(self) -> None:
        port = free_port()
        folder = self.folder / "nginx"
        (folder / "tmp").mkdir(parents=True)
        upstreams = "\n".join(
            f"    server 127.0.0.1:{i.port} max_fails=1 fail_timeout=2s;" for i in self.instances
        )
        temp = "".join(
            f"  {kind}_temp_path {folder / 'tmp' / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        config = (Path(__file__).parent / "nginx.conf").read_text()
        for key, value in {
            "@PID@": str(folder / "nginx.pid"),
            "@ERROR_LOG@": str(folder / "error.log"),
            "@TEMP_PATHS@": temp,
            "@UPSTREAMS@": upstreams,
            "@PORT@": str(port),
        }.items():
            config = config.replace(key, value)
        (folder / "nginx.conf").write_text(config)
        process = self._spawn(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")], folder / "nginx.out"
        )
        self.url = f"http://127.0.0.1:{port}"
        _wait_until(lambda: _answers(f"{self.url}/health"), lambda: process.poll() is None, "nginx")

    def key(self) -> str:
        """A secret API key, made with the CLI straight on the database."""
        env = {
            **self.instances[0].env,
            "BOTSIEVE_DATABASE_URL": self.pg_url,
            "BOTSIEVE_DATABASE_STATEMENT_CACHE": "true",
        }
        done = subprocess.run(
            [str(BIN), "keys", "create", "--kind", "secret", "--name", "cluster"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.splitlines()[-1]

    def logs(self) -> Iterator[str]:
        for instance in self.instances:
            if instance.log.exists():
                yield from instance.log.read_text().splitlines()
