"""Run Backprop Lab as N Streamlit processes behind one nginx, all on loopback.

::

    python deploy/run_cluster.py                    # 2 processes, nginx on 127.0.0.1:8080
    python deploy/run_cluster.py --processes 3 --port 8090
    python deploy/run_cluster.py --cookie-secret "$(cat secret.txt)"   # else $BP_COOKIE_SECRET

Then open http://127.0.0.1:8080/.  Ctrl-C (or SIGTERM) stops nginx and every process.

What it does:

1. starts ``streamlit run app.py`` N times on free loopback ports, every one with the same
   ``server.cookieSecret`` (given, or ``$BP_COOKIE_SECRET``, or made for this run); it is
   handed over as ``STREAMLIT_SERVER_COOKIE_SECRET``, which Streamlit reads exactly as
   ``--server.cookieSecret``, so the secret does not show in ``ps``.  Process i (1 to N, the
   number of its ``bp_route`` cookie) gets ``BACKPROP_LAB_REPLICA=i``, so the codes of the
   classes it starts begin with ``ALPHABET[i]`` (``lab_ui/classroom/codes.py``) and nginx
   sends their sockets to it;
2. waits until every process answers ``/_stcore/health`` with 200;
3. writes ``deploy/nginx.conf.template`` with those ports into a fresh run directory
   (``$TMPDIR/bp-cluster-*``: config, pid file, logs, temp paths), checks it with
   ``nginx -t`` and runs ``nginx -p RUN_DIR -c nginx.conf`` in the foreground (``daemon
   off``) as the current user, listening on 127.0.0.1 only;
4. waits until ``/_stcore/health`` answers through nginx, then waits for Ctrl-C.

Import it to drive a cluster from a test or a benchmark::

    from deploy.run_cluster import Cluster
    with Cluster(processes=2) as c:     # started; stopped on leaving the block
        print(c.url, c.ports, c.pids)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx")
LOOPBACK = "127.0.0.1"
if __name__ == "__main__" and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: the project's own packages (lab_ui)


def find_nginx() -> str | None:
    """The nginx binary: $NGINX, then the usual places, then $PATH."""
    env = os.environ.get("NGINX")
    if env:
        return env if os.access(env, os.X_OK) else None
    for c in NGINX_CANDIDATES:
        if os.access(c, os.X_OK):
            return c
    return shutil.which("nginx")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def health(url: str, timeout: float = 2.0) -> int | None:
    """HTTP status of ``url`` (None if nothing answered).  Proxies are never used."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code
    except OSError:
        return None


def class_alphabet() -> str:
    """The characters of a class code, in replica order (``lab_ui.classroom.codes``)."""
    from lab_ui.classroom.codes import ALPHABET

    return ALPHABET


def replica_env(replica: int) -> dict[str, str]:
    """The environment that makes a process replica ``replica`` (its class codes' letter)."""
    from lab_ui.classroom.codes import ENV_REPLICA

    return {ENV_REPLICA: str(replica)}


