"""Test-run settings shared by the unit tests and the notebook tests (nbval)."""

import os
import re
import shutil
from pathlib import Path

import pytest
from xdist.scheduler import LoadScopeScheduling

from tools.notebook_code import models_loaded
from tools.project import NOTEBOOKS, NOTEBOOKS_DIR

# Notebooks run in quick mode under the tests. The kernels that nbval starts inherit this.
# FMNIST_QUICK=0 pytest checks the full lesson instead (it takes as long as `make series`).
os.environ.setdefault("FMNIST_QUICK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # for the tests that import Keras themselves
# The notebooks download missing models (and, opened alone, fmnist_series.py) from the series' release;
# the tests never reach the internet: this address refuses at once, so a missing model is trained
# (quickly) instead. tests/test_published_models.py serves a checkout from its own local server.
os.environ.setdefault("FMNIST_SERIES_URL", "http://127.0.0.1:9/")

# `make test` runs the tests in two processes (pytest-xdist, see pyproject.toml), one per core: each process
# and the notebook kernels it starts then use one TensorFlow thread, so that the two never fight for a core.
if "PYTEST_XDIST_WORKER" in os.environ:
    for variable in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS", "OMP_NUM_THREADS"):
        os.environ.setdefault(variable, "1")

# The notebooks that load a model which another notebook trains in the same run: 03's lesson CNN, and 10's
# better CNN, which 15 loads (10 itself loads 03's). They run in one process, after 03, in the series' order;
# every other notebook, and every test file, is a unit of work that either process may take.
CHAIN = "notebooks on 03's model"
IN_THE_CHAIN = {"03"} | {path.name[:2] for path in NOTEBOOKS if models_loaded(path)}


def pytest_sessionstart(session):
    # The notebooks after 03 must load what this run's 03 trained, never a stale quick model.
    if not hasattr(session.config, "workerinput"):  # once, in the process that runs or hands out the tests
        shutil.rmtree(NOTEBOOKS_DIR.parent / "models" / "quick", ignore_errors=True)


def unit_of_work(nodeid):
    """The tests that one process runs together, in order: a notebook's cells, a test file, or the chain above."""
    path = nodeid.split("::")[0]
    if path.startswith("notebooks/") and Path(path).name[:2] in IN_THE_CHAIN:
        return CHAIN
    return path


def order_of_work(unit):
    """The longest units first, so that the two processes finish together: the chain of notebooks, then the
    other notebooks from the last to the first (the later ones train more), then the test files."""
    if unit == CHAIN:
        return (0, 0, unit)
    if unit.startswith("notebooks/"):
        return (1, -int(Path(unit).name[:2]), unit)
    return (2, 0, unit)


class SeriesScheduling(LoadScopeScheduling):
    """xdist's --dist loadscope, with the units of `unit_of_work`, handed out in `order_of_work`."""

    def _split_scope(self, nodeid):
        return unit_of_work(nodeid)

    def _assign_work_unit(self, node):
        first = min(self.workqueue, key=order_of_work)
        self.workqueue.move_to_end(first, last=False)
        super()._assign_work_unit(node)


def pytest_xdist_make_scheduler(config, log):
    return SeriesScheduling(config, log) if config.getvalue("dist") == "loadscope" else None


# Every exercise's solution, run where a reader runs it: in the notebook's own kernel, after nbval ran
# the notebook (blank answers and all) and before the kernel stops. Each check must say "Correct", within the
# time a reader waits for it. (tests/test_exercises.py runs the blanks, the wrong answers, and the solutions that
# train nothing; a capstone's solution trains a model, so it trains here only.)
SOLVE_EVERY_EXERCISE = r"""
import re as _re, time as _time
for _name in sorted((name for name in globals() if _re.fullmatch(r"q\d+", name)), key=lambda name: int(name[1:])):
    exec(globals()[_name]._solution, globals())
    _started = _time.perf_counter()
    _label = globals()[_name].verdict(globals()).label
    print("VERDICT", _name, f"{_time.perf_counter() - _started:.3f}", _label)
"""


class NotebookSolutions(pytest.Item):
    """Runs the solutions of a notebook's exercises in the kernel that nbval has just run that notebook in."""

    def runtest(self):
        from tests.test_exercises import check_seconds  # here: it imports TensorFlow, which only the test processes need

        kernel = self.parent.kernel
        message_id = kernel.execute_cell_input(SOLVE_EVERY_EXERCISE, allow_stdin=False)
        printed, errors = [], []
        while True:
            message = kernel.get_message(stream="iopub", timeout=300)
            if message["parent_header"].get("msg_id") != message_id:
                continue
            if message["msg_type"] == "stream":
                printed.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                errors.append(f"{message['content']['ename']}: {message['content']['evalue']}")
            elif message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        verdicts = re.findall(r"^VERDICT q(\d+) ([\d.]+) (.+)$", "".join(printed), re.M)
        assert not errors, errors
        assert len(verdicts) >= 3, "".join(printed)
        assert all(label == "Correct" for _, _, label in verdicts), "".join(printed)
        notebook = int(self.path.name[:2])
        for index, seconds, _ in verdicts:
            limit = check_seconds(notebook, int(index))
            assert float(seconds) <= limit, f"q{index}'s check took {float(seconds):.1f} s, more than {limit:g} s"

    def reportinfo(self):
        return self.path, None, f"{self.path.name}: every exercise solved in the notebook's own kernel"


def pytest_collection_modifyitems(session, config, items):
    last_cell, with_exercises = {}, set()
    for index, item in enumerate(items):
        if type(item).__name__ == "IPyNbCell":
            last_cell[item.parent] = index
            if "series.exercises(" in item.cell.source:
                with_exercises.add(item.parent)
    for index in sorted((last_cell[notebook] for notebook in with_exercises), reverse=True):
        items.insert(index + 1, NotebookSolutions.from_parent(items[index].parent, name="exercises solved"))
