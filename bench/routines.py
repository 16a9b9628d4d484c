"""Benchmark routine generation in process: routines per second and p50/p99 of one generation.

A script, not a test: it prints figures. Run with `make bench-routines`.
"""

from __future__ import annotations

import itertools
import json
import platform
import statistics
import time

from service.api.routines import present
from service.domain import Difficulty, PositionChoice, RoutineRequest, generate_routine
from service.domain.loading import load_releases

SECONDS = 3.0


def requests() -> list[RoutineRequest]:
    """A spread of realistic requests: budgets, equipment, positions, levels, weeks, pain."""
    kits = [
        ("wall",),
        ("towel", "wall"),
        ("cloth", "foam-roller", "wall"),
        ("container", "marbles", "towel", "wall"),
    ]
    combos = itertools.product(
        (5, 15, 30, 60),
        kits,
        (PositionChoice.ANY, PositionChoice.SEATED),
        tuple(Difficulty),
        (1, 6, 12),
        (None, 3, 8),
    )
    found = []
    for minutes, kit, position, level, week, pain in combos:
        if position is PositionChoice.SEATED and "towel" not in kit and "cloth" not in kit:
            continue  # no seated stretch without a towel or cloth: a 422, not a routine
        found.append(
            RoutineRequest(
                minutes=minutes, equipment=kit, position=position, level=level, week=week, pain=pain
            )
        )
    return found


def measure(label: str, work: list[RoutineRequest], run) -> None:  # type: ignore[no-untyped-def]
    timings = []
    deadline = time.perf_counter() + SECONDS
    for request in itertools.cycle(work):
        start = time.perf_counter_ns()
        run(request)
        timings.append(time.perf_counter_ns() - start)
        if time.perf_counter() > deadline:
            break
    total = sum(timings) / 1e9
    quantiles = statistics.quantiles(timings, n=100)
    print(
        f"{label:<34} {len(timings) / total:>10,.0f}/s   p50 {quantiles[49] / 1e3:7.1f} µs"
        f"   p99 {quantiles[98] / 1e3:7.1f} µs   ({len(timings):,} runs)"
    )


def main() -> None:
    release = load_releases()["1.0.0"]
    work = requests()
    print(f"routine generation, in process, {len(work)} distinct requests, {SECONDS:.0f} s each")
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.node()}")
    measure("generate_routine", work, lambda request: generate_routine(release, request))
    measure(
        "generate_routine + JSON body",
        work,
        lambda request: json.dumps(present(generate_routine(release, request), release, b"k")),
    )


if __name__ == "__main__":
    main()
