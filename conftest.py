"""Test-run settings shared by the unit tests and the notebook tests (nbval)."""

import os
import shutil
from pathlib import Path

# Notebooks run in quick mode under the tests. The kernels that nbval starts inherit this.
# FMNIST_QUICK=0 pytest checks the full lesson instead (it takes as long as `make series`).
os.environ.setdefault("FMNIST_QUICK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # for the tests that import Keras themselves


def pytest_sessionstart(session):
    # The notebooks after 03 must load what this run's 03 trained, never a stale quick model.
    shutil.rmtree(Path(__file__).parent / "models" / "quick", ignore_errors=True)
