"""Every exercise checked three ways: the blank answer, the solution, and the wrong answers that readers give."""

import math
import re
import time
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

import fmnist_series
from fmnist_series import Verdict
from tools.notebook_code import notebook_path

CHECK_SECONDS = 2.0  # the most a reader waits for a check (with the solution's own code)
CAPSTONE_CHECK_SECONDS = 10.0  # a capstone's check predicts 12,000 images with the reader's own model

# (notebook, exercise) -> wrong answers, each with words that its message must contain
WRONG_ANSWERS = {
    (1, 1): [("maximum_pixel = 1", "after scaling"), ("maximum_pixel = 256", "cannot exceed 255")],
    (1, 2): [("validation_counts = np.bincount(y_train[:12_000], minlength=10)", "first 12,000"),
             ("validation_counts = np.bincount(y_train, minlength=10)", "all 60,000"),
             ("validation_counts = [1, 2, 3]", "10 counts"), ("validation_counts = [1200] * 10", "not exactly")],
    (1, 3): [("mean_brightness = x_train.mean()", "0-255 scale"), ("mean_brightness = 72.9", "0-255 scale"),
             ("mean_brightness = x_test.mean() / 255", "test set")],
    (2, 1): [("conv_parameters = 3 * 3 * 32 * 64", "bias"), ("conv_parameters = 3 * 3 * 64 + 64", "1 input channel")],
    (2, 2): [("feature_model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3)])", "26×26"),
             ("feature_model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3, padding='same'),"
              " layers.MaxPooling2D(2)])", "14×14"),
             ("feature_model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3), layers.MaxPooling2D(2)])",
              "16 channels"),
             ("feature_model = 'a CNN'", "a Keras model")],
    (2, 3): [("unpooled_parameters = 507_530", "with its pooling layer"), ("unpooled_parameters = 24 * 24 * 64", "flattened")],
    (3, 1): [("error_name = 'TypeError'", "fit raises ValueError"), ("error_name = 'categorical_crossentropy'", "is a loss")],
    (3, 2): [("total_steps = series.EPOCHS", "number of epochs"),
             ("total_steps = math.ceil(series.TRAIN_IMAGES / 128) * series.EPOCHS", "keeps 20 % aside")],
    (3, 3): [("best_validation_epoch = int(np.argmax(history.history['val_accuracy']))", "counts from 0"),
             ("best_validation_epoch = int(np.argmin(history.history['val_loss'])) + 1", "validation loss is lowest")],
    (4, 1): [("lowest_loss_epoch = int(np.argmin(history['val_loss']))", "counts from 0"),
             ("lowest_loss_epoch = int(np.argmax(history['val_accuracy'])) + 1", "highest validation accuracy")],
    (4, 2): [("def best_epoch(history):\n    return int(np.argmin(history['val_loss']))", "from 0"),
             ("def best_epoch(history):\n    return int(np.argmin(history['loss'])) + 1", "training loss")],
    (4, 3): [("gaps = np.array(history['accuracy']) - np.array(history['val_accuracy'])\n"
              "epochs_past_5_points = int((gaps > 5).sum())", "0.05"),
             ("gaps = np.array(history['val_accuracy']) - np.array(history['accuracy'])\n"
              "epochs_past_5_points = int((gaps > 0.05).sum())", "not the reverse")],
    (5, 1): [("reloaded = model", "itself"), ("reloaded = series.build_lesson_cnn()", "differ"),
             ("reloaded = 'my_copy.keras'", "a Keras model")],
    (5, 2): [("resumable_format = 'h5'", "compile=False"), ("resumable_format = 'pickle'", "no weights")],
    (5, 3): [("h5_megabytes = series.H5_PATH.stat().st_size / 2**10", "KiB"),
             ("h5_megabytes = series.H5_PATH.stat().st_size", "bytes"),
             ("h5_megabytes = series.H5_PATH.stat().st_size / 1e6", "MiB")],
    (6, 1): [("def recall_per_class(confusion):\n    return np.diag(confusion) / confusion.sum(axis=0)", "precision"),
             ("def recall_per_class(confusion):\n    return np.diag(confusion).sum() / confusion.sum()", "one number per class")],
    (6, 2): [("def interval_half_width(p, n):\n    return np.sqrt(p * (1 - p) / n)", "1.96"),
             ("def interval_half_width(p, n):\n    return 1.96 * p * (1 - p) / n", "square root")],
    (6, 4): [("my_cnn = series.build_lesson_cnn()", "below the target"), ("my_cnn = 'my model'", "a Keras model")],
    (6, 3): [("worst_recalled_class = 2", "class name"), ("worst_recalled_class = 'Bag'", "lowest recall"),
             ("worst_recalled_class = 'T-shirt/top'", "lowest precision")],
    (7, 1): [("def conv2d_same(images, kernel, bias):\n    return conv2d(images, kernel, bias)", "7×7"),
             ("def conv2d_same(images, kernel, bias):\n"
              "    return conv2d(np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)), constant_values=1), kernel, bias)",
              "values differ")],
    (7, 2): [("pooled_size = 10", "stride 2"), ("pooled_size = 6", "stride were 3")],
    (7, 3): [("multiplications = 26 * 26 * 64 * 3 * 3 * 16", "24×24"), ("multiplications = 24 * 24 * 64 * 3 * 3", "16 input")],
    (8, 1): [("def stable_softmax(logits):\n    return np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)",
              "overflows"),
             ("def stable_softmax(logits):\n    return np.exp(logits - logits.max())", "sum to 1")],
    (8, 2): [("def bias_corrected(m, beta, step):\n    return m / (1 - beta)", "only step 1"),
             ("def bias_corrected(m, beta, step):\n    return m * (1 - beta**step)", "not multiply")],
    (8, 3): [("loss_at_a_quarter = -np.log10(0.25)", "natural log"), ("loss_at_a_quarter = 0.75", "1 - p")],
    (9, 1): [("learning_rate_512 = 0.004", "square root"), ("learning_rate_512 = 0.001", "unscaled")],
    (9, 2): [("steps_at_batch_32 = 60_000 // 32", "12,000 aside"), ("steps_at_batch_32 = 375", "four times")],
    (9, 3): [("def stopping_epoch(val_losses, patience):\n    return int(np.argmin(val_losses)) + 1", "the best epoch"),
             ("def stopping_epoch(val_losses, patience):\n    return len(val_losses)", "stops after epoch")],
    (10, 1): [("def beyond_noise(fixed, broken):\n    return fixed > broken", "any difference"),
              ("def beyond_noise(fixed, broken):\n    return abs(fixed - broken) > 1.96 * (fixed + broken)", "1.96 √")],
    (10, 2): [("better_parameters = 507_530", "lesson CNN"), ("better_parameters = 1", "not it")],
    (10, 3): [("fraction_per_step = 0.05", "multiplies weight_decay"), ("fraction_per_step = 0.002", "learning rate alone")],
    (11, 1): [("conv_multiply_adds = 3 * 3 * 16 * 64 * 12 * 12", "10×10"),
              ("conv_multiply_adds = 3 * 3 * 64 * 10 * 10", "16 input")],
    (11, 2): [("output_side = 13", "loses one pixel"), ("output_side = 24", "without pooling")],
    (11, 3): [("def median_speedup(baseline, variant):\n    return float(np.mean(variant) / np.mean(baseline))", "means"),
              ("def median_speedup(baseline, variant):\n    return float(np.median(baseline) / np.median(variant))",
               "variant over baseline")],
    (11, 4): [("epoch_seconds = 60_000 / 3_000", "all 60,000"), ("epoch_seconds = 375 / 3_000", "divides the steps")],
    (12, 1): [("int8_weight_bytes = 4 * final_tiny.count_params()", "float32"),
              ("int8_weight_bytes = final_tiny.count_params() / 8", "8 bits")],
    (12, 2): [("head_parameters = 640", "bias"), ("head_parameters = 7 * 7 * 64 * 10 + 10", "Flatten")],
    (12, 3): [("stored_int8 = 6", "zero point"), ("stored_int8 = -16", "do not multiply")],
    (12, 4): [("quantized_in_dynamic_range = 'activations'", "leaves the activations in float"),
              ("quantized_in_dynamic_range = 'both'", "full int8")],
    (13, 1): [("epochs_kept = 5", "not finished"), ("epochs_kept = 0", "survives")],
    (13, 2): [("steps_lost = 1_050", "since the last backup"), ("steps_lost = 300", "not at the end of each epoch")],
    (13, 3): [("file_to_resume_from = 'best'", "best epoch"), ("file_to_resume_from = 'csv'", "no weights")],
    (13, 4): [("first_epoch_after_restart = 4", "only the log row is missing"),
              ("first_epoch_after_restart = 1", "nothing starts over")],
    (14, 1): [("odd_input = series.photo_to_model_input(odd_photo_path)[..., 0]", "(28, 28, 1)"),
              ("odd_input = 255 - series.photo_to_model_input(odd_photo_path)", "negative")],
    (14, 2): [("error_for_an_empty_file = 'ValueError'", "its own class"), ("error_for_an_empty_file = 'KeyError'", "not it")],
    (14, 3): [("image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / 'ankle_boot_rotated.jpg')\n"
               "background_share = 100 * float((image == 0).mean())", "percentage"),
              ("image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / 'ankle_boot_rotated.jpg')\n"
               "background_share = float((image > 0).mean())", "garment pixels")],
    (12, 5): [("small_cnn = series.build_lesson_cnn()", "at most 20,000"),
              ("small_cnn = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10)])",
               "below the target")],
    (14, 4): [("clockwise_degrees = 270", "counter-clockwise"), ("clockwise_degrees = 180", "upside-down")],
    (15, 1): [("ece_by_hand = 0.4", "largest gap"), ("ece_by_hand = 0.1", "1/2")],
    (15, 2): [("def threshold_at_95(in_scores):\n    return float(np.quantile(in_scores, 0.05))", "only 5 %"),
              ("def threshold_at_95(in_scores):\n    return float(np.max(in_scores))", "95th percentile")],
    (15, 3): [("probabilities_at_t2 = series.softmax(np.array([2.0, 0.0]) * 2)", "multiplied"),
              ("probabilities_at_t2 = series.softmax(np.array([2.0, 0.0]))", "T = 1")],
    (15, 4): [("nll_by_hand = -(np.log10(0.5) + np.log10(0.25)) / 2", "natural log"),
              ("nll_by_hand = -(np.log(0.5) + np.log(0.25))", "the sum")],
    (16, 1): [("from scipy.special import logsumexp\n\n\ndef energy_score(logits):\n    return logsumexp(logits, axis=1)",
               "mind the sign"),
              ("def energy_score(logits):\n    return -logits.max(axis=1)", "largest logit"),
              ("def energy_score(logits):\n    return -series.softmax(logits).max(axis=1)", "softmax probability")],
    (16, 2): [("keras_over_int8 = np.median(request_ms['LiteRT int8']) / np.median(request_ms['Keras float32'])",
               "divide Keras"),
              ("keras_over_int8 = np.median(model_ms['Keras float32']) / np.median(model_ms['LiteRT int8'])", "model alone"),
              ("keras_over_int8 = 3.29", "your own run")],
    (16, 3): [("logit_from_int8 = 30 * 0.25", "zero point"), ("logit_from_int8 = (30 + (-10)) * 0.25", "subtracted"),
              ("logit_from_int8 = 30 / 0.25 + (-10)", "going back")],
    (16, 4): [("def top_three(probabilities):\n    top = np.argsort(probabilities)[:3]\n"
               "    return {series.CLASS_NAMES[i]: float(probabilities[i]) for i in top}", "three most probable"),
              ("def top_three(probabilities):\n    top = np.argsort(probabilities)[::-1][:3]\n"
               "    return {int(i): float(probabilities[i]) for i in top}", "class numbers"),
              ("def top_three(probabilities):\n    top = np.argsort(probabilities)[-3:]\n"
               "    return {series.CLASS_NAMES[i]: float(probabilities[i]) for i in top}", "most probable first")],
    (17, 1): [("gflops = 2 * 2_000_000 * 3_000 / 1e9", "forward pass alone"), ("gflops = 6 * 2_000_000 * 3_000", "billion")],
    (17, 2): [("times_notebook_10 = 250 / 4_000", "how many times faster"), ("times_notebook_10 = 4_000 - 250", "ratio")],
    (17, 3): [("def is_record(test_accuracies, target):\n    return min(test_accuracies) >= target", "not every run"),
              ("def is_record(test_accuracies, target):\n    return max(test_accuracies) >= target", "one run reaches"),
              ("def is_record(test_accuracies, target):\n    return np.mean(test_accuracies) >= target", "5 seeds")],
}
EXERCISES = [(notebook, index) for notebook in sorted(fmnist_series._EXERCISES)
             for index in range(1, len(fmnist_series._EXERCISES[notebook]()) + 1)]