def render_config(
    listen_port: int,
    upstreams: list[int] | list[str],
    run_dir: Path,
    *,
    listen_addr: str = LOOPBACK,
    max_fails: int = 3,
    fail_timeout_s: int = 10,
) -> str:
    """``nginx.conf.template`` with its fields filled in.

    ``upstreams`` are the Streamlit processes: ports on 127.0.0.1, or ``"host:port"``
    strings (processes on other machines).  Process ``i`` (1-based, in this order) is
    ``bp_route=i`` in the affinity cookie, and must run with ``BACKPROP_LAB_REPLICA=i``: the
    class codes starting with ``ALPHABET[i]`` are routed to it.
    """
    addrs = [f"{LOOPBACK}:{u}" if isinstance(u, int) else str(u) for u in upstreams]
    if not addrs:
        raise ValueError("at least one upstream is needed")
    alphabet = class_alphabet()
    if len(addrs) >= len(alphabet):
        raise ValueError(
            f"at most {len(alphabet) - 1} processes: a class code's first character names its "
            f"process, and there are {len(alphabet)} characters (one, {alphabet[0]!r}, is the "
            "single process's)"
        )
    opts = f"max_fails={max_fails} fail_timeout={fail_timeout_s}s"
    servers = "\n".join(f"        server {a} {opts};" for a in addrs)
    groups = []
    for i, a in enumerate(addrs, 1):
        lines = [f"    upstream bp_route_{i} {{", f"        server {a} {opts};"]
        lines += [f"        server {b} backup;" for b in addrs if b != a]
        lines += ["        keepalive 8;", "    }"]
        groups.append("\n".join(lines))
    route_map = "\n".join(f"        {i} bp_route_{i};" for i in range(1, len(addrs) + 1))
    served_map = "\n".join(f'        "~(^|, ){re.escape(a)}$" {i};' for i, a in enumerate(addrs, 1))
    # A class's sockets: process i alone (no backup), for the codes starting ALPHABET[i].
    class_groups = "\n".join(
        f"    upstream bp_class_{i} {{\n        server {a} {opts};\n        keepalive 8;\n    }}"
        for i, a in enumerate(addrs, 1)
    )
    class_map = "\n".join(
        f'        "~*^{re.escape(alphabet[i])}" bp_class_{i};' for i in range(1, len(addrs) + 1)
    )
    # Run the worker as the current user (nginx only accepts `user` when started as root).
    user_line = ""
    if os.geteuid() == 0:
        pw = pwd.getpwuid(os.getuid())
        user_line = f"user {pw.pw_name} {_group_name(pw.pw_gid)};"
    text = TEMPLATE.read_text()
    for key, value in {
        "{{USER_LINE}}": user_line,
        "{{RUN_DIR}}": str(run_dir),
        "{{LISTEN_ADDR}}": listen_addr,
        "{{LISTEN_PORT}}": str(listen_port),
        "{{UPSTREAM_SERVERS}}": servers,
        "{{ROUTE_UPSTREAMS}}": "\n".join(groups),
        "{{ROUTE_MAP}}": route_map,
        "{{SERVED_MAP}}": served_map,
        "{{CLASS_UPSTREAMS}}": class_groups,
        "{{CLASS_MAP}}": class_map,
    }.items():
        text = text.replace(key, value)
    if re.search(r"\{\{[A-Z_]+\}\}", text):
        raise ValueError("nginx.conf.template has a field that run_cluster.py does not fill")
    return text


