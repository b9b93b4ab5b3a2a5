"""Checks on the notebooks themselves; nbval (see pyproject.toml) executes them."""

import re
import subprocess
import sys

import nbformat
import pytest

import fmnist_series
from tools.normalize_notebooks import normalized
from tools.project import NOTEBOOKS, ROOT

COLAB_PREFIX = "https://colab.research.google.com/github/"
PLUMBING = {"setup"}


def test_the_series_is_there():
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers[:6] == [1, 2, 3, 4, 5, 6], "the core series"
    assert numbers == sorted(set(numbers)), "each number once"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_a_lesson(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    first, last = notebook.cells[0].source, notebook.cells[-1].source
    assert first.startswith(f"# {path.name[:2]} · "), "a numbered title"
    badges = re.findall(re.escape(COLAB_PREFIX) + rf"[\w.-]+/[\w.-]+/blob/{fmnist_series.RELEASE}/(\S+?)\)", first)
    assert badges == [f"notebooks/{path.name}"], "one Colab badge, pointing at this notebook in the release"
    assert "**Needs:**" in first and "**Makes:**" in first
    # the summary ends the notebook; its heading may sit above a cell that generates the run's finding
    assert any("## What we learned" in cell.source for cell in notebook.cells[-3:] if cell.cell_type == "markdown")
    following = NOTEBOOKS[NOTEBOOKS.index(path) + 1 :][:1]
    for name in (other.name for other in following):
        next_url = f"{COLAB_PREFIX}{fmnist_series.REPOSITORY}/blob/{fmnist_series.RELEASE}/notebooks/{name}"
        assert f"({next_url})" in last, f"links the next notebook, {name}, in Colab"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_hygiene(path):
    text = path.read_text()
    notebook = nbformat.reads(text, as_version=4)
    assert normalized(nbformat.reads(text, as_version=4)) == text, "run tools/normalize_notebooks.py"
    assert set(notebook.metadata) == {"kernelspec", "language_info"}, "no Colab or widget metadata"
    ids = [cell.id for cell in notebook.cells]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[a-z0-9-]+", cell_id) for cell_id in ids), \
        "stable, readable cell ids"
    for cell in notebook.cells:
        assert set(cell.metadata) <= {"tags", "cellView", "jupyter", "mystnb"}, cell.id  # mystnb: a figure's alt text
        collapsed = cell.metadata.get("cellView") == "form"
        assert collapsed == (cell.metadata.get("jupyter") == {"source_hidden": True}), "collapsed in Colab and Lab alike"
        assert collapsed == cell.source.startswith("# @title "), f"{cell.id}: a collapsed cell says what it holds"
        if cell.id in PLUMBING:
            assert collapsed, f"{cell.id}: the setup cell is collapsed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_lesson_never_talks_about_the_tests(path):
    """Quick mode and the tests are for the README and one code comment, not for the learner's prose."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            assert not re.search(r"FMNIST_QUICK|quick (mode|run)|nbval|\btests/|a test keeps", cell.source, re.I), cell.id


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_committed_outputs_are_from_a_full_run(path):
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code_cells] == list(range(1, len(code_cells) + 1))
    errors = [cell.id for cell in code_cells for output in cell.outputs if output.output_type == "error"
              and "raises-exception" not in cell.metadata.get("tags", [])]
    assert not errors, "error outputs in cells not tagged raises-exception"
    outputs = [output for cell in code_cells for output in cell.outputs]
    text = "".join(output.get("text", "") + output.get("data", {}).get("text/plain", "") for output in outputs)
    assert "QUICK TEST RUN" not in text
    # TensorFlow's C++ start-up lines, which the shared module keeps out of every output (notebook 01 says why)
    assert "absl::InitializeLog()" not in text and "oneDNN custom operations are on" not in text


def test_ruff_finds_nothing_in_the_code_and_the_notebooks():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme


def test_save_replaces_the_file_in_one_step(tmp_path):
    target = tmp_path / "history.json"
    target.write_text("old")
    fmnist_series.save_atomically(target, lambda path: path.write_text("new"))
    assert target.read_text() == "new"
    assert [path.name for path in tmp_path.iterdir()] == ["history.json"]


def test_interrupted_save_keeps_the_previous_file(tmp_path):
    target = tmp_path / "lesson_cnn.keras"
    target.write_bytes(b"the good model")

    def interrupted_write(path):
        path.write_bytes(b"half a mod")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fmnist_series.save_atomically(target, interrupted_write)
    assert target.read_bytes() == b"the good model"
    assert [path.name for path in tmp_path.iterdir()] == ["lesson_cnn.keras"]
