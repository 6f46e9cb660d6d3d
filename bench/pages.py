"""Page benchmark: requests/s and latency of the home page and a profile, under gunicorn.

    .venv/bin/python bench/pages.py [--duration 10] [--members 5000]

Creates a directory under bench/out/ (gitignored), migrates and seeds an SQLite database there
(bench/seed_members.py), starts gunicorn with the production settings (gunicorn.conf.py: 2
gthread workers x 8 threads; 127.0.0.1, a free port), waits for /healthz, checks each page
answers 200, then runs ``wrk -t2 -c8 -d<duration>s --latency`` on each page after a short
warm-up. Prints a markdown table and a note on the machine, and stops gunicorn whatever
happens. Loopback only; bounded in time. See docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402  (pages.py re-exports these to the other benchmarks)
    THREADS,
    WORKERS,
    BenchError,
    bench_env,
    free_port,
    get,
    log_problems,
    sqlite_url,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
    warn_log_problems,
)

OUT = ROOT / "bench" / "out"
VENV_BIN = ROOT / ".venv" / "bin"
HANDLE = "bench-profile"
PROFILE_NAME = "Bench Profile"
WRK_THREADS = 2
WRK_CONNECTIONS = 8
OTHER_LOAD_WARN = 10  # percent of the machine taken by other processes during a run

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def to_ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if not match:
        raise BenchError(f"unexpected wrk latency {value!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/s, p50 and p99 (ms), and the error counts, from ``wrk --latency`` output."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and total):
        raise BenchError(f"could not parse wrk's output:\n{output}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(rps.group(1)),
        "p50": to_ms(p50.group(1)),
        "p99": to_ms(p99.group(1)),
        "requests": int(total.group(1)),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
        "socket_detail": sockets.group(0) if sockets else "",
    }


def run_wrk(url: str, duration: int) -> tuple[dict[str, float], str]:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{duration}s",
               "--timeout", "5s", "--latency", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30)
    if result.returncode != 0:
        raise BenchError(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout), result.stdout


def _stat_jiffies() -> int:
    """CPU time spent by the whole machine (all CPUs), in clock ticks, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(f) for f in stat.readline().split()[1:]]
    return sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)  # minus idle, iowait


def _proc_jiffies(pid: int) -> int:
    """utime + stime of one process, in clock ticks (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _gunicorn_pids(master: int) -> list[int]:
    try:
        with open(f"/proc/{master}/task/{master}/children") as children:
            return [master, *map(int, children.read().split())]
    except OSError:
        return [master]


class OtherLoad:
    """How much of the machine other processes used while wrk ran (Linux only, else None).

    Everything busy on the machine, minus gunicorn's processes, wrk and this script: on
    2 shared cores, a test-suite running next door halves the figures, and this says so."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def _sample(self) -> tuple[float, int, int, float]:
        own = sum(_proc_jiffies(pid) for pid in _gunicorn_pids(self.master))
        children = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once waited for
        me = resource.getrusage(resource.RUSAGE_SELF)
        waited = children.ru_utime + children.ru_stime + me.ru_utime + me.ru_stime
        return time.monotonic(), _stat_jiffies(), own, waited

    def __enter__(self) -> OtherLoad:
        self.percent: float | None = None
        try:
            self.before = self._sample()
        except (OSError, ValueError, IndexError):
            self.before = None
        return self

    def __exit__(self, *exc_info) -> None:
        if self.before is None:
            return
        try:
            after = self._sample()
        except (OSError, ValueError, IndexError):
            return
        wall = after[0] - self.before[0]
        busy = (after[1] - self.before[1]) / self.ticks
        ours = (after[2] - self.before[2]) / self.ticks + (after[3] - self.before[3])
        cpus = os.cpu_count() or 1
        if wall > 0:
            self.percent = max(0.0, 100.0 * (busy - ours) / (wall * cpus))


