"""The published models: what the notebooks download, how they check it, and what they do when that fails.

A local HTTP server on 127.0.0.1 stands in for GitHub; FMNIST_MODELS_URL points the notebooks at it.
"""

import functools
import hashlib
import http.server
import re
import shutil
import threading
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from tools.notebook_code import load_definitions, notebook_path

ROOT = Path(__file__).parent.parent
PUBLISHED = ROOT / "models" / "published"
LESSON_FILES = ["lesson_cnn.weights.h5", "lesson_history.json"]


class FileServer(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; a file listed in `cut_short` is announced whole but sent only half."""

    cut_short = ()

    def copyfile(self, source, outputfile):
        if Path(self.translate_path(self.path)).name in self.cut_short:
            data = source.read()
            outputfile.write(data[: len(data) // 2])
            self.close_connection = True
        else:
            super().copyfile(source, outputfile)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """(served folder, base URL, handler class) of a server that runs for one test."""
    served = tmp_path / "served"
    served.mkdir()
    handler = type("Handler", (FileServer,), {"cut_short": set()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(served)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield served, f"http://127.0.0.1:{httpd.server_port}/", handler
    httpd.shutdown()
    httpd.server_close()


def notebook_downloader(base_url, models_dir):
    """`download_published` exactly as the notebooks define it, pointed at `base_url`."""
    code = load_definitions(notebook_path(4), "PUBLISHED_MODELS_URL", "download_published")
    code.update(PUBLISHED_MODELS_URL=base_url, MODELS_DIR=models_dir)
    return code["download_published"]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def test_a_download_that_matches_its_sha256_lands_in_place(server, tmp_path, capsys):
    served, url, _ = server
    (served / "lesson_history.json").write_text('{"accuracy": [0.9]}')
    models = tmp_path / "models"
    models.mkdir()
    download = notebook_downloader(url, models)
    assert download("lesson_history.json", sha256(b'{"accuracy": [0.9]}'), models / "lesson_history.json")
    assert (models / "lesson_history.json").read_text() == '{"accuracy": [0.9]}'
    assert [path.name for path in models.iterdir()] == ["lesson_history.json"], "no temporary folder left"
    assert "its SHA-256 matches" in capsys.readouterr().out


@pytest.mark.parametrize("damage", ["corrupted", "cut short", "missing on the server", "no server"])
def test_a_bad_download_is_refused_and_leaves_nothing(server, tmp_path, capsys, damage):
    served, url, handler = server
    good = b"the published model, byte for byte" * 1000
    (served / "lesson_cnn.keras").write_bytes(good[:-1] + b"!" if damage == "corrupted" else good)
    if damage == "cut short":
        handler.cut_short.add("lesson_cnn.keras")
    if damage == "missing on the server":
        (served / "lesson_cnn.keras").unlink()
    if damage == "no server":
        url = "http://127.0.0.1:9/"  # the discard port: the connection is refused
    models = tmp_path / "models"
    models.mkdir()
    download = notebook_downloader(url, models)
    assert not download("lesson_cnn.keras", sha256(good), models / "lesson_cnn.keras")
    assert list(models.iterdir()) == [], "neither the file nor a temporary folder is left"
    assert "Could not download lesson_cnn.keras" in capsys.readouterr().out


def published_constants():
    """The notebooks' *_SHA256 constants, by name, checked to be the same in every notebook."""
    return {name: load_definitions(notebook_path(number), name)[name]
            for number, name in [(4, "LESSON_CNN_SHA256"), (4, "LESSON_HISTORY_SHA256"), (15, "BETTER_CNN_SHA256")]}


def test_the_published_files_match_the_notebooks_and_models_readme():
    constants = published_constants()
    files = {"LESSON_CNN_SHA256": "lesson_cnn.weights.h5", "LESSON_HISTORY_SHA256": "lesson_history.json",
             "BETTER_CNN_SHA256": "better_cnn.weights.h5"}
    for constant, name in files.items():
        assert constants[constant] == sha256((PUBLISHED / name).read_bytes()), f"run make publish: {name}"
    readme = (ROOT / "models" / "README.md").read_text()
    listed = dict(re.findall(r"^\| `([\w.]+)` \| [\d,]+ \| `([0-9a-f]{64})` \|$", readme, re.M))
    assert listed == {path.name: sha256(path.read_bytes()) for path in PUBLISHED.iterdir()}
    assert set(listed) == {"lesson_cnn.weights.h5", "lesson_history.json", "better_cnn.weights.h5", "tiny_cnn.weights.h5"}
    assert sum(path.stat().st_size for path in PUBLISHED.iterdir()) <= 10 * 2**20, "10 MiB at most"


def run_alone(number, folder, base_url, monkeypatch):
    """Run notebook `number` by itself in `folder`, as in a fresh Colab runtime; return what it printed."""
    monkeypatch.setenv("FMNIST_MODELS_URL", base_url)
    alone = folder / notebook_path(number).name
    shutil.copy(notebook_path(number), alone)
    notebook = nbformat.read(alone, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))


