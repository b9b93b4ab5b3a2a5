"""Every exercise checked three ways: the blank answer, the solution, and the wrong answers that readers give."""

import math
import re
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

import fmnist_series
from fmnist_series import Verdict
from tools.project import notebook_path

CHECK_SECONDS = 2.0  # the most a reader waits for a check (with the solution's own code)
CAPSTONE_CHECK_SECONDS = 10.0  # a capstone's check predicts 12,000 images with the reader's own model

EXERCISES = [(notebook, index) for notebook in sorted(fmnist_series.EXERCISE_SETS)
             for index in range(1, len(fmnist_series.exercises(notebook)) + 1)]


@pytest.fixture
def context(tmp_path, monkeypatch):
    """What the notebooks hold where their exercises sit, small: data, a history, a model, predictions."""
    (x_train, y_train), (x_test, y_test) = fmnist_series._fashion_mnist()
    monkeypatch.setattr(fmnist_series, "MODELS_DIR", tmp_path)  # where the answers of notebook 05 save their copies
    h5_path = tmp_path / "lesson_cnn.h5"
    h5_path.write_bytes(b"0" * 3_000_000)
    predicted = y_test.copy()
    predicted[y_test == 6] = 0  # every Shirt taken for a T-shirt: the worst recall (Shirt), the worst precision (T-shirt)
    predicted[np.flatnonzero(y_test == 2)[:50]] = 6  # and 50 Pullovers for Shirts: the Shirt column differs from its row
    trained_model = fmnist_series.build_lesson_cnn()
    trained_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    trained_model.optimizer.build(trained_model.trainable_variables)
    trained_model.optimizer.iterations.assign(
        math.ceil(fmnist_series.TRAIN_IMAGES * 0.8 / 128) * fmnist_series.EPOCHS)  # as after notebook 03's training
    return {
        "np": np, "keras": fmnist_series.keras, "layers": fmnist_series.layers, "series": fmnist_series,
        "____": fmnist_series.____, "x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test,
        "H5_PATH": h5_path,
        "history": {"loss": [0.6, 0.35, 0.3, 0.25, 0.2, 0.1], "val_loss": [0.4, 0.3, 0.28, 0.3, 0.35, 0.4],
                    "accuracy": [0.8, 0.88, 0.9, 0.95, 0.97, 0.99], "val_accuracy": [0.86, 0.89, 0.895, 0.89, 0.91, 0.9]},
        "model": trained_model, "model_from_keras": trained_model, "predicted": predicted, "math": math,
        "final_tiny": fmnist_series.build_lesson_cnn(),
        "build_better_cnn": fmnist_series.build_better_cnn,
        "conv2d": fmnist_series.conv2d,
        "odd_photo_path": fmnist_series.odd_photo_for_exercise(tmp_path),
        "request_ms": {"LiteRT int8": [3.0, 3.5, 4.0], "LiteRT float32": [3.2, 3.6, 4.1], "Keras float32": [11.0, 12.0, 13.0]},
        "model_ms": {"LiteRT int8": [0.1, 0.15, 0.2], "LiteRT float32": [0.12, 0.16, 0.3], "Keras float32": [7.0, 8.0, 9.0]},
    }


CAPSTONES = {(6, 4), (12, 5)}  # trained-model challenges: their solutions train, on a quick run's images
# 12 epochs: the best validation accuracy of the first 10 (epoch 8) is neither the best of all (12), nor where validation
# loss is lowest (6), nor where training accuracy is highest (10)
LONG_HISTORY = {"val_accuracy": [0.86, 0.88, 0.89, 0.895, 0.9, 0.905, 0.89, 0.91, 0.9, 0.905, 0.92, 0.93],
                "val_loss": [0.4, 0.35, 0.31, 0.3, 0.28, 0.27, 0.3, 0.29, 0.32, 0.33, 0.34, 0.35],
                "accuracy": [0.8, 0.85, 0.88, 0.9, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.975, 0.98],
                "loss": [0.6, 0.4, 0.33, 0.28, 0.24, 0.2, 0.17, 0.15, 0.12, 0.1, 0.09, 0.08]}