def _group_name(gid: int) -> str:
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _stop(proc: subprocess.Popen | None, timeout: float = 10.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


class Cluster:
    """N Streamlit processes and one nginx in front, on loopback (see the module docstring).

    Parameters
    ----------
    processes : int
        How many ``streamlit run app.py`` processes.
    listen_port : int or None
        nginx's port on 127.0.0.1 (None: a free one).
    cookie_secret : str or None
        The shared ``server.cookieSecret`` (None: ``$BP_COOKIE_SECRET`` or a new one).
    streamlit_args : list of str
        More ``streamlit run`` options for every process.
    keep_run_dir : bool
        Keep the run directory (config and logs) after stopping.
    """

    def __init__(
        self,
        processes: int = 2,
        listen_port: int | None = None,
        cookie_secret: str | None = None,
        streamlit_args: list[str] | None = None,
        keep_run_dir: bool = False,
        nginx: str | None = None,
    ) -> None:
        if processes < 1:
            raise ValueError("processes must be at least 1")
        self.processes = processes
        self.listen_port = listen_port or free_port()
        self.cookie_secret = (
            cookie_secret or os.environ.get("BP_COOKIE_SECRET") or secrets.token_hex(32)
        )
        self.streamlit_args = list(streamlit_args or [])
        self.keep_run_dir = keep_run_dir
        self.nginx_bin = nginx or find_nginx()
        self.run_dir: Path | None = None
        self.ports: list[int] = []
        self.apps: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self._logs: list = []

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.listen_port}"

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.apps]

    def upstream_urls(self) -> list[str]:
        return [f"http://{LOOPBACK}:{p}" for p in self.ports]

    # -- start ----------------------------------------------------------------------------

    def _start_app(self, port: int, replica: int) -> subprocess.Popen:
        """Process ``replica`` (1-based: its ``bp_route`` number and its class codes' letter)."""
        assert self.run_dir is not None
        env = dict(
            os.environ,
            OPENBLAS_NUM_THREADS="1",
            PYTHONUNBUFFERED="1",
            STREAMLIT_SERVER_COOKIE_SECRET=self.cookie_secret,
            **replica_env(replica),
        )
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.headless", "true",
            "--server.port", str(port),
            "--server.address", LOOPBACK,
            "--browser.gatherUsageStats", "false",
            *self.streamlit_args,
        ]  # fmt: skip
        log = open(self.run_dir / f"streamlit-{port}.log", "w")  # noqa: SIM115 (closed in stop)
        self._logs.append(log)
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def start(self, timeout: float = 120.0) -> Cluster:
        """Start the processes, wait for their health, then start nginx and wait for it."""
        if self.nginx_bin is None:
            raise FileNotFoundError("nginx not found (set $NGINX or install nginx)")
        self.run_dir = Path(tempfile.mkdtemp(prefix="bp-cluster-"))
        (self.run_dir / "tmp").mkdir()
        try:
            self.ports = []
            for _ in range(self.processes):
                port = free_port()
                while port in self.ports or port == self.listen_port:
                    port = free_port()
                self.ports.append(port)
            self.apps = [self._start_app(p, i) for i, p in enumerate(self.ports, 1)]
            deadline = time.monotonic() + timeout
            for proc, url in zip(self.apps, self.upstream_urls(), strict=True):
                self._wait(url + "/_stcore/health", deadline, proc, "streamlit")
            conf = self.run_dir / "nginx.conf"
            conf.write_text(render_config(self.listen_port, self.ports, self.run_dir))
            base = [self.nginx_bin, "-p", str(self.run_dir), "-c", str(conf)]
            base += ["-e", str(self.run_dir / "error.log")]
            check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True, timeout=30)
            if check.returncode != 0:
                raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
            log = open(self.run_dir / "nginx.out", "w")  # noqa: SIM115 (closed in stop)
            self._logs.append(log)
            self.nginx = subprocess.Popen(base, stdout=log, stderr=subprocess.STDOUT)
            self._wait(self.url + "/_stcore/health", deadline, self.nginx, "nginx")
        except BaseException:
            self.stop()
            raise
        return self

    def _wait(self, url: str, deadline: float, proc: subprocess.Popen, what: str) -> None:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{what} exited with {proc.returncode} before {url} answered:\n"
                    + self._log_tails()
                )
            if health(url) == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{url} did not answer 200 in time:\n" + self._log_tails())

    def _log_tails(self, lines: int = 15) -> str:
        """The last lines of every log in the run directory (for an error message)."""
        out = []
        for path in sorted(self.run_dir.glob("*.log")) + sorted(self.run_dir.glob("*.out")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(out)

    # -- stop -----------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop nginx, then every Streamlit process; remove the run directory."""
        _stop(self.nginx)
        for proc in self.apps:
            with contextlib.suppress(Exception):
                proc.terminate()
        for proc in self.apps:
            _stop(proc)
        for log in self._logs:
            with contextlib.suppress(Exception):
                log.close()
        self._logs = []
        if self.run_dir is not None and not self.keep_run_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def alive(self) -> bool:
        procs = [*self.apps, self.nginx]
        return all(p is not None and p.poll() is None for p in procs)

    def access_log(self) -> str:
        """nginx's access log so far (format ``bp``: upstream and affinity key per request)."""
        if self.run_dir is None:
            return ""
        path = self.run_dir / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="N Streamlit processes behind nginx on loopback.")
    ap.add_argument("--processes", "-n", type=int, default=2, help="Streamlit processes (2)")
    ap.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1 (8080)")
    ap.add_argument(
        "--cookie-secret", default=None, help="shared server.cookieSecret ($BP_COOKIE_SECRET)"
    )
    ap.add_argument("--keep-logs", action="store_true", help="keep the run directory")
    ap.add_argument("streamlit_args", nargs="*", help="more `streamlit run` options, after --")
    args = ap.parse_args(argv)
    cluster = Cluster(
        args.processes,
        args.port,
        args.cookie_secret,
        args.streamlit_args,
        keep_run_dir=args.keep_logs,
    )

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    with contextlib.suppress(KeyboardInterrupt):
        cluster.start()
        try:
            print(f"Backprop Lab: {cluster.url}/  ({args.processes} processes on ports ", end="")
            print(f"{', '.join(map(str, cluster.ports))}; run directory {cluster.run_dir})")
            print("Ctrl-C stops everything.", flush=True)
            while cluster.alive():
                time.sleep(1.0)
            print("a process exited; stopping the rest", file=sys.stderr)
            return 1
        finally:
            cluster.stop()
    cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
