"""Notebook 16 installs Gradio where it is missing (Colab): a Gradio 6, holding only what must not move."""

import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import fmnist_series
from tools.project import ROOT


class FakePip:
    """Stands in for subprocess.run: records the command and the constraints it held, answers `returncode`."""

    def __init__(self, returncode, stderr=""):
        self.returncode, self.stderr, self.commands, self.held = returncode, stderr, [], []

    def __call__(self, command, **options):
        self.commands.append(command)
        self.held = Path(command[command.index("--constraint") + 1]).read_text().split()
        return SimpleNamespace(returncode=self.returncode, stderr=self.stderr)


INSTALLED = SimpleNamespace(origin="site-packages/gradio/__init__.py")  # what importlib finds for an installed Gradio
LEFT_OVER = SimpleNamespace(origin=None)  # a gradio/ folder that an uninstall left behind: a namespace package


def gradio_appears_after(pip, before=None):
    """find_spec("gradio"): `before` until pip has run and succeeded, as in a runtime without Gradio."""
    return lambda name: INSTALLED if pip.commands and pip.returncode == 0 else before


def test_an_installed_gradio_is_left_alone():
    pip = FakePip(0)
    fmnist_series.install_gradio_if_missing(find_spec=lambda name: INSTALLED, run=pip)
    assert pip.commands == []


def test_a_folder_left_by_an_uninstall_is_not_an_installed_gradio():
    pip = FakePip(0)
    fmnist_series.install_gradio_if_missing(find_spec=gradio_appears_after(pip, before=LEFT_OVER), run=pip)
    assert len(pip.commands) == 1


def test_a_missing_gradio_is_installed_holding_tensorflow_keras_and_numpy_only(capsys):
    pip = FakePip(0)
    fmnist_series.install_gradio_if_missing(find_spec=gradio_appears_after(pip), run=pip)
    (command,) = pip.commands
    assert command[1:5] == ["-m", "pip", "install", "--quiet"] and fmnist_series.GRADIO_REQUIREMENT in command
    held_names = {line.split("==")[0] for line in pip.held}  # Pillow and the rest may move
    assert {"keras", "numpy"} <= held_names <= set(fmnist_series.HELD_FOR_GRADIO), pip.held
    assert held_names & {"tensorflow", "tensorflow-cpu"} and "pillow" not in held_names, pip.held
    assert f"keras=={fmnist_series.keras.__version__}" in pip.held and f"numpy=={np.__version__}" in pip.held
    assert "Installing gradio>=" in capsys.readouterr().out


def test_when_no_gradio_fits_the_notebook_stops_with_one_sentence():
    pip = FakePip(1, "ERROR: Cannot install gradio because these package versions have conflicting dependencies.\n"
                     "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/")
    with pytest.raises(SystemExit) as stopped:
        fmnist_series.install_gradio_if_missing(find_spec=gradio_appears_after(pip), run=pip)
    message = str(stopped.value)
    assert "\n" not in message and "ResolutionImpossible" in message
    assert 'pip install "gradio>=' in message and "restart the kernel" in message


def test_the_lower_bound_is_the_tested_gradio_and_the_upper_bound_its_next_major_version():
    pinned = re.search(r"^gradio==(\d+)\.(\d+)\.(\d+)", (ROOT / "requirements.txt").read_text(), re.M)
    major = int(pinned.group(1))
    assert f"gradio>={'.'.join(pinned.groups())},<{major + 1}" == fmnist_series.GRADIO_REQUIREMENT

