"""``pytest -n 2`` hands out runs of one module's consecutive tests, in the collected order, and
every test has an id of its own (tests/parallel.py, conftest.py)."""

import subprocess
import sys

from tests.parallel import runs_of_modules


def test_a_module_split_by_the_collection_order_is_two_units():
    units = runs_of_modules(
        ["tests/a.py::one", "tests/a.py::two", "tests/b.py::three", "tests/a.py::four"]
    )
    assert units["tests/a.py::one"] == units["tests/a.py::two"]
    assert len(set(units.values())) == 3  # a.py's last test runs after b.py's, as collected
    assert list(dict.fromkeys(units.values())) == ["1:tests/a.py", "2:tests/b.py", "3:tests/a.py"]


def test_every_collected_test_has_its_own_id():
    """The API fuzz's tests (one per operation) once shared one id: ``-n 2`` ran one of 36."""
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only",
         "tests/test_api_schema.py"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    ids = [line for line in collected if "::" in line]
    assert len(ids) > 30 and len(set(ids)) == len(ids)
    assert "tests/test_api_schema.py::test_api_fuzz[GET /api/v1/units/]" in ids
