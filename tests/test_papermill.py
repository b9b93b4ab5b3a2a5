"""papermill runs notebook 14 on a user's own photo, as the README shows."""

import shutil

import keras
import nbformat
import papermill

from fmnist_series import on_background, render_as_photo
from tools.project import notebook_path


def test_papermill_classifies_a_photo_given_as_a_parameter(tmp_path):
    _, (test_images, test_labels) = keras.datasets.fashion_mnist.load_data()
    photo = tmp_path / "my trousers.png"
    on_background(render_as_photo(test_images[2])).save(photo)  # test image 2 is a Trouser
    assert test_labels[2] == 1

    notebook = shutil.copy(notebook_path(14), tmp_path)  # a user's copy, with the shared code beside it
    shutil.copy(notebook_path(14).parent / "fmnist_series.py", tmp_path)
    result = tmp_path / "result.ipynb"
    papermill.execute_notebook(notebook, result, parameters={"IMAGE_PATH": str(photo)}, cwd=str(tmp_path),
                               kernel_name="python3", progress_bar=False)

    cells = {cell.get("id"): cell for cell in nbformat.read(result, as_version=4).cells}
    printed = {cell_id: "".join(output.get("text", "") for output in cell.get("outputs", []))
               for cell_id, cell in cells.items()}
    assert "classifying: my trousers.png" in printed["samples"]
    top3 = printed["top3"].splitlines()
    assert len(top3) == 3 and all(line.endswith("%") for line in top3)
    assert top3[0].startswith("Trouser"), top3
