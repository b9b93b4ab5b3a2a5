"""Kill notebook 13's training script at the worst moments: its files must stay consistent.

At the end of every epoch the script writes three things, one after the other: the best model
(best.keras, when the epoch improved on it), the backup that BackupAndRestore resumes from, and a
row of the CSV epoch log. A crash can land between any two of them. Each test kills the script
with SIGKILL at one such point, from inside, checks the files, starts the script again unchanged,
and checks them again once the training has finished.
"""

import ast
import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import keras
import nbformat
import pytest
from keras import layers

from fmnist_series import build_lesson_cnn
from tools.project import notebook_path

EPOCHS, TRAIN_IMAGES = 4, 1_500  # a small problem: each run takes a few seconds
KILL_EPOCH = 2  # counted from 1; on these images, epoch 2 improves on epoch 1, so best.keras changes

# Runs the training script, after patching the `on_epoch_end` of one callback class to kill the
# process at epoch KILL_EPOCH: right before that method, right after it, or (for the checkpoint)
# after it has written its temporary file, cut in half as if the crash had hit in mid-write.
KILLER = """
import os, runpy, signal, sys
from pathlib import Path

import keras

script, callback_name, when, kill_epoch, *script_arguments = sys.argv[1:]
callback_class = getattr(keras.callbacks, callback_name)
original = callback_class.on_epoch_end


def on_epoch_end(self, epoch, logs=None):
    crash = epoch + 1 == int(kill_epoch)
    if crash and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    original(self, epoch, logs)
    if crash and when == "mid-write":
        written = Path(self.filepath)
        if written.exists():
            written.write_bytes(written.read_bytes()[: written.stat().st_size // 2])
    if crash:
        os.kill(os.getpid(), signal.SIGKILL)


callback_class.on_epoch_end = on_epoch_end
sys.argv = [script, *script_arguments]
runpy.run_path(script, run_name="__main__")
"""

# kill point: (the callback class whose on_epoch_end is patched, when the kill comes)
KILL_POINTS = {
    "checkpoint-cut-mid-write": ("ModelCheckpoint", "mid-write"),
    "before-backup": ("BackupAndRestore", "before"),
    "before-log-row": ("CSVLogger", "before"),
    "after-log-row": ("CSVLogger", "after"),
}
# The windows the notebook documents. The best model of the killed epoch is already saved, but its
# row is not in the log (yet): best.keras may score above every logged epoch, never below.
BEST_MAY_BEAT_THE_LOG = {"before-backup", "before-log-row"}
# The backup already counts the killed epoch, so it is not repeated and its log row never comes.
ROW_LOST = {"before-log-row"}


@pytest.fixture(scope="module")
def script(tmp_path_factory):
    """The training script, exactly as notebook 13's %%writefile cell writes it."""
    notebook = nbformat.read(notebook_path(13), as_version=4)
    source = next(cell.source for cell in notebook.cells if cell.get("id") == "script")
    first_line, body = source.split("\n", 1)
    assert first_line.startswith("%%writefile")
    path = tmp_path_factory.mktemp("script") / "train_resumable.py"
    path.write_text(body)
    return path


@pytest.fixture(scope="module")
def validation_images():
    """The images that fit's validation_split=0.2 keeps apart: the last 20 %, before any shuffling."""
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    split = int(TRAIN_IMAGES * 0.8)
    return x_train[split:TRAIN_IMAGES, ..., None], y_train[split:TRAIN_IMAGES]


def run_python(*arguments, cwd):
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run([sys.executable, *map(str, arguments)], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=300)


def logged_epochs(run_dir):
    """(epoch numbers from 1, best val_accuracy) of the CSV epoch log."""
    if not (run_dir / "epochs.csv").exists():
        return [], None
    with (run_dir / "epochs.csv").open() as rows:
        rows = list(csv.DictReader(rows))
    return [int(row["epoch"]) + 1 for row in rows], max((float(row["val_accuracy"]) for row in rows), default=None)


