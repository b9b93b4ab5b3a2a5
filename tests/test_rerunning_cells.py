"""A learner re-runs cells, and runs them out of order: the notebooks must survive it."""

import shutil

import keras
import nbformat
from nbclient import NotebookClient

from tools.project import notebook_path, sha256


def run_cells_in_order(path, folder, order):
    """Run the code cells of a copy of `path`, placed alone with the shared module in `folder`, in one kernel.

    `order` lists cell ids; "all" stands for every code cell from top to bottom. A cell that
    raises an error fails the test (nbclient raises CellExecutionError with its traceback).
    """
    copy = shutil.copy(path, folder)
    shutil.copy(path.parent / "fmnist_series.py", folder)  # the shared code, beside the notebook as in the repository
    notebook = nbformat.read(copy, as_version=4)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    by_id = {cell.id: cell for cell in code_cells}
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    with client.setup_kernel():
        for step in order:
            for cell in code_cells if step == "all" else [by_id[step]]:
                client.execute_cell(cell, notebook.cells.index(cell))


def test_02_build_and_check_cells_run_twice(tmp_path):
    """Keras renames the layers of a rebuilt model (conv2d_2, dense_3 ...); the checks must not care."""
    run_cells_in_order(notebook_path(2), tmp_path, ["all", "build", "params", "forward", "build", "params"])


def test_05_never_changes_the_model_that_03_saved(tmp_path):
    # Alone in a folder, 05 first trains and saves the lesson model as 03 would (quick mode).
    run_cells_in_order(notebook_path(5), tmp_path, ["all"])
    models = tmp_path / "models" / "quick"
    saved_by_03 = [models / "lesson_cnn.keras", models / "lesson_history.json"]
    before = [sha256(path) for path in saved_by_03]

    # Again from the top, then the saving cells once more in a learner's order.
    run_cells_in_order(notebook_path(5), tmp_path, ["all", "atomic", "save-h5", "keras-format", "save-h5", "load-h5"])

    assert [sha256(path) for path in saved_by_03] == before
    assert type(keras.models.load_model(saved_by_03[0]).optimizer).__name__ == "Adam"
    assert not list(models.glob(".*partial*")), "no temporary file left behind"
