"""conftest.py hands the tests to two processes: what runs together, in order, and what goes first."""

import conftest
from tools.project import NOTEBOOKS


def test_every_notebook_that_loads_a_trained_model_runs_after_03_in_one_process():
    loaders = [path for path in NOTEBOOKS if "load_lesson_model()" in path.read_text()]
    assert loaders and {path.name[:2] for path in loaders} < conftest.IN_THE_CHAIN
    assert "03" in conftest.IN_THE_CHAIN and "15" in conftest.IN_THE_CHAIN and "10" in conftest.IN_THE_CHAIN
    for path in [NOTEBOOKS[2], *loaders]:
        assert conftest.unit_of_work(f"notebooks/{path.name}::Cell 0") == conftest.CHAIN


def test_the_other_notebooks_and_each_test_file_are_units_of_their_own():
    assert conftest.unit_of_work("notebooks/17_speedrun.ipynb::Cell 5") == "notebooks/17_speedrun.ipynb"
    assert conftest.unit_of_work("notebooks/17_speedrun.ipynb::exercises solved") == "notebooks/17_speedrun.ipynb"
    assert conftest.unit_of_work("tests/test_exercises.py::test_typical_wrong_answers_are_explained[1-1]") == \
        "tests/test_exercises.py"


def test_the_chain_goes_first_then_the_later_notebooks_then_the_test_files():
    units = ["tests/test_benchmark.py", "notebooks/01_load_and_explore_the_data.ipynb", conftest.CHAIN,
             "notebooks/17_speedrun.ipynb", "tests/test_a.py"]
    assert sorted(units, key=conftest.order_of_work) == [
        conftest.CHAIN, "notebooks/17_speedrun.ipynb", "notebooks/01_load_and_explore_the_data.ipynb",
        "tests/test_a.py", "tests/test_benchmark.py"]