def verdict_of(code, namespace, notebook, index):
    namespace[f"q{index}"] = fmnist_series.exercises(notebook)[index - 1]
    if (notebook, index) in CAPSTONES:  # the notebooks' arrays: quick mode's images, with the channel axis
        namespace["x_train"] = namespace["x_train"][:fmnist_series.TRAIN_IMAGES, ..., np.newaxis]
        namespace["y_train"] = namespace["y_train"][:fmnist_series.TRAIN_IMAGES]
    if notebook == 3:  # notebook 03 holds the History object that fit returned, of a training longer than 10 epochs
        steps = math.ceil(fmnist_series.TRAIN_IMAGES * 0.8 / 128)
        namespace["history"] = SimpleNamespace(history=LONG_HISTORY, params={"steps": steps},
                                               epoch=list(range(len(LONG_HISTORY["loss"]))))
    exec(f"{code}\nverdict = q{index}.verdict(globals())", namespace)
    assert isinstance(namespace["verdict"], Verdict)
    return namespace["verdict"]


def blank_answer(notebook, index):
    """The exercise's cell in its notebook, without its calls to check, hint and solution."""
    cell = next(cell for cell in nbformat.read(notebook_path(notebook), as_version=4).cells
                if cell.get("id") == f"exercise-{index}")
    return "\n".join(line for line in cell.source.splitlines() if not line.lstrip("# ").startswith(f"q{index}."))


def check_seconds(notebook, index):
    """The most a reader may wait for the check of exercise `index` of `notebook` (conftest.py times each check on
    its solution's answer, in the notebook's kernel)."""
    return CAPSTONE_CHECK_SECONDS if (notebook, index) in CAPSTONES else CHECK_SECONDS


@pytest.mark.parametrize(("notebook", "index"), EXERCISES)
def test_the_blank_is_not_attempted_and_the_solution_passes(notebook, index, context):
    assert verdict_of(blank_answer(notebook, index), dict(context), notebook, index).label == "Not attempted"
    exercise = fmnist_series.exercises(notebook)[index - 1]
    if (notebook, index) not in CAPSTONES:  # a capstone's solution trains: conftest.py runs it in its notebook's kernel
        verdict = verdict_of(exercise._solution, dict(context), notebook, index)
        assert verdict.label == "Correct", repr(verdict)
    assert len(exercise.hints) >= 2 and exercise.hint_verdict(9).label == "Hint" and exercise.solution_verdict().code


@pytest.mark.parametrize(("notebook", "index"), EXERCISES)
def test_typical_wrong_answers_are_explained(notebook, index, context):
    wrong_answers = fmnist_series.exercises(notebook)[index - 1].wrong_answers
    assert len(wrong_answers) >= 2
    for code, words in wrong_answers:
        verdict = verdict_of(code, dict(context), notebook, index)
        assert verdict.label == "Incorrect" and words in verdict.text, (code, repr(verdict))
        assert "Traceback" not in repr(verdict)


def test_every_notebook_has_at_least_three_exercises_and_the_series_fifty():
    counts = {notebook: len(fmnist_series.exercises(notebook)) for notebook in sorted(fmnist_series.EXERCISE_SETS)}
    assert min(counts.values()) >= 3 and sum(counts.values()) >= 50, counts


def test_check_hint_and_solution_show_their_verdict_once(context, capsys):
    """In a notebook, a cell's last value is shown too: check() returns nothing, so its verdict appears once."""
    exercise = fmnist_series.exercises(1)[0]
    namespace = {"q1": exercise, "black_pixels": int((fmnist_series._fashion_mnist()[0][0][0] == 0).sum())}
    exec("shown = [q1.check(), q1.hint(), q1.solution()]", namespace)
    assert namespace["shown"] == [None, None, None]
    printed = capsys.readouterr().out
    assert printed.count("Correct:") == 1 and printed.count("Hint:") == 1 and printed.count("Solution:") == 1, printed


def test_a_check_that_fails_inside_the_readers_code_reports_it_without_a_traceback(context):
    verdict = verdict_of("def best_epoch(history):\n    return history['no such key']", dict(context), 4, 2)
    assert verdict.label == "Incorrect" and "KeyError" in verdict.text


def test_the_readme_counts_the_exercises_of_each_notebook():
    readme = (notebook_path(1).parent.parent / "README.md").read_text()
    counts = [len(fmnist_series.exercises(notebook)) for notebook in sorted(fmnist_series.EXERCISE_SETS)]
    row = re.search(r"^\| exercises \|(.*)\|$", readme, re.M).group(1)
    assert [int(cell) for cell in row.split("|")] == counts
    assert int(re.search(r"(\d+)\s+in all", readme).group(1)) == sum(counts)


