"""The published models: what the notebooks download, how they check it, and what they do when that fails.

A local HTTP server on 127.0.0.1 stands in for GitHub; FMNIST_SERIES_URL points the notebooks at it.
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
from nbclient.exceptions import CellExecutionError

import fmnist_series
from tools.notebook_code import models_loaded
from tools.project import MODULE, NOTEBOOKS, ROOT, notebook_path, sha256
from tools.release import setup_cell

PUBLISHED = ROOT / "models" / "published"


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


def published_at(served, name, data):
    """Put `data` where the series publishes `name`, in the folder that the server serves."""
    folder = served / "models" / "published"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def downloader(base_url, data):
    """The shared module's `download_published`, pointed at `base_url`, expecting `data`."""
    return functools.partial(fmnist_series.download_published, series_url=base_url,
                             expected_sha256=hashlib.sha256(data).hexdigest())


def test_a_download_that_matches_its_sha256_lands_in_place(server, tmp_path, capsys, monkeypatch):
    served, url, _ = server
    published_at(served, "lesson_history.json", b'{"accuracy": [0.9]}')
    models = tmp_path / "models"
    models.mkdir()
    download = downloader(url, b'{"accuracy": [0.9]}')
    assert download("lesson_history.json", models / "lesson_history.json")
    assert (models / "lesson_history.json").read_text() == '{"accuracy": [0.9]}'
    assert [path.name for path in models.iterdir()] == ["lesson_history.json"], "no temporary folder left"
    assert "its SHA-256 matches" in capsys.readouterr().out


@pytest.mark.parametrize("damage", ["corrupted", "cut short", "missing on the server", "no server"])
def test_a_bad_download_is_refused_and_leaves_nothing(server, tmp_path, capsys, damage, monkeypatch):
    served, url, handler = server
    good = b"the published model, byte for byte" * 1000
    published_at(served, "lesson_cnn.keras", good[:-1] + b"!" if damage == "corrupted" else good)
    if damage == "cut short":
        handler.cut_short.add("lesson_cnn.keras")
    if damage == "missing on the server":
        (served / "models" / "published" / "lesson_cnn.keras").unlink()
    if damage == "no server":
        url = "http://127.0.0.1:9/"  # the discard port: the connection is refused
    models = tmp_path / "models"
    models.mkdir()
    download = downloader(url, good)
    assert not download("lesson_cnn.keras", models / "lesson_cnn.keras")
    assert list(models.iterdir()) == [], "neither the file nor a temporary folder is left"
    assert "Could not download lesson_cnn.keras" in capsys.readouterr().out


def test_the_published_files_match_the_module_and_models_readme():
    for name, expected in fmnist_series.PUBLISHED_SHA256.items():
        assert expected == sha256(PUBLISHED / name), f"run make publish: {name}"
    readme = (ROOT / "models" / "README.md").read_text()
    listed = dict(re.findall(r"^\| `([\w.]+)` \| [\d,]+ \| `([0-9a-f]{64})` \|$", readme, re.M))
    assert listed == {path.name: sha256(path) for path in PUBLISHED.iterdir()}
    assert set(listed) == set(fmnist_series.PUBLISHED_SHA256)
    assert sum(path.stat().st_size for path in PUBLISHED.iterdir()) <= 10 * 2**20, "10 MiB at most"


