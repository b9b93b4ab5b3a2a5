"""Checks on the notebooks themselves; nbval (see pyproject.toml) executes them."""

import ast
import re
import shutil
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
COLAB_PREFIX = "https://colab.research.google.com/github/"


def code_of(path: Path) -> str:
    notebook = nbformat.read(path, as_version=4)
    return "\n\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")


def shared_definitions(path: Path):
    """(name, source) of each top-level function and UPPER_CASE constant a notebook defines."""
    source = code_of(path)
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            yield node.name, ast.get_source_segment(source, node)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id.isupper():
                yield target.id, ast.get_source_segment(source, node)


def test_the_series_is_there():
    assert [path.name[:2] for path in NOTEBOOKS] == [f"{number:02d}" for number in range(1, len(NOTEBOOKS) + 1)]
    assert len(NOTEBOOKS) >= 6


def test_repeated_definitions_are_identical_in_every_notebook():
    """Each notebook repeats what it needs from earlier ones; the copies must not drift apart."""
    versions = defaultdict(lambda: defaultdict(list))
    for path in NOTEBOOKS:
        for name, source in shared_definitions(path):
            versions[name][source].append(path.name)
    drifted = {name: list(sources.values()) for name, sources in versions.items() if len(sources) > 1}
    assert not drifted, f"definitions that differ between notebooks: {drifted}"
    assert len(versions["build_lesson_cnn"]) == 1
    assert sum(len(names) for names in versions["build_lesson_cnn"].values()) >= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_a_lesson(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    first, last = notebook.cells[0].source, notebook.cells[-1].source
    assert first.startswith(f"# {path.name[:2]} · "), "a numbered title"
    badges = re.findall(re.escape(COLAB_PREFIX) + r"[\w.-]+/[\w.-]+/blob/main/(\S+?)\)", first)
    assert badges == [f"notebooks/{path.name}"], "one Colab badge, pointing at this notebook"
    assert "**Needs:**" in first and "**Makes:**" in first
    assert "## What we learned" in last
    following = [other.name for other in NOTEBOOKS if other.name[:2] == f"{int(path.name[:2]) + 1:02d}"]
    for name in following:
        assert f"({name})" in last, f"links the next notebook, {name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_committed_outputs_are_from_a_full_run(path):
    notebook = nbformat.read(path, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [cell.execution_count for cell in code_cells] == list(range(1, len(code_cells) + 1))
    outputs = [output for cell in code_cells for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    text = "".join(output.get("text", "") + output.get("data", {}).get("text/plain", "") for output in outputs)
    assert "QUICK TEST RUN" not in text


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme


def save_atomically_from_the_notebooks():
    """The `save_atomically` helper, exactly as the notebooks define it."""
    source = next(src for name, src in shared_definitions(NOTEBOOKS[2]) if name == "save_atomically")
    namespace = {}
    exec("import os\nfrom pathlib import Path\n" + source, namespace)
    return namespace["save_atomically"]


def test_save_replaces_the_file_in_one_step(tmp_path):
    save_atomically = save_atomically_from_the_notebooks()
    target = tmp_path / "history.json"
    target.write_text("old")
    save_atomically(target, lambda path: path.write_text("new"))
    assert target.read_text() == "new"
    assert [path.name for path in tmp_path.iterdir()] == ["history.json"]


def test_interrupted_save_keeps_the_previous_file(tmp_path):
    save_atomically = save_atomically_from_the_notebooks()
    target = tmp_path / "lesson_cnn.keras"
    target.write_bytes(b"the good model")

    def interrupted_write(path):
        path.write_bytes(b"half a mod")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        save_atomically(target, interrupted_write)
    assert target.read_bytes() == b"the good model"
    assert [path.name for path in tmp_path.iterdir()] == ["lesson_cnn.keras"]


@pytest.mark.parametrize("path", [path for path in NOTEBOOKS if "load_or_train_lesson_cnn" in code_of(path)],
                         ids=lambda path: path.stem)
def test_notebook_runs_alone_in_an_empty_folder(path, tmp_path):
    """As in Colab: no models/ and no other notebook; it must train what it needs itself."""
    alone = tmp_path / path.name
    shutil.copy(path, alone)
    notebook = nbformat.read(alone, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    printed = "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))
    assert "No trained model in models/quick/: training it here" in printed
    assert (tmp_path / "models" / "quick" / "lesson_cnn.keras").is_file()