def machine_note() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=5)
    wrk_version = (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, timeout=5).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT,
                           capture_output=True, text=True, timeout=5).stdout.strip()
    return (f"Machine: nproc {cpus}, Python {platform.python_version()}, {platform.system()} "
            f"{platform.release()}, {wrk_version}; date {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
            f"commit {commit or '?'}{' (with uncommitted changes)' if dirty else ''}.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--members", type=int, default=5000, help="members to seed")
    parser.add_argument("--warmup", type=int, default=2,
                        help="seconds of unrecorded wrk per page first (0: none)")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 120:
        parser.error("--duration must be between 1 and 120 seconds")
    if not 0 <= args.warmup <= 30:
        parser.error("--warmup must be between 0 and 30 seconds")
    if not 0 <= args.members <= 1_000_000:
        parser.error("--members must be between 0 and 1,000,000")

    if shutil.which("wrk") is None:
        print("wrk is not installed. Install it with:\n\n    sudo apt-get install -y wrk\n",
              file=sys.stderr)
        return 2
    for tool in ("python", "gunicorn", "flask"):
        if not (VENV_BIN / tool).exists():
            print(f"{VENV_BIN / tool} is missing: run scripts/serve or "
                  f"`.venv/bin/pip install -e '.[prod]'` first", file=sys.stderr)
            return 2

    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"pages-{datetime.now():%Y%m%d-%H%M%S}-", dir=OUT))
    db_path = workdir / "bench.db"
    log_path = workdir / "gunicorn.log"
    env = bench_env(sqlite_url(db_path), workdir)
    print(f"Working in {workdir.relative_to(ROOT)}", flush=True)

    seeded = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "bench" / "seed_members.py"), str(db_path),
         "--members", str(args.members), "--handle", HANDLE, "--instance", str(workdir)],
        cwd=ROOT, env=env, timeout=300, capture_output=True, text=True,
    )
    if seeded.returncode != 0:
        print(f"seeding failed:\n{seeded.stdout}{seeded.stderr}", file=sys.stderr)
        return 1
    print(seeded.stdout.strip(), flush=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    pages = [("home `/`", "/", None), (f"profile `/u/{HANDLE}`", f"/u/{HANDLE}", PROFILE_NAME)]
    results: list[tuple[str, dict[str, float]]] = []
    process = start_gunicorn(port, env, log_path)
    try:
        wait_healthy(base, process, log_path)
        print(f"gunicorn (gunicorn.conf.py: {WORKERS} gthread workers x {THREADS} threads) "
              f"is up on {base}", flush=True)
        for label, path, must_contain in pages:
            status, body = get(base + path)
            if status != 200:
                raise BenchError(f"GET {path} answered {status}, not 200:\n{body[:500]}")
            if must_contain and must_contain not in body:
                raise BenchError(f"GET {path} answered 200 without {must_contain!r}")
            if args.warmup:
                run_wrk(base + path, args.warmup)
            with OtherLoad(process.pid) as other:
                stats, raw = run_wrk(base + path, args.duration)
            stats["other_cpu"] = other.percent
            if stats["non2xx"]:
                raise BenchError(f"{path}: wrk saw {stats['non2xx']} non-2xx/3xx responses "
                                 f"out of {stats['requests']}:\n{raw}")
            if stats["socket_errors"]:
                print(f"warning: {path}: {stats['socket_detail']}", file=sys.stderr)
            print(f"{path}: {stats['requests']} requests, {stats['rps']:.0f} req/s", flush=True)
            results.append((label, stats))
    except (BenchError, OSError, subprocess.TimeoutExpired) as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        stop_gunicorn(process)

    print()
    print(f"wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.duration}s --latency, "
          f"gunicorn -c gunicorn.conf.py -w {WORKERS} (gthread, {THREADS} threads), "
          f"SQLite with {args.members} members:")
    print()
    print("| page | req/s | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|")
    for label, stats in results:
        print(f"| {label} | {stats['rps']:.0f} | {stats['p50']:.1f} | {stats['p99']:.1f} |")
    print()
    print(machine_note())
    others = [(label, stats["other_cpu"]) for label, stats in results]
    if all(share is not None for _, share in others):
        print("CPU taken by other processes while wrk ran (share of the machine): "
              + ", ".join(f"{label} {share:.0f}%" for label, share in others) + ".")
        if any(share > OTHER_LOAD_WARN for _, share in others):
            print(f"warning: other processes took more than {OTHER_LOAD_WARN}% of the CPUs "
                  "during a run: these figures are not representative; run again when the "
                  "machine is quiet", file=sys.stderr)

    warn_log_problems(log_path, log_problems(log_path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
