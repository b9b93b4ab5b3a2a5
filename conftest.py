"""Test-run settings shared by the unit tests and the notebook tests (nbval)."""

import os
import shutil
from pathlib import Path

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
