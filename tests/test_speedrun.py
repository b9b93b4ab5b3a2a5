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


def layer_kinds(model):
    return [type(layer).__name__ for layer in model.layers]


def test_pooling_first_moves_the_pooling_before_batch_norm_with_the_same_parameters():
    pool_first = series.build_speedrun_cnn(block="conv-pool-bn-relu")
    assert layer_kinds(pool_first)[1:5] == ["Conv2D", "MaxPooling2D", "BatchNormalization", "ReLU"]
    assert layer_kinds(series.build_speedrun_cnn())[1:5] == ["Conv2D", "BatchNormalization", "ReLU", "MaxPooling2D"]
    assert pool_first.count_params() == series.build_speedrun_cnn().count_params()
    assert pool_first.output_shape == (None, 10)


def test_a_stride_2_stem_replaces_the_first_pooling_and_keeps_the_map_sizes():
    model = series.build_speedrun_cnn(stem_stride=2)
    assert layer_kinds(model).count("MaxPooling2D") == 2
    assert model.layers[1].output.shape[1:3] == (14, 14)
    assert model.count_params() == series.build_speedrun_cnn().count_params()


def test_a_global_average_head_feeds_one_number_per_map_to_the_logits():
    model = series.build_speedrun_cnn(widths=(16, 32, 128), head="global average")
    assert model.layers[-1].kernel.shape == (128, 10)


def test_augmentation_layers_change_images_in_training_only():
    model = series.build_speedrun_cnn(flip_and_shift=True, erasing=True)
    kinds = layer_kinds(model)
    assert {"RandomFlip", "RandomTranslation", "RandomErasing"} <= set(kinds)
    images = np.random.default_rng(0).integers(0, 256, (4, 28, 28, 1)).astype("float32")
    assert np.allclose(model(images, training=False), model(images, training=False)), "no randomness at inference"


def test_training_flops_count_six_per_multiply_add():
    model = series.build_speedrun_cnn()
    multiply_adds = 9 * 16 * 28 * 28 + 9 * 16 * 32 * 14 * 14 + 9 * 32 * 64 * 7 * 7 + 576 * 10
    assert series.training_flops(model) == 6 * multiply_adds


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_the_recipes_loss_is_crossentropy_against_smoothed_labels(smoothing):
    model = series.compiled_speedrun_cnn({**series.START_RECIPE, "label_smoothing": smoothing}, steps=50)
    logits = np.array([[2.0, 0.5, -1.0] + [0.0] * 7], dtype="float32")
    labels = np.array([0])
    targets = np.full(10, smoothing / 10)
    targets[0] += 1 - smoothing
    expected = -np.sum(targets * (logits[0] - np.log(np.sum(np.exp(logits[0])))))
    assert float(np.mean(model.loss(labels, logits))) == pytest.approx(expected, rel=1e-5)


def test_the_data_as_one_tensor_gives_every_image_once_per_pass_in_a_seeded_order():
    x = np.arange(10, dtype="uint8").reshape(10, 1, 1, 1)
    y = np.arange(10, dtype="uint8")
    batches = list(series.gathered_batches(x, y, batch_size=5, seed=3).take(4).as_numpy_iterator())
    first_pass, second_pass = (np.concatenate([images for images, _ in batches[i : i + 2]]).ravel() for i in (0, 2))
    assert sorted(first_pass) == list(range(10)) and sorted(second_pass) == list(range(10))
    assert list(first_pass) != list(second_pass), "a new order each pass"
    assert all(np.array_equal(images.ravel(), labels) for images, labels in batches), "images and labels stay paired"
    again = list(series.gathered_batches(x, y, batch_size=5, seed=3).take(4).as_numpy_iterator())
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(batches, again)), "the same order for the same seed"


def test_batch_norm_statistics_are_recomputed_as_the_mean_over_the_batches():
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.BatchNormalization(momentum=0.9)])
    images = np.random.default_rng(0).normal(3.0, 2.0, (40, 2))
    series.recompute_batch_norm_statistics(model, images, batch_size=10, batches=3)
    norm = model.layers[0]
    batches = images[:30].reshape(3, 10, 2)
    assert np.allclose(norm.moving_mean.numpy(), batches.mean(axis=1).mean(axis=0), atol=1e-5)
    assert np.allclose(norm.moving_variance.numpy(), batches.var(axis=1).mean(axis=0), atol=1e-4)
    assert norm.momentum == 0.9, "the layer's momentum is restored"


def shifted(images, rows, columns):
    """`images` moved by `rows` down and `columns` right, the pixels moved in from outside black."""
    moved = np.roll(images, (rows, columns), axis=(1, 2))
    if rows:
        moved[:, 0 if rows > 0 else -1] = 0
    if columns:
        moved[:, :, 0 if columns > 0 else -1] = 0
    return moved


def test_test_time_augmentation_averages_the_probabilities_of_six_views():
    keras.utils.set_random_seed(0)
    model = series.build_speedrun_cnn()
    images = np.random.default_rng(1).integers(0, 256, (3, 28, 28, 1)).astype("uint8")
    plain = series.speedrun_probabilities(model, images)
    assert plain.shape == (3, 10) and np.allclose(plain.sum(axis=1), 1, atol=1e-5)
    views = [images, images[:, :, ::-1]] + [shifted(images, rows, columns)
                                            for rows, columns in [(1, 0), (-1, 0), (0, 1), (0, -1)]]
    expected = np.mean([series.speedrun_probabilities(model, view) for view in views], axis=0)
    assert np.allclose(series.speedrun_probabilities(model, images, test_time_augmentation=True), expected, atol=1e-6)


def test_a_recipe_trains_with_steps_per_execution_and_reports_images_per_call():
    (x_train, y_train), _ = series._fashion_mnist()
    recipe = {**series.START_RECIPE, "batch_size": 64, "steps_per_execution": 2, "data": "one tensor"}
    clock = series.timed_training(lambda: series.compiled_speedrun_cnn(recipe, steps=6), x_train[:256, ..., None],
                                  y_train[:256], seed=0, steps=6, batch_size=64, batches=series.gathered_batches)
    assert len(clock.step_seconds) == 3 and clock.images_per_call == 128
    assert int(clock.model.optimizer.iterations) == 6


def test_a_recipe_trains_and_reports_its_accuracy():
    (x_train, y_train), _ = series._fashion_mnist()
    recipe = {**series.START_RECIPE, "batch_size": 64}
    clock = series.timed_training(lambda: series.compiled_speedrun_cnn(recipe, steps=4), x_train[:256, ..., None],
                                  y_train[:256], seed=0, validation=(x_train[256:512, ..., None], y_train[256:512]),
                                  epochs=1, batch_size=64)
    assert len(clock.val_accuracy) == series.CHECKS_PER_EPOCH and 0 <= clock.val_accuracy[-1] <= 1
    assert clock.model.count_params() == series.build_speedrun_cnn().count_params()