def assert_best_model_matches_the_log(run_dir, validation_images, may_beat_the_log):
    """best.keras, evaluated on the validation images, scores the best val_accuracy in the log."""
    _, best_logged = logged_epochs(run_dir)
    if best_logged is None:
        return
    assert (run_dir / "best.keras").exists(), "the log has epochs, but no best model was saved"
    x_val, y_val = validation_images
    scores = keras.models.load_model(run_dir / "best.keras").evaluate(
        x_val, y_val, batch_size=128, verbose=0, return_dict=True
    )
    # Compare numbers of correctly classified images, not floats that went through a CSV file.
    saved, logged = round(scores["accuracy"] * len(y_val)), round(best_logged * len(y_val))
    if may_beat_the_log:
        assert saved >= logged, f"best.keras gets {saved} images right, the log's best epoch {logged}"
    else:
        assert saved == logged, f"best.keras gets {saved} images right, the log's best epoch {logged}"


@pytest.mark.parametrize("kill_point", KILL_POINTS)
def test_a_kill_at_the_end_of_an_epoch_leaves_consistent_files(kill_point, script, validation_images, tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (tmp_path / "killer.py").write_text(KILLER)
    keras.utils.set_random_seed(42)
    build_lesson_cnn().save(run_dir / "initial.keras")
    may_beat_the_log = kill_point in BEST_MAY_BEAT_THE_LOG

    killed = run_python("killer.py", script, *KILL_POINTS[kill_point], KILL_EPOCH, run_dir, EPOCHS, TRAIN_IMAGES,
                        cwd=tmp_path)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    epochs, _ = logged_epochs(run_dir)
    assert epochs in ([*range(1, KILL_EPOCH)], [*range(1, KILL_EPOCH + 1)]), "the finished epochs, in order"
    assert_best_model_matches_the_log(run_dir, validation_images, may_beat_the_log)

    restarted = run_python(script, run_dir, EPOCHS, TRAIN_IMAGES, cwd=tmp_path)
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert restarted.stdout.rstrip().endswith("training finished")
    epochs, _ = logged_epochs(run_dir)
    lost = {KILL_EPOCH} if kill_point in ROW_LOST else set()
    assert epochs == [epoch for epoch in range(1, EPOCHS + 1) if epoch not in lost], "every epoch once, in order"
    assert_best_model_matches_the_log(run_dir, validation_images, may_beat_the_log)
    assert sorted(path.name for path in run_dir.iterdir()) == ["best.keras", "epochs.csv", "initial.keras"], \
        "no backup and no temporary file left over"


def test_a_checkpoint_cut_short_by_a_crash_never_replaces_the_best_model(script, tmp_path):
    """The restart must not rename a half-written temporary file from the killed run over best.keras."""
    tree = ast.parse(script.read_text())
    (class_source,) = [ast.get_source_segment(script.read_text(), node) for node in tree.body
                       if isinstance(node, ast.ClassDef) and node.name == "AtomicModelCheckpoint"]
    namespace = {}
    exec("import os\nfrom pathlib import Path\nimport keras\n" + class_source, namespace)
    checkpoint = namespace["AtomicModelCheckpoint"](tmp_path / "best.keras", monitor="val_accuracy", mode="max",
                                                    save_best_only=True, initial_value_threshold=0.9)
    checkpoint.set_model(keras.Sequential([keras.Input(shape=(1,)), layers.Dense(1)]))
    (tmp_path / "best.keras").write_bytes(b"the best model")
    temporary = Path(checkpoint.filepath)
    temporary.write_bytes(b"half a mod")  # what a kill in the middle of a save leaves

    checkpoint.on_epoch_end(0, {"val_accuracy": 0.5})  # the first epoch after the restart: no better

    assert (tmp_path / "best.keras").read_bytes() == b"the best model"
    assert not temporary.exists()