@pytest.fixture
def context(tmp_path, monkeypatch):
    """What the notebooks hold where their exercises sit, small: data, a history, a model, predictions."""
    (x_train, y_train), (x_test, y_test) = fmnist_series._fashion_mnist()
    monkeypatch.setattr(fmnist_series, "MODELS_DIR", tmp_path)
    h5_path = tmp_path / "lesson_cnn.h5"
    h5_path.write_bytes(b"0" * 3_000_000)
    monkeypatch.setattr(fmnist_series, "H5_PATH", h5_path)
    predicted = y_test.copy()
    predicted[y_test == 6] = 0  # every Shirt taken for a T-shirt: the worst recall (Shirt), the worst precision (T-shirt)
    trained_model = fmnist_series.build_lesson_cnn()
    trained_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    trained_model.optimizer.build(trained_model.trainable_variables)
    trained_model.optimizer.iterations.assign(
        math.ceil(fmnist_series.TRAIN_IMAGES * 0.8 / 128) * fmnist_series.EPOCHS)  # as after notebook 03's training
    return {
        "np": np, "keras": fmnist_series.keras, "layers": fmnist_series.layers, "series": fmnist_series,
        "____": fmnist_series.____, "x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test,
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


def verdict_of(code, namespace, notebook, index):
    namespace[f"q{index}"] = fmnist_series.exercises(notebook)[index - 1]
    if (notebook, index) in CAPSTONES:  # the notebooks' arrays: quick mode's images, with the channel axis
        namespace["x_train"] = namespace["x_train"][:fmnist_series.TRAIN_IMAGES, ..., np.newaxis]
        namespace["y_train"] = namespace["y_train"][:fmnist_series.TRAIN_IMAGES]
    if notebook == 3:  # notebook 03 holds the History object that fit returned, not its dictionary
        steps = math.ceil(fmnist_series.TRAIN_IMAGES * 0.8 / 128)
        namespace["history"] = SimpleNamespace(history=namespace["history"], params={"steps": steps},
                                               epoch=list(range(fmnist_series.EPOCHS)))
    exec(f"{code}\nverdict = q{index}.verdict(globals())", namespace)
    assert isinstance(namespace["verdict"], Verdict)
    return namespace["verdict"]


def blank_answer(notebook, index):
    """The exercise's cell in its notebook, without its calls to check, hint and solution."""
    cell = next(cell for cell in nbformat.read(notebook_path(notebook), as_version=4).cells
                if cell.get("id") == f"exercise-{index}")
    return "\n".join(line for line in cell.source.splitlines() if not line.lstrip("# ").startswith(f"q{index}."))


@pytest.mark.parametrize(("notebook", "index"), EXERCISES)
def test_the_blank_is_not_attempted_and_the_solution_passes(notebook, index, context):
    assert verdict_of(blank_answer(notebook, index), dict(context), notebook, index).label == "Not attempted"
    exercise = fmnist_series.exercises(notebook)[index - 1]
    namespace = dict(context)
    verdict = verdict_of(exercise._solution, namespace, notebook, index)
    assert verdict.label == "Correct", repr(verdict)
    started = time.perf_counter()
    exercise.verdict(namespace)  # the check alone, on the solution's answer
    limit = CAPSTONE_CHECK_SECONDS if (notebook, index) in CAPSTONES else CHECK_SECONDS
    assert time.perf_counter() - started <= limit, f"this check takes at most {limit:g} s"
    assert len(exercise.hints) >= 2 and exercise.hint_verdict(9).label == "Hint" and exercise.solution_verdict().code


@pytest.mark.parametrize(("notebook", "index"), EXERCISES)
def test_typical_wrong_answers_are_explained(notebook, index, context):
    wrong_answers = WRONG_ANSWERS[(notebook, index)]
    assert len(wrong_answers) >= 2
    for code, words in wrong_answers:
        verdict = verdict_of(code, dict(context), notebook, index)
        assert verdict.label == "Incorrect" and words in verdict.text, (code, repr(verdict))
        assert "Traceback" not in repr(verdict)


def test_every_notebook_has_at_least_three_exercises_and_the_series_fifty():
    counts = {notebook: len(fmnist_series.exercises(notebook)) for notebook in sorted(fmnist_series._EXERCISES)}
    assert min(counts.values()) >= 3 and sum(counts.values()) >= 50, counts


def test_check_hint_and_solution_show_their_verdict_once(context, capsys):
    """In a notebook, a cell's last value is shown too: check() returns nothing, so its verdict appears once."""
    exercise = fmnist_series.exercises(1)[0]
    namespace = {"q1": exercise, "maximum_pixel": 255}
    exec("shown = [q1.check(), q1.hint(), q1.solution()]", namespace)
    assert namespace["shown"] == [None, None, None]
    printed = capsys.readouterr().out
    assert printed.count("Correct:") == 1 and printed.count("Hint:") == 1 and printed.count("Solution:") == 1, printed


def test_a_check_that_fails_inside_the_readers_code_reports_it_without_a_traceback(context):
    verdict = verdict_of("def best_epoch(history):\n    return history['no such key']", dict(context), 4, 2)
    assert verdict.label == "Incorrect" and "KeyError" in verdict.text


def test_the_readme_counts_the_exercises_of_each_notebook():
    readme = (notebook_path(1).parent.parent / "README.md").read_text()
    counts = [len(fmnist_series.exercises(notebook)) for notebook in sorted(fmnist_series._EXERCISES)]
    row = re.search(r"^\| exercises \|(.*)\|$", readme, re.M).group(1)
    assert [int(cell) for cell in row.split("|")] == counts
    assert int(re.search(r"(\d+)\s+in all", readme).group(1)) == sum(counts)
