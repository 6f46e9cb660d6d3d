"""What the benchmarks (and tests/reliability) share: the app's environment for a benchmark
database, gunicorn started, awaited, killed and stopped, its log read, the bare-Flask baseline
served beside it, and a small HTTP client that logs in and posts forms like a browser."""

from __future__ import annotations

import http.client
import http.cookies
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
# The peers' kit: baseline_app.py (a bare Flask app: /db renders 25 rows read through the
# SQLAlchemy ORM from a 50,000-row SQLite table) and its templates/.
BASELINE_KIT = ROOT.parent / "shared" / "peers" / "flaskbb"
# The production settings (gthread workers): `gunicorn -c gunicorn.conf.py app:app`. Every
# benchmark and tests/reliability run gunicorn with this file, as production does.
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
WORKERS = 2  # `-w`, as WEB_CONCURRENCY's default in gunicorn.conf.py
THREADS = int(os.environ.get("GUNICORN_THREADS", "8"))  # threads a worker (gunicorn.conf.py)


class BenchError(RuntimeError):
    pass


def bench_env(database_url: str, instance_dir: Path) -> dict[str, str]:
    """The environment the app reads (community/config.py) for a benchmark database."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        CERCLE_INSTANCE_PATH=str(instance_dir.resolve()),
        SECRET_KEY="bench",
        CERCLE_ENV="production",
        OUTBOX_DIR=str((instance_dir / "outbox").resolve()),
    )
    env.pop("FLASK_RUN_FROM_CLI", None)  # a served app, not a `flask` command
    return env


def sqlite_url(db_path: Path) -> str:
    return f"sqlite:///{db_path.resolve()}"


def migrate(env: dict[str, str], timeout: float = 120) -> None:
    """Bring the database of ``env`` to the latest migration (`flask --app app db upgrade`)."""
    result = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=env,
        timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise BenchError(f"flask db upgrade failed ({result.returncode}):\n{result.stderr}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a redirect is an answer, not a hop
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(url: str, timeout: float = 5) -> tuple[int, str]:
    """GET without following redirects; (status, body)."""
    try:
        with _opener.open(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode("utf-8", "replace")


def start_gunicorn(port: int, env: dict[str, str], log_path: Path,
                   workers: int = WORKERS) -> subprocess.Popen:
    """gunicorn with the production settings (GUNICORN_CONF: gthread workers, ``THREADS``
    threads each, no control socket) on 127.0.0.1:``port``, ``workers`` workers, from the
    project's directory; its output appended to ``log_path``."""
    command = [str(VENV_BIN / "gunicorn"), "-c", str(GUNICORN_CONF), "-w", str(workers),
               "-b", f"127.0.0.1:{port}", "app:app"]
    with open(log_path, "ab") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the workers go down with it
        )


def stop_gunicorn(process: subprocess.Popen, timeout: float = 15) -> None:
    """TERM the master (graceful), then KILL its process group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_gunicorn(process)


def kill_gunicorn(process: subprocess.Popen) -> None:
    """SIGKILL the master and its workers at once (its whole process group), as a crash.

    Only while the master is not yet reaped: until then its pid, which names the group,
    cannot have been given to another process."""
    if process.returncode is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def wait_healthy(base: str, process: subprocess.Popen, log_path: Path, timeout: float = 30,
                 path: str = "/healthz"):
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited ({process.returncode}) before {path} answered:"
                             f"\n{tail(log_path)}")
        try:
            status, body = get(base + path, timeout=2)
            if status == 200:
                return
            last = f"{status} {body[:200]}"
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    raise BenchError(f"{path} did not answer 200 within {timeout:.0f}s ({last}):"
                     f"\n{tail(log_path)}")


def prepare_baseline(home: Path, kit: Path = BASELINE_KIT, timeout: float = 300) -> Path:
    """Copy the baseline app (as ``home/app.py``) and its templates into ``home`` and seed its
    SQLite database there (``python app.py``: 50,000 rows); return the database's path."""
    if not (kit / "baseline_app.py").exists():
        raise BenchError(f"no baseline_app.py in {kit}")
    home.mkdir(parents=True, exist_ok=True)
    shutil.copytree(kit / "templates", home / "templates", dirs_exist_ok=True)
    shutil.copy(kit / "baseline_app.py", home / "app.py")
    database = (home / "baseline.sqlite").resolve()
    result = subprocess.run([str(VENV_BIN / "python"), "app.py"], cwd=home,
                            env={**os.environ, "BASELINE_DB": str(database)}, timeout=timeout,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"seeding the baseline failed:\n{result.stdout}{result.stderr}")
    return database