def test_a_notebook_opened_alone_downloads_the_lesson_model_instead_of_training(server, tmp_path, monkeypatch):
    served, url, _ = server
    for name in LESSON_FILES:
        shutil.copy(PUBLISHED / name, served)
    folder = tmp_path / "colab"
    folder.mkdir()
    printed = run_alone(4, folder, url, monkeypatch)
    assert "Downloaded lesson_cnn.weights.h5" in printed and "Downloaded lesson_history.json" in printed
    assert "Training it here" not in printed and "Epoch 1/" not in printed
    models = folder / "models" / "quick"
    assert (models / "lesson_history.json").read_bytes() == (PUBLISHED / "lesson_history.json").read_bytes()
    assert sorted(path.name for path in models.iterdir()) == ["learning_curves.png", "lesson_cnn.keras", "lesson_history.json"]


def test_published_weights_rebuild_the_better_cnn(server, tmp_path):
    """Notebook 15 rebuilds notebook 10's model from its published weights, and saves it whole."""
    served, url, _ = server
    shutil.copy(PUBLISHED / "better_cnn.weights.h5", served)
    code = load_definitions(notebook_path(15), "PUBLISHED_MODELS_URL", "BETTER_CNN_SHA256", "save_atomically",
                            "download_published", "load_published_weights", "conv_bn_relu", "augmentation",
                            "build_better_cnn")
    code.update(PUBLISHED_MODELS_URL=url, MODELS_DIR=tmp_path)
    path = tmp_path / "better_cnn.keras"
    assert code["load_published_weights"]("better_cnn.weights.h5", code["BETTER_CNN_SHA256"],
                                          code["build_better_cnn"](), path)
    assert [child.name for child in tmp_path.iterdir() if child.name != "served"] == ["better_cnn.keras"]
    rebuilt = code["build_better_cnn"]()
    rebuilt.load_weights(PUBLISHED / "better_cnn.weights.h5")
    images = np.random.default_rng(0).integers(0, 256, (8, 28, 28, 1)).astype("float32")
    np.testing.assert_array_equal(keras.models.load_model(path).predict(images, verbose=0),
                                  rebuilt.predict(images, verbose=0))


def test_the_download_address_follows_the_colab_badges():
    """The published files sit in the repository and branch that the notebooks' Colab badges open."""
    notebook = nbformat.read(notebook_path(4), as_version=4)
    owner, repository, branch = re.search(r"colab\.research\.google\.com/github/([\w.-]+)/([\w.-]+)/blob/([\w.-]+)/",
                                          notebook.cells[0].source).groups()
    code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    default = re.search(r'"FMNIST_MODELS_URL", "([^"]+)"', code).group(1)
    assert default == f"https://raw.githubusercontent.com/{owner}/{repository}/{branch}/models/published/"
    assert f"`{default}`" in (ROOT / "models" / "README.md").read_text()


def test_publishing_the_same_weights_again_keeps_the_published_file(tmp_path, monkeypatch):
    from tools import publish_models

    monkeypatch.setattr(publish_models, "MODELS_DIR", tmp_path)
    monkeypatch.setattr(publish_models, "PUBLISHED_DIR", tmp_path / "published")
    (tmp_path / "published").mkdir()
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.save(tmp_path / "tiny_cnn.keras")
    published = publish_models.publish("tiny_cnn.weights.h5", "tiny_cnn.keras")
    first = published.read_bytes()
    publish_models.publish("tiny_cnn.weights.h5", "tiny_cnn.keras")
    assert published.read_bytes() == first, "the same weights leave the published file as it was"
    model.layers[0].kernel.assign(model.layers[0].kernel + 1)
    model.save(tmp_path / "tiny_cnn.keras")
    publish_models.publish("tiny_cnn.weights.h5", "tiny_cnn.keras")
    assert published.read_bytes() != first, "new weights replace it"
