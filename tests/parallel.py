"""How ``pytest -n 2`` (pytest-xdist) shares the suite between two processes.

Each process has its own database (in-memory SQLite, or ``test_luoshi_gw0``/``_gw1`` on
PostgreSQL). The suite's order matters: pytest-django runs the tests that roll back before
those that flush the database (transactional, live server), and the tests of the demo
district last, because the district lives in a transaction that stays open to the end of a
process's run (``_demo_district_once`` in conftest.py). So each process runs its share in
that same order: the work is handed out in the order collected, in runs of consecutive tests
of one module (a module's fixtures are built once per run).
"""

from xdist.scheduler import LoadScopeScheduling


class InCollectionOrder(LoadScopeScheduling):
    """Work units: the runs of consecutive tests of one module in the collected order,
    handed out in that order. Run with ``--dist loadscope --no-loadscope-reorder``."""

    _units: dict[str, str] | None = None

    def _split_scope(self, nodeid: str) -> str:
        if self._units is None:
            self._units = runs_of_modules(self.collection or [])
        return self._units[nodeid]


# A long module (the URL matrix: 700 tests) is handed out in runs of at most this many tests,
# so that both processes share it; each run builds the module's fixtures once.
RUN_LENGTH = 120


def runs_of_modules(nodeids: list[str]) -> dict[str, str]:
    """``{nodeid: unit}``: a new unit each time the module changes along ``nodeids``, and
    after ``RUN_LENGTH`` tests of one module."""
    units: dict[str, str] = {}
    previous, count, length = None, 0, 0
    for nodeid in nodeids:
        module = nodeid.split("::", 1)[0]
        if module != previous or length == RUN_LENGTH:
            previous, count, length = module, count + 1, 0
        length += 1
        units[nodeid] = f"{count}:{module}"
    return units