def start_baseline(home: Path, port: int, log_path: Path, worker_class: str = "gthread",
                   workers: int = WORKERS) -> subprocess.Popen:
    """The baseline prepared in ``home`` under gunicorn on 127.0.0.1:``port``, as Cercle is
    served: ``workers`` workers of ``worker_class`` (gthread: ``THREADS`` threads each), its
    own process group (stop it with stop_gunicorn); its output appended to ``log_path``."""
    command = [str(VENV_BIN / "gunicorn"), "--chdir", str(home), "-w", str(workers),
               "-k", worker_class, "-b", f"127.0.0.1:{port}", "app:app"]
    if worker_class == "gthread":
        command += ["--threads", str(THREADS)]
    env = {**os.environ, "BASELINE_DB": str((home / "baseline.sqlite").resolve())}
    with open(log_path, "ab") as log:
        return subprocess.Popen(command, cwd=home, env=env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def log_problems(log_path: Path) -> list[str]:
    """Lines of gunicorn's log that look like trouble (tracebacks, errors, worker deaths)."""
    pattern = re.compile(
        r"Traceback|\bERROR\b|\bCRITICAL\b|WORKER TIMEOUT|was sent SIG|exited with code")
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if pattern.search(line)]


def warn_log_problems(log_path: Path, problems: list[str]) -> None:
    """Print gunicorn log lines that look like errors (tracebacks, 5xx) to stderr."""
    if not problems:
        return
    try:
        shown = log_path.relative_to(ROOT)
    except ValueError:
        shown = log_path
    print(f"\nwarning: gunicorn's log ({shown}) has {len(problems)} suspicious line(s):",
          file=sys.stderr)
    for line in problems[:20]:
        print(f"  {line}", file=sys.stderr)


# --- a member's browser ----------------------------------------------------------------------


class NotSent(OSError):
    """The server refused the connection: the request never left (nothing can have happened)."""


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    if not match:
        raise BenchError("no csrf_token field in the page")
    return match.group(1)


class Client:
    """One browser: its own cookies (kept by hand: the session cookie is ``Secure`` in
    production, which a cookie jar would not send over http), one connection per request,
    redirects not followed, the same User-Agent throughout (sessions are "strong"-protected).

    ``freeze()`` stops taking cookies from answers: the logged-in session is then sent as it
    was, so flashed messages ("your vote is saved") do not pile up in the cookie over hundreds
    of POSTs that never display them. Not thread-safe: one client per thread."""

    user_agent = "cercle-bench"

    def __init__(self, host: str, port: int, timeout: float = 15) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}
        self.frozen = False
        self.token = ""

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, form: dict | None = None,
                timeout: float | None = None) -> tuple[int, str, str]:
        """(status, Location, body). NotSent if the connection is refused; other OSErrors
        (reset, timeout, closed without an answer) mean the request may have been handled."""
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        headers = {"User-Agent": self.user_agent, "Connection": "close"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        connection = http.client.HTTPConnection(self.host, self.port,
                                                timeout=timeout or self.timeout)
        try:
            try:
                connection.connect()
            except ConnectionRefusedError as error:
                raise NotSent(str(error)) from error
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            if not self.frozen:
                for header in response.headers.get_all("Set-Cookie") or []:
                    jar = http.cookies.SimpleCookie()
                    jar.load(header)
                    for name, morsel in jar.items():
                        self.cookies[name] = morsel.value
            return response.status, response.headers.get("Location") or "", text
        finally:
            connection.close()

    def log_in(self, email: str, password: str, page: str = "/") -> str:
        """Log in through /login, then read a CSRF token from ``page`` (kept in ``token``)."""
        status, _, html = self.request("GET", "/login")
        if status != 200:
            raise BenchError(f"GET /login answered {status}")
        status, _, html = self.request("POST", "/login", {
            "csrf_token": csrf_token(html), "email": email, "password": password})
        if status != 302:
            raise BenchError(f"log-in of {email} refused ({status}):\n{html[:800]}")
        status, _, html = self.request("GET", page)
        if status != 200 or "/logout" not in html:
            raise BenchError(f"{email} not logged in after /login (GET {page}: {status})")
        self.token = csrf_token(html)
        return self.token

    def freeze(self) -> None:
        self.frozen = True
