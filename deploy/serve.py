"""Serve Neuron Lab to a class from one machine: one Streamlit replica per core behind nginx.

    python deploy/serve.py                                   # http://<this machine>:8080
    python deploy/serve.py --replicas 3 --port 8080 --host 0.0.0.0

One Streamlit process keeps its students' sessions in memory and runs Python on about one core, so a class
gets one process per core (``--replicas``, default: the cores this process may use), each on 127.0.0.1,
behind Debian's nginx (``apt-get install nginx``), which this script runs as the current user with its own
configuration in a private folder. The replicas run as ``deploy/Dockerfile`` runs one: no file watcher,
``MALLOC_ARENA_MAX=2``, and ``NEURONLAB_TRAIN_SLOTS`` = cores / replicas (``ui.train_queue``).

**Each student stays on one replica**: a first visit is sent to a replica at random and gets a
``neuronlab_route`` cookie naming it; every later request of that browser (the websocket, uploads, images)
goes there. **A replica that dies** is restarted on its port; meanwhile nginx sends its students to the
others (each replica's group lists the rest as backups), their browsers reconnect on their own, the page
comes back with its settings (the address holds them) and says the server restarted
(``ui.chapter``). The cookie then names the replica that answered, so a student stays with their new
session when the old replica is back. ``deploy/compose.yaml`` does the same with containers but keeps a
hash of the cookie instead (compose cannot list the replicas of a scaled service to nginx).

Ctrl-C (or SIGTERM) stops nginx and every replica. Used by ``benchmarks/classroom_load.py`` and
``tests/e2e/test_replicas.py``, so they measure and test this very setup.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = "/usr/sbin/nginx"
MAX_REPLICAS = 16
START_TIMEOUT_S = 90
# A dead replica is restarted at once, unless it keeps dying: then at most once every this many seconds.
RESTART_BACKOFF_S = 5.0
# The replicas run as deploy/Dockerfile runs one: no file watcher (nobody edits code under a class).
AS_DEPLOYED = ("--server.fileWatcherType", "none")


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


# -- nginx ------------------------------------------------------------------------------------------

NGINX_CONFIG = """daemon off;
{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format route '$cookie_neuronlab_route $upstream_addr $status $request_method $uri';
    access_log {prefix}/access.log route;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    # Websocket upgrade: pass "Connection: upgrade" only when the client asked for one.
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      close;
    }}
    # A first visit: a replica at random (from nginx's own request id). Later: the cookie's replica.
    split_clients "${{request_id}}" $fresh_route {{
{split}
    }}
    map $cookie_neuronlab_route $route {{
        "~^({routes})$" $cookie_neuronlab_route;
        default $fresh_route;
    }}
    # The replica that answered: the last address nginx tried ("A, B" when A failed).
    map $upstream_addr $served_route {{
{served}
        default "";
    }}
    # A cookie only when it changes: a first visit, or a student moved off a replica that died.
    map "$cookie_neuronlab_route:$served_route" $route_cookie {{
        "~^(\\d+):\\1$" "";
        "~:$" "";
        default "neuronlab_route=$served_route; Path=/; HttpOnly; SameSite=Lax";
    }}
{upstreams}
    server {{
        listen {listen};
        location / {{
            proxy_pass http://neuronlab_$route;
            include {deploy}/nginx/proxy.conf;
            add_header Set-Cookie $route_cookie always;
            # Which replica answered: for the load generator and the tests (harmless in a class).
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_config(ports: list[int], listen: str, prefix: Path) -> str:
    """nginx in front of replicas on 127.0.0.1 ``ports``: a route per replica, whose group lists the other
    replicas as backups, so a request for a dead replica is answered by the next one."""
    n = len(ports)
    split = "\n".join(f"        {100 / n:.2f}% {i};" if i < n - 1 else f"        * {i};" for i in range(n))
    served = "\n".join(f'        "~(^|\\s)127\\.0\\.0\\.1:{port}$" {i};' for i, port in enumerate(ports))
    upstreams = []
    for i, port in enumerate(ports):
        others = [ports[(i + k) % n] for k in range(1, n)]
        lines = [f"        zone neuronlab_{i} 64k;", f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;"]
        lines += [f"        server 127.0.0.1:{other} backup;" for other in others]
        upstreams.append(f"    upstream neuronlab_{i} {{\n" + "\n".join(lines) + "\n    }")
    # Run as root, nginx would start its workers as "nobody", who cannot write the temporary files.
    user = f"user {pwd.getpwuid(os.getuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return NGINX_CONFIG.format(user=user, prefix=prefix, deploy=DEPLOY, listen=listen, split=split or "        * 0;",
                               routes="|".join(str(i) for i in range(n)), served=served,
                               upstreams="\n".join(upstreams))


# -- replicas ---------------------------------------------------------------------------------------

@dataclass
class Replica:
    """One ``streamlit run app.py`` on 127.0.0.1:``port``, restarted on the same port when it dies."""

    port: int
    log: Path
    env: dict
    extra: tuple[str, ...] = ()
    proc: subprocess.Popen | None = None
    restarts: int = 0
    started: float = 0.0
    _log_file: object = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    def start(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
        self._log_file = open(self.log, "a")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", *self.extra],
            cwd=ROOT, env=self.env, stdout=self._log_file, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


class Deployment:
    """nginx + ``replicas`` supervised replicas (see the module docstring). ``url`` is nginx's address."""

    def __init__(self, replicas: int, prefix: Path, *, host: str = "127.0.0.1", port: int | None = None,
                 extra_args: tuple[str, ...] = AS_DEPLOYED, env: dict | None = None, say=print):
        if not 1 <= replicas <= MAX_REPLICAS:
            raise ValueError(f"replicas must be 1…{MAX_REPLICAS}")
        if not Path(NGINX).exists():
            raise RuntimeError(f"{NGINX} not found: apt-get install nginx")
        self.prefix, self.host, self.say = prefix, host, say
        self.port = port or free_port(host)
        base = dict(os.environ if env is None else env, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
                    MALLOC_ARENA_MAX="2", NEURONLAB_TRAIN_SLOTS=str(max(1, cores() // replicas)))
        self.replicas = [Replica(free_port(), prefix / f"replica{i}.log", base, tuple(extra_args))
                         for i in range(replicas)]
        self.nginx: subprocess.Popen | None = None
        self._stop = threading.Event()
        self._watch = threading.Thread(target=self._supervise, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{'127.0.0.1' if self.host in ('0.0.0.0', '') else self.host}:{self.port}"

    @property
    def replica_urls(self) -> list[str]:
        return [r.url for r in self.replicas]

    def pids(self) -> list[int]:
        return [pid for r in self.replicas if (pid := r.pid)]

    def start(self) -> "Deployment":
        self.prefix.mkdir(parents=True, exist_ok=True)
        for replica in self.replicas:
            replica.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        for replica in self.replicas:
            while not healthy(replica.url):
                if replica.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"replica on port {replica.port} did not start:\n"
                                       + replica.log.read_text()[-3000:])
                time.sleep(0.3)
        (self.prefix / "nginx.conf").write_text(nginx_config([r.port for r in self.replicas],
                                                             f"{self.host}:{self.port}", self.prefix))
        self.nginx = subprocess.Popen([NGINX, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf"),
                                       "-e", str(self.prefix / "error.log")],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        while not healthy(self.url):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("nginx did not start:\n" + (self.prefix / "error.log").read_text()[-3000:])
            time.sleep(0.1)
        self._watch.start()
        return self

    def _supervise(self) -> None:
        """Restart a replica that exited (on its port, so nginx finds it again)."""
        while not self._stop.wait(0.5):
            for replica in self.replicas:
                if replica.proc.poll() is None or self._stop.is_set():
                    continue
                if time.monotonic() - replica.started < RESTART_BACKOFF_S and replica.restarts:
                    continue
                self.say(f"replica on port {replica.port} exited ({replica.proc.returncode}); restarting it")
                replica.restarts += 1
                replica.start()

    def stop(self) -> None:
        self._stop.set()
        if self._watch.is_alive():
            self._watch.join(5)
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.terminate()
            try:
                self.nginx.wait(10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
        for replica in self.replicas:
            replica.stop()


@contextlib.contextmanager
def deployment(replicas: int, prefix: Path, **kwargs):
    """A running ``Deployment`` for the duration of the block."""
    d = Deployment(replicas, prefix, **kwargs)
    try:
        yield d.start()
    finally:
        d.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=cores(), help="Streamlit processes (default: one per core)")
    parser.add_argument("--host", default="0.0.0.0", help="address nginx listens on (default: every interface)")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    with tempfile.TemporaryDirectory(prefix="neuronlab-serve-") as tmp, \
            deployment(args.replicas, Path(tmp), host=args.host, port=args.port) as d:
        print(f"Neuron Lab for a class: {d.url} (nginx), {len(d.replicas)} replicas on ports "
              f"{', '.join(str(r.port) for r in d.replicas)}; logs in {tmp}. Ctrl-C stops.", flush=True)
        stopping.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