@pytest.mark.parametrize(("notebook", "index"), sorted(set(EXERCISES) - CAPSTONES))
def test_right_answers_written_another_way_are_correct(notebook, index, context):
    right_answers = fmnist_series.exercises(notebook)[index - 1].right_answers
    assert right_answers, "every exercise without a trained model has right answers in other forms"
    for code in right_answers:
        verdict = verdict_of(code, dict(context), notebook, index)
        assert verdict.label == "Correct", (code, repr(verdict))


@pytest.mark.parametrize(("notebook", "index"), [(notebook, index) for notebook, index in EXERCISES
                                                  if fmnist_series.exercises(notebook)[index - 1].needs])
def test_a_check_whose_notebook_variable_is_missing_names_the_cell_that_makes_it(notebook, index, context):
    """A skipped cell or a restarted kernel is the notebook's state, not the reader's answer: "Not ready"."""
    exercise = fmnist_series.exercises(notebook)[index - 1]
    for name, made_by in exercise.needs.items():
        verdict = exercise.verdict({key: value for key, value in context.items() if key != name})
        assert verdict.label == "Not ready" and f"`{name}`" in verdict.text and made_by in verdict.text, repr(verdict)


@pytest.mark.parametrize(("number", "expected", "right"), [
    (1.39, -np.log(0.25), True), (0.29, 0.2860, True), (0.3, 0.2860, False), (0.28, 0.2860, False),
    (1.4, -np.log(0.25), True), (1.3, -np.log(0.25), False), (1500, 1500, True), (1501, 1500, False),
    (0.0059, 0.005880, True), (0.0058, 0.005880, False), (np.float32(0.2860435), 0.28604351, True)])
def test_a_number_rounded_to_the_digits_written_agrees_and_a_nearby_one_does_not(number, expected, right):
    assert fmnist_series.agrees(float(number), expected) is right


@pytest.mark.parametrize("value", [np.float32(2.5), np.array(2.5), np.array([2.5]), 2.5, 5 / 2])
def test_any_scalar_a_reader_may_give_is_a_number(value):
    assert fmnist_series.as_number(value, "x") == 2.5
    assert fmnist_series.as_number(fmnist_series.keras.ops.convert_to_tensor(value), "x") == 2.5


@pytest.mark.parametrize(("value", "words"), [
    ("2.5", "without quotes"), (True, "one number"), ([1.0, 2.0], "a list"), (np.ones(3), "shape (3,)"), (None, "one number")])
def test_what_is_not_a_number_is_refused_saying_what_it_is(value, words):
    with pytest.raises(fmnist_series.Wrong, match=re.escape(words)):
        fmnist_series.as_number(value, "x")


@pytest.mark.parametrize(("said", "accepted", "right"), [
    ("the .keras format", ["keras"], True), ("keras.callbacks.BackupAndRestore", ["BackupAndRestore"], True),
    ("Weights only.", ["weights"], True), ("h5", ["keras"], False), ("backups", ["backup"], True),
    ("Pullovers", ["Pullover"], True), ("Photo Error", ["PhotoError"], True)])
def test_words_are_compared_by_what_they_say(said, accepted, right):
    assert fmnist_series.says(said, accepted) is right


def test_a_missing_notebook_variable_names_the_cell_to_run(context):
    namespace = dict(context)
    del namespace["history"]
    verdict = verdict_of("lowest_loss_epoch = 3", namespace, 4, 1)
    assert verdict.label == "Not ready" and "series.load_lesson_model()" in verdict.text, repr(verdict)
    assert "____" not in verdict.text


def test_an_answer_whose_cell_has_not_run_is_not_ready_not_blank(context):
    verdict = fmnist_series.exercises(1)[0].verdict(dict(context))
    assert verdict.label == "Not ready" and "black_pixels = ..." in verdict.text, repr(verdict)


def test_notebook_03_accepts_the_history_reloaded_after_a_restart(context):
    namespace = dict(context)  # history is the dictionary that series.load_lesson_model() returns
    exec("verdict = series.exercises(3)[2].verdict({**globals(), 'best_validation_epoch': "
         "int(np.argmax(history['val_accuracy'])) + 1})", namespace)
    assert namespace["verdict"].label == "Correct", repr(namespace["verdict"])
    steps = math.ceil(fmnist_series.TRAIN_IMAGES * 0.8 / 128) * len(context["history"]["loss"])
    assert fmnist_series.exercises(3)[1].verdict({**namespace, "total_steps": steps}).label == "Correct"


