"""Notebook 17's recipe code in the shared module: the schedule, the CNN, its loss and its arithmetic."""

import numpy as np
import pytest

import fmnist_series as series

keras = series.keras


def test_the_one_cycle_rises_to_its_peak_then_falls_to_zero_at_the_last_step():
    schedule = series.LinearOneCycle(peak=0.01, steps=100, warmup=0.2)
    rates = np.array([float(schedule(step)) for step in range(100)])
    assert rates[19] == pytest.approx(0.01), "the peak at the end of the first fifth"
    assert np.all(np.diff(rates[:20]) > 0) and np.all(np.diff(rates[19:]) < 0), "up in a line, then down"
    assert rates[0] > 0, "the first step already learns"
    assert rates[-1] == pytest.approx(0.0, abs=1e-9) and rates.min() >= 0


def test_the_speedrun_cnn_gives_ten_float32_logits_with_the_counted_parameters():
    model = series.build_speedrun_cnn()
    assert model.output_shape == (None, 10)
    assert model.layers[-1].get_config()["activation"] == "linear", "logits: no softmax"
    # 3×3 convolutions without bias, each batch norm with 4 numbers per filter, then 3×3×64 → 10
    convolutions = 9 * 1 * 16 + 9 * 16 * 32 + 9 * 32 * 64
    assert model.count_params() == convolutions + 4 * (16 + 32 + 64) + 3 * 3 * 64 * 10 + 10
    bfloat16 = series.built_with_policy("mixed_bfloat16", series.build_speedrun_cnn)
    assert bfloat16.layers[0].compute_dtype == "bfloat16" and bfloat16.layers[-1].compute_dtype == "float32"


def test_training_flops_count_six_per_multiply_add():
    model = series.build_speedrun_cnn()
    multiply_adds = 9 * 16 * 28 * 28 + 9 * 16 * 32 * 14 * 14 + 9 * 32 * 64 * 7 * 7 + 576 * 10
    assert series.training_flops(model) == 6 * multiply_adds


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_the_recipes_loss_is_crossentropy_against_smoothed_labels(smoothing):
    recipe = {**series.START_RECIPE, "label_smoothing": smoothing, "one_cycle": True, "learning_rate": 0.01}
    model = series.compiled_speedrun_cnn(recipe, steps=50)
    logits = np.array([[2.0, 0.5, -1.0] + [0.0] * 7], dtype="float32")
    labels = np.array([0])
    targets = np.full(10, smoothing / 10)
    targets[0] += 1 - smoothing
    expected = -np.sum(targets * (logits[0] - np.log(np.sum(np.exp(logits[0])))))
    assert float(np.mean(model.loss(labels, logits))) == pytest.approx(expected, rel=1e-5)


def test_a_recipe_trains_and_reports_its_accuracy():
    (x_train, y_train), _ = series._fashion_mnist()
    recipe = {**series.START_RECIPE, "batch_size": 64}
    clock = series.timed_training(lambda: series.compiled_speedrun_cnn(recipe, steps=4), x_train[:256, ..., None],
                                  y_train[:256], seed=0, validation=(x_train[256:512, ..., None], y_train[256:512]),
                                  epochs=1, batch_size=64)
    assert len(clock.val_accuracy) == series.CHECKS_PER_EPOCH and 0 <= clock.val_accuracy[-1] <= 1
    assert clock.model.count_params() == series.build_speedrun_cnn().count_params()
