"""Boot time and worker memory by content size: one release against three, one language against two.

A benchmark script, not a test: it prints figures and exits 0 (2 when it could not measure).
Run with `make bench-boot` or `.venv/bin/python bench/boot.py` from the project folder.

For each content set it starts the service under the production gunicorn config
(`gunicorn --config gunicorn.conf.py`, CONTENT_DIR pointing at a copy of the releases) on
127.0.0.1, a free port, and measures:
  boot      seconds from starting gunicorn to the first 200 from GET /health/ready
  RSS boot  the largest worker's VmRSS once ready, and the master's
  RSS read  the largest worker's VmRSS after every worker has answered every entry of every
            collection of every release in every language, and each release's bundle (what a
            worker keeps once everything has been asked of it)
BOOT_RUNS runs each (default 5), the sets taking turns; it prints the median and the spread
(min-max) of each figure. Every process it starts is stopped by its PID, also on error.

The content sets are made from the bundled releases: the oldest release with rules alone
(one release, one language), the latest alone (one release, its languages), and all of them.
"""

from __future__ import annotations

import http.client
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: tests.local_server is found from the root
from service.domain import Kind, bundled_releases, load_releases  # noqa: E402
from tests.local_server import LocalServer, ServerError, gunicorn  # noqa: E402

RUNS = max(1, int(os.environ.get("BOOT_RUNS", "5")))
BOOT_TIMEOUT = 60.0
PASSES_PER_WORKER = 4  # reading passes, on fresh connections, so that every worker gets some


@dataclass
class Figures:
    boot: list[float]
    rss_boot: list[int]
    master: list[int]
    rss_read: list[int]


def rss_kib(pid: int) -> int:
    """VmRSS of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ServerError(f"no VmRSS for {pid}")


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def paths(folder: Path) -> Iterator[str]:
    """Every entry of every collection of every release, in every language, and each bundle."""
    for release in load_releases(folder).values():
        version = release.version
        yield f"/content/releases/{version}/bundle"
        for language in release.manifest.languages:
            query = f"?content_version={version}&lang={language}"
            for kind in Kind:
                yield f"/{kind.value}{query}&page_size=100"
                for entry in release.entries(kind):
                    yield f"/{kind.value}/{entry.id}{query}"


def measure(folder: Path, log: Path) -> tuple[float, int, int, int]:
    """One run: boot seconds, largest worker's RSS once ready, master's, after reading all."""
    server: LocalServer = gunicorn(log, {"CONTENT_DIR": str(folder)}, name="service")
    started = time.monotonic()
    server.start()
    try:
        while True:
            if server.proc is None or server.proc.poll() is not None:
                raise ServerError(f"the service exited during start-up:\n{server.tail()}")
            try:
                if get(server.port, "/health/ready")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() - started > BOOT_TIMEOUT:
                raise ServerError(f"not ready within {BOOT_TIMEOUT:.0f}s:\n{server.tail()}")
            time.sleep(0.01)
        boot = time.monotonic() - started
        time.sleep(0.5)  # every worker up, not only the first to answer
        workers = server.workers()
        if server.proc is None or not workers:
            raise ServerError("no gunicorn worker to measure")
        booted = max(rss_kib(pid) for pid in workers)
        master = rss_kib(server.proc.pid)
        wanted = list(paths(folder))
        for _ in range(PASSES_PER_WORKER * len(workers)):
            for path in wanted:
                status, _body = get(server.port, path)
                if status != 200:
                    raise ServerError(f"GET {path} answered {status}")
        read = max(rss_kib(pid) for pid in server.workers())
        return boot, booted, master, read
    finally:
        server.stop()


def content_sets(work: Path) -> dict[str, Path]:
    """Releases folders to boot with: the oldest with rules alone, the latest alone, all."""
    source = Path(str(bundled_releases()))
    releases = load_releases(source)
    with_rules = [version for version, release in releases.items() if release.rules]
    latest = list(releases)[-1]
    sets = {
        f"{with_rules[0]} alone ({len(releases[with_rules[0]].manifest.languages)} language)": [
            with_rules[0]
        ],
        f"{latest} alone ({len(releases[latest].manifest.languages)} languages)": [latest],
        f"all {len(releases)} releases": list(releases),
    }
    folders = {}
    for index, (label, versions) in enumerate(sets.items()):
        folder = work / f"set{index}"
        for version in versions:  # drafts for the service: no lock to check
            shutil.copytree(source / version, folder / version)
        folders[label] = folder
    return folders


def spread(values: Sequence[float], unit: str, scale: float = 1.0) -> str:
    median = statistics.median(values) / scale
    text = f"{median:.2f} {unit} ({min(values) / scale:.2f}-{max(values) / scale:.2f})"
    return f"{text:>{24 if unit == 's' else 26}}"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="boot-bench-") as temp:
        work = Path(temp)
        folders = content_sets(work)
        figures = {label: Figures([], [], [], []) for label in folders}
        try:
            for run in range(RUNS):
                for label, folder in folders.items():  # the sets take turns
                    boot, booted, master, read = measure(folder, work / f"run{run}.log")
                    found = figures[label]
                    found.boot.append(boot)
                    found.rss_boot.append(booted)
                    found.master.append(master)
                    found.rss_read.append(read)
                    print(
                        f"run {run + 1}/{RUNS} {label}: boot {boot:.2f} s, worker "
                        f"{booted / 1024:.1f} MiB, read {read / 1024:.1f} MiB",
                        file=sys.stderr,
                    )
        except ServerError as error:
            print(f"could not measure: {error}", file=sys.stderr)
            return 2
    workers = os.environ.get("WEB_CONCURRENCY", "2")
    print(f"Boot and memory by content (bench/boot.py): {RUNS} runs each, median (min-max),")
    print(f"gunicorn.conf.py with {workers} workers; RSS of the largest worker, in MiB")
    width = max(len(label) for label in figures)
    print(f"{'content':<{width}} | {'boot':>24} | {'worker RSS ready':>26} | "
          f"{'master RSS':>26} | {'worker RSS, all read':>26}")  # fmt: skip
    for label, found in figures.items():
        print(
            f"{label:<{width}} | {spread(found.boot, 's')} | "
            f"{spread(found.rss_boot, 'MiB', 1024)} | {spread(found.master, 'MiB', 1024)} | "
            f"{spread(found.rss_read, 'MiB', 1024)}"
        )
    measured = list(figures.values())
    base, last = measured[0], measured[-1]
    print(
        "all releases / the first set, medians: boot "
        f"{statistics.median(last.boot) / statistics.median(base.boot):.2f}x, worker RSS ready "
        f"{statistics.median(last.rss_boot) / statistics.median(base.rss_boot):.2f}x, all read "
        f"{statistics.median(last.rss_read) / statistics.median(base.rss_read):.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