def test_the_stop_button_during_a_check_ends_in_one_sentence(context):
    verdict = verdict_of("def best_epoch(history):\n    raise KeyboardInterrupt", dict(context), 4, 2)
    assert verdict.label == "Stopped" and "Traceback" not in repr(verdict), repr(verdict)


def test_an_error_with_colour_codes_and_several_lines_is_one_plain_sentence(context):
    verdict = verdict_of("def best_epoch(history):\n    raise ValueError('\x1b[1mInput 0 is incompatible\x1b[0m\\n"
                         "  full details')", dict(context), 4, 2)
    assert verdict.text == "running your answer raised ValueError: Input 0 is incompatible", repr(verdict)


def test_a_missing_file_is_a_cell_to_run_not_a_wrong_answer(context):
    context["H5_PATH"].unlink()
    verdict = verdict_of("h5_megabytes = 2.9", dict(context), 5, 3)
    assert verdict.label == "Not ready" and "model.save(H5_PATH)" in verdict.text, repr(verdict)
    verdict = verdict_of("def best_epoch(history):\n    return len(open('no_such_history.json').read())", dict(context), 4, 2)
    assert verdict.label == "Not ready" and "no_such_history.json" in verdict.text, repr(verdict)


@pytest.mark.parametrize(("code", "words"), [
    ("reloaded = model_from_keras", "itself"),
    ("model_from_keras.save(series.MODELS_DIR / 'copy.h5')\nreloaded = keras.models.load_model(series.MODELS_DIR / 'copy.h5')",
     "Adam's state"),
    ("model_from_keras.save(series.MODELS_DIR / 'copy.keras')\n"
     "reloaded = keras.models.load_model(series.MODELS_DIR / 'copy.keras', compile=False)", "without an optimizer")])
def test_notebook_05_refuses_a_reload_that_is_not_a_faithful_keras_file(code, words, context):
    verdict = verdict_of(code, dict(context), 5, 1)
    assert verdict.label == "Incorrect" and words in verdict.text and "test images" not in verdict.text, repr(verdict)


class ValidationMemorizer(fmnist_series.keras.Model):
    """A 'model' that knows the label of every validation image, and guesses on any other image."""

    def __init__(self):
        super().__init__()
        self.scores = fmnist_series.layers.Dense(10)
        (x_train, y_train), _ = fmnist_series._fashion_mnist()
        self.known = {image.tobytes(): label for image, label in zip(x_train[48_000:], y_train[48_000:])}

    def call(self, images):
        return self.scores(fmnist_series.keras.ops.reshape(images, (-1, 784)))

    def predict(self, images, **options):
        labels = [self.known.get(image[..., 0].astype(np.uint8).tobytes(), 0) for image in images]
        return np.eye(10)[labels]


def test_a_capstone_refuses_a_model_that_learned_the_validation_images(context):
    memorizer = ValidationMemorizer()
    memorizer(np.zeros((1, 28, 28, 1)))
    for notebook, index, name in [(6, 4, "my_cnn"), (12, 5, "small_cnn")]:
        verdict = fmnist_series.exercises(notebook)[index - 1].verdict({name: memorizer})
        assert verdict.label == "Incorrect" and "trained on the validation images" in verdict.text, repr(verdict)


def test_a_capstones_advice_fits_the_model_it_sees(context):
    untrained = fmnist_series.build_lesson_cnn()  # it has Rescaling: the advice is to train it, not to add Rescaling
    verdict = fmnist_series.exercises(6)[3].verdict({"my_cnn": untrained})
    assert "not been trained" in verdict.text and "Rescaling" not in verdict.text, repr(verdict)
    unscaled = fmnist_series.keras.Sequential([fmnist_series.keras.Input((28, 28, 1)), fmnist_series.layers.Flatten(),
                                               fmnist_series.layers.Dense(10, activation="softmax")])
    unscaled.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    unscaled.optimizer.build(unscaled.trainable_variables)
    unscaled.optimizer.iterations.assign(100)  # as if trained, on images scaled to 0-1 outside the model
    unscaled.set_weights([np.zeros((784, 10)), np.zeros(10)])  # it answers class 0 for every image: chance
    verdict = fmnist_series.exercises(6)[3].verdict({"my_cnn": unscaled})
    assert "Rescaling" in verdict.text and "not been trained" not in verdict.text, repr(verdict)
