"""Benchmark routine generation in process: routines per second and p50/p99 of one generation.

A script, not a test: it prints figures. Run with `make bench-routines`.
"""

from __future__ import annotations

import itertools
import platform
import statistics
import time
from dataclasses import replace

from service.api.representations import to_json
from service.api.routine_json import present
from service.domain import IdKeys, Release, RoutineRequest, generate_routine, request_for
from service.domain.loading import load_releases

SECONDS = 3.0
COUNT = 60_000


def requests(release: Release, count: int) -> list[RoutineRequest]:
    """Distinct, realistic requests: budgets, equipment, positions, levels, weeks, pain, seeds.

    Every request differs (the seed counts up), so neither the generator's per-programme cache
    nor anything else answers a repeat: this is what distinct frontends send.
    """
    kits = [
        (),
        ("wall",),
        ("towel", "wall"),
        ("cloth", "foam-roller", "wall"),
        ("marbles", "container", "towel"),
    ]
    combos = itertools.cycle(
        itertools.product(
            (10, 15, 30, 60),
            kits,
            ("any", "seated"),
            ("beginner", "intermediate"),
            (1, 4, 8, 12),
            (None, 2, 5),
            (2, 3, 5),
        )
    )
    return [
        request_for(
            release,
            {
                "minutes": minutes,
                "equipment": kit,
                "position": position,
                "level": level,
                "week": week,
                "pain": pain,
                "days_per_week": days,
                "seed": seed,
            },
        )
        for seed, (minutes, kit, position, level, week, pain, days) in zip(
            range(count), combos, strict=False
        )
    ]


def measure(label: str, work: list[RoutineRequest], run) -> None:  # type: ignore[no-untyped-def]
    timings = []
    deadline = time.perf_counter() + SECONDS
    for request in work:
        start = time.perf_counter_ns()
        run(request)
        timings.append(time.perf_counter_ns() - start)
        if time.perf_counter() > deadline:
            break
    total = sum(timings) / 1e9
    quantiles = statistics.quantiles(timings, n=100)
    print(
        f"{label:<34} {len(timings) / total:>10,.0f}/s   p50 {quantiles[49] / 1e3:7.1f} µs"
        f"   p99 {quantiles[98] / 1e3:7.1f} µs   ({len(timings):,} distinct requests)"
    )


def main() -> None:
    release = [release for release in load_releases().values() if release.rules][-1]
    keys = IdKeys.parse(f"bench:{IdKeys.new_key()}")
    print(f"routine generation, in process, release {release.version}, up to {SECONDS:.0f} s each")
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.node()}")
    measure(
        "generate_routine",
        requests(release, COUNT),
        lambda request: generate_routine(release, request),
    )
    # New seeds again, so that this line too meets no programme it has seen.
    offset = [replace(request, seed=request.seed + COUNT) for request in requests(release, COUNT)]
    measure(
        "generate_routine + JSON body",
        offset,
        lambda request: to_json(present(generate_routine(release, request), release, keys)),
    )


if __name__ == "__main__":
    main()
