"""Test-run settings shared by the unit tests and the notebook tests (nbval)."""

import os
import re
import shutil
from pathlib import Path

import pytest

# Notebooks run in quick mode under the tests. The kernels that nbval starts inherit this.
# FMNIST_QUICK=0 pytest checks the full lesson instead (it takes as long as `make series`).
os.environ.setdefault("FMNIST_QUICK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # for the tests that import Keras themselves
# The notebooks download missing models (and, opened alone, fmnist_series.py) from the series' release;
# the tests never reach the internet: this address refuses at once, so a missing model is trained
# (quickly) instead. tests/test_published_models.py serves a checkout from its own local server.
os.environ.setdefault("FMNIST_SERIES_URL", "http://127.0.0.1:9/")


def pytest_sessionstart(session):
    # The notebooks after 03 must load what this run's 03 trained, never a stale quick model.
    shutil.rmtree(Path(__file__).parent / "models" / "quick", ignore_errors=True)


# Every exercise's solution, run where a reader runs it: in the notebook's own kernel, after nbval ran
# the notebook (blank answers and all) and before the kernel stops. Each check must say "Correct".
SOLVE_EVERY_EXERCISE = r"""
import re as _re
for _name in sorted((name for name in globals() if _re.fullmatch(r"q\d+", name)), key=lambda name: int(name[1:])):
    exec(globals()[_name]._solution, globals())
    print("VERDICT", _name, globals()[_name].verdict(globals()).label)
"""


class NotebookSolutions(pytest.Item):
    """Runs the solutions of a notebook's exercises in the kernel that nbval has just run that notebook in."""

    def runtest(self):
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
        verdicts = re.findall(r"^VERDICT (q\d+) (.+)$", "".join(printed), re.M)
        assert not errors, errors
        assert len(verdicts) >= 3, "".join(printed)
        assert all(label == "Correct" for _, label in verdicts), "".join(printed)

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
