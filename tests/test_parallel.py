"""``pytest -n 2`` hands out runs of one module's consecutive tests, in the collected order, and
every test has an id of its own (tests/parallel.py, conftest.py)."""

from tests.parallel import RUN_LENGTH, runs_of_modules


def test_a_module_split_by_the_collection_order_is_two_units():
    units = runs_of_modules(
        ["tests/a.py::one", "tests/a.py::two", "tests/b.py::three", "tests/a.py::four"]
    )
    assert units["tests/a.py::one"] == units["tests/a.py::two"]
    assert len(set(units.values())) == 3  # a.py's last test runs after b.py's, as collected
    assert list(dict.fromkeys(units.values())) == ["1:tests/a.py", "2:tests/b.py", "3:tests/a.py"]


def test_a_long_module_is_handed_out_in_runs_both_processes_can_take():
    nodeids = [f"tests/long.py::t{i}" for i in range(2 * RUN_LENGTH + 1)]
    units = runs_of_modules([*nodeids, "tests/short.py::t"])
    runs = list(dict.fromkeys(units[n] for n in nodeids))
    assert len(runs) == 3  # RUN_LENGTH, RUN_LENGTH, 1
    assert units[nodeids[RUN_LENGTH - 1]] == runs[0] and units[nodeids[RUN_LENGTH]] == runs[1]
    assert units["tests/short.py::t"] not in runs


def test_every_collected_test_has_its_own_id(request):
    """The API fuzz's tests (one per operation) once shared one id: ``-n 2`` ran one of 36."""
    ids = [item.nodeid for item in request.session.items]
    assert len(set(ids)) == len(ids)
    fuzz = [i for i in ids if i.startswith("tests/test_api_schema.py::test_api_fuzz")]
    if fuzz:  # collected in this run (the whole suite always collects it)
        assert "tests/test_api_schema.py::test_api_fuzz[GET /api/v1/units/]" in fuzz
