"""The project's facts, in one place for the tools, the tests and the benchmarks: where things are, which the
notebooks are, the repository's name, quick mode, and how a file's SHA-256 is computed."""

import ast
import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
SOURCES_DIR = ROOT / "series"  # the shared code's sources, by concern
MODULE = NOTEBOOKS_DIR / "fmnist_series.py"  # what the notebooks import: `make module` joins it from the sources
CONFIG = SOURCES_DIR / "config.py"
FULL_RUN_MODELS_DIR = ROOT / "models"  # a full run's models; a quick run keeps its own in models/quick/


def notebook_path(number: int) -> Path:
    return next(path for path in NOTEBOOKS if path.name.startswith(f"{number:02d}_"))


def configured(name: str):
    """The value of a constant of the shared code's configuration (series/config.py), read without importing Keras."""
    for node in ast.parse(CONFIG.read_text()).body:
        if isinstance(node, ast.Assign) and [getattr(target, "id", None) for target in node.targets] == [name]:
            return ast.literal_eval(node.value)
    raise KeyError(f"{name} is not a constant of {CONFIG.relative_to(ROOT)}")


REPOSITORY = configured("REPOSITORY")  # read from its one home, the configuration


def quick_mode() -> bool:
    """Whether FMNIST_QUICK=1 asks for quick mode, as the shared code's QUICK reads it."""
    return os.environ.get("FMNIST_QUICK") == "1"


def sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