@pytest.fixture
def checkout_url():
    """The base URL of this checkout, served on 127.0.0.1 as GitHub serves the repository at a release."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(FileServer, directory=str(ROOT)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


def run_alone(number, folder, series_url, monkeypatch):
    """Run notebook `number` by itself in `folder`, as in a fresh Colab runtime; return the executed notebook."""
    monkeypatch.setenv("FMNIST_SERIES_URL", series_url)
    alone = folder / notebook_path(number).name
    shutil.copy(notebook_path(number), alone)
    notebook = nbformat.read(alone, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def printed(notebook):
    return "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))


# Every notebook runs alone in `make test-alone`; `make test` runs two: 04 stands for the notebooks that need
# the lesson model, 15 needs the better CNN and 14's photo code too.
IN_MAKE_TEST = {4, 15}
EVERY_NOTEBOOK = [pytest.param(int(path.name[:2]), id=path.stem[:2],
                               marks=() if int(path.name[:2]) in IN_MAKE_TEST else pytest.mark.alone) for path in NOTEBOOKS]


def downloads_expected(number):
    """The published files that notebook `number`, opened alone, must download: those of the models it loads."""
    models = models_loaded(notebook_path(number))
    lesson = ["lesson_history.json", "lesson_cnn.weights.h5"] if "lesson" in models else []
    return lesson + (["better_cnn.weights.h5"] if "better" in models else [])


@pytest.mark.parametrize("number", EVERY_NOTEBOOK)
def test_a_notebook_opened_alone_downloads_the_code_and_models_it_needs(number, checkout_url, tmp_path, monkeypatch):
    folder = tmp_path / "colab"
    folder.mkdir()
    output = printed(run_alone(number, folder, checkout_url, monkeypatch))
    assert f"fmnist_series.py of release {fmnist_series.RELEASE}, from the series' release" in output
    downloaded = folder / f"fmnist_series_{fmnist_series.RELEASE}" / "fmnist_series.py"
    assert downloaded.read_bytes() == MODULE.read_bytes()
    expected = downloads_expected(number)
    assert sorted(re.findall(r"Downloaded (\S+) from", output)) == sorted(expected)
    assert "Training it here" not in output and "has lost its partner file" not in output, \
        "trains no earlier notebook's model"
    for name in expected:
        if not name.endswith(".weights.h5"):
            assert (folder / "models" / "quick" / name).read_bytes() == (PUBLISHED / name).read_bytes()


@pytest.mark.parametrize("number", EVERY_NOTEBOOK)
def test_a_notebook_opened_alone_and_offline_stops_with_one_clear_message(number, tmp_path, monkeypatch):
    folder = tmp_path / "colab"
    folder.mkdir()
    with pytest.raises(CellExecutionError):
        run_alone(number, folder, "http://127.0.0.1:9/", monkeypatch)  # the discard port: refused at once
    notebook = nbformat.read(folder / notebook_path(number).name, as_version=4)  # as saved: unexecuted
    assert [path.name for path in folder.rglob("*") if path.is_file()] == [notebook_path(number).name], \
        "nothing left behind"
    client = NotebookClient(notebook, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    with client.setup_kernel():
        setup = next(cell for cell in notebook.cells if cell.get("id") == "setup")
        with pytest.raises(CellExecutionError) as stopped:
            client.execute_cell(setup, notebook.cells.index(setup))
    message = str(stopped.value)
    assert "SystemExit" in message and "needs fmnist_series.py of release" in message
    assert "http://127.0.0.1:9/notebooks/fmnist_series.py into the folder of this notebook" in message


def test_published_weights_rebuild_the_better_cnn(server, tmp_path, monkeypatch):
    """Notebook 15 rebuilds notebook 10's model from its published weights, and saves it whole."""
    served, url, _ = server
    published_at(served, "better_cnn.weights.h5", (PUBLISHED / "better_cnn.weights.h5").read_bytes())
    models = tmp_path / "models"
    models.mkdir()
    path = models / "better_cnn.keras"
    assert fmnist_series.load_published_weights("better_cnn.weights.h5", fmnist_series.build_better_cnn(), path, url)
    assert [child.name for child in models.iterdir()] == ["better_cnn.keras"]
    rebuilt = fmnist_series.build_better_cnn()
    rebuilt.load_weights(PUBLISHED / "better_cnn.weights.h5")
    images = np.random.default_rng(0).integers(0, 256, (8, 28, 28, 1)).astype("float32")
    np.testing.assert_array_equal(keras.models.load_model(path).predict(images, verbose=0),
                                  rebuilt.predict(images, verbose=0))


def test_the_download_address_follows_the_colab_badges():
    """Code and models come from the repository and release that the notebooks' Colab badges open."""
    notebook = nbformat.read(notebook_path(4), as_version=4)
    owner, repository, release = re.search(r"colab\.research\.google\.com/github/([\w.-]+)/([\w.-]+)/blob/([\w.-]+)/",
                                           notebook.cells[0].source).groups()
    assert (f"{owner}/{repository}", release) == (fmnist_series.REPOSITORY, fmnist_series.RELEASE)
    module = MODULE.read_text()
    assert 'os.environ.get("FMNIST_SERIES_URL", f"https://raw.githubusercontent.com/{REPOSITORY}/{RELEASE}/")' in module
    setup = next(cell.source for cell in notebook.cells if cell.get("id") == "setup")
    assert setup == setup_cell(release, sha256(MODULE))
    default = f"https://raw.githubusercontent.com/{owner}/{repository}/{release}/models/published/"
    assert f"`{default}`" in (ROOT / "models" / "README.md").read_text()


def test_publishing_the_same_weights_again_keeps_the_published_file(tmp_path):
    from tools import publish_models

    (tmp_path / "published").mkdir()
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.save(tmp_path / "tiny_cnn.keras")
    published = publish_models.publish("tiny_cnn.weights.h5", "tiny_cnn.keras", tmp_path, tmp_path / "published")
    first = published.read_bytes()
    publish_models.publish("tiny_cnn.weights.h5", "tiny_cnn.keras", tmp_path, tmp_path / "published")
    assert published.read_bytes() == first, "the same weights leave the published file as it was"
    model.layers[0].kernel.assign(model.layers[0].kernel + 1)
    model.save(tmp_path / "tiny_cnn.keras")
    publish_models.publish("tiny_cnn.weights.h5", "tiny_cnn.keras", tmp_path, tmp_path / "published")
    assert published.read_bytes() != first, "new weights replace it"
