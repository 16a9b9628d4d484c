"""A pytest plugin for mutation runs: every test session starts with the service's caches empty.

mutmut forks each mutant's test run from a process that has already run the tests, so the
memoised functions (`ladder`, the routine planner) would answer from results the unmutated
code computed, and a mutant in the code they call would never run. Emptying the caches makes
each run compute them again, with the mutant in place.
"""

from __future__ import annotations

import functools
import sys


def pytest_sessionstart() -> None:
    """Empty every functools cache that a module of the service defines."""
    for name, module in list(sys.modules.items()):
        if name == "service" or name.startswith("service."):
            for value in list(vars(module).values()):
                if isinstance(value, functools._lru_cache_wrapper):
                    value.cache_clear()
