"""The measurement method of notebooks 09-11 and the benchmark, in the shared module."""

import numpy as np
import pytest

import fmnist_series

keras = pytest.importorskip("keras")
MEASURE = vars(fmnist_series)
TrainingClock = fmnist_series.TrainingClock


def test_speed_leaves_out_the_first_step():
    clock = TrainingClock(batch_size=128)
    clock.step_seconds = [30.0, 1.0, 1.0, 2.0]  # the first step traces the graph
    assert clock.images_per_second() == pytest.approx(3 * 128 / 4.0)


def test_a_slow_stretch_is_flagged_as_a_stall_with_its_first_step():
    window = MEASURE["STALL_WINDOW"]
    clock = TrainingClock(batch_size=128)
    clock.step_seconds = [30.0] + [0.1] * (5 * window)
    clock.step_seconds[1 + 2 * window : 1 + 3 * window] = [0.2] * window  # the third stretch, twice as slow
    assert clock.stalls() == [(2 + 2 * window, pytest.approx(2.0))]
    clock.step_seconds[1 + 2 * window : 1 + 3 * window] = [0.1 * MEASURE["STALL_FACTOR"]] * window
    assert clock.stalls() == [], "exactly STALL_FACTOR times the median is not yet a stall"
    clock.step_seconds = clock.step_seconds[: window // 2]
    assert clock.stalls() == [], "too few steps for one stretch"


def test_targets_record_the_training_time_of_the_first_check_that_reaches_them():
    class Model:
        stop_training = False

    clock = TrainingClock(batch_size=128, targets=(0.90, 0.91), stop_at=0.91)
    clock.set_model(Model())
    for seconds, accuracy in [(2.0, 0.85), (3.0, 0.905), (4.0, 0.89), (5.0, 0.912)]:
        clock.step_seconds.append(seconds)
        clock.on_epoch_end(0, {"val_accuracy": accuracy})
        assert clock.model.stop_training == (accuracy >= 0.91)
    assert clock.check_seconds == [2.0, 5.0, 9.0, 14.0]
    assert clock.seconds_to == {0.90: 5.0, 0.91: 14.0}
    clock.on_epoch_end(1, {"loss": 0.3})  # an epoch without a check changes nothing
    assert len(clock.val_accuracy) == 4


def test_repeats_are_interleaved_in_alternate_orders_and_seeded_alike(capsys):
    calls = []

    def variant(name):
        def run(seed):
            calls.append((name, seed))
            clock = TrainingClock(batch_size=1)
            clock.step_seconds = [1.0, 1.0] if (name, seed) == ("B", 2) else [1.0, 0.5]  # B's last run: slow
            return clock

        return run

    runs = MEASURE["interleaved"]({"A": variant("A"), "B": variant("B")}, repeats=3)
    assert calls == [("A", 0), ("B", 0), ("B", 1), ("A", 1), ("A", 2), ("B", 2)]
    assert {name: len(clocks) for name, clocks in runs.items()} == {"A": 3, "B": 3}
    printed = capsys.readouterr().out
    assert "repeat 3/3, B: 1 images/s" in printed
    assert "B, repeat 3 (2.0× slower than its median)" in printed  # a stall across runs


def test_paired_difference_compares_seed_with_seed():
    mean, half_width, beyond_noise = MEASURE["paired_difference"]([0.91, 0.92, 0.93], [0.90, 0.91, 0.92])
    assert round(mean, 6) == 0.01 and half_width < 1e-9 and beyond_noise  # the same gain on every seed
    mean, half_width, beyond_noise = MEASURE["paired_difference"]([0.91, 0.89, 0.93], [0.90, 0.90, 0.90])
    assert round(mean, 6) == 0.01 and half_width > abs(mean) and not beyond_noise  # seeds disagree: noise
    # 4.303 = Student's t for 95 % with 2 degrees of freedom
    assert abs(half_width - 4.303 * np.std([0.01, -0.01, 0.03], ddof=1) / 3**0.5) < 1e-3


def test_slow_epochs_are_flagged_against_the_median():
    assert MEASURE["slow"]([10, 10, 11, 20, 10]) == [(3, 2.0)]
    assert MEASURE["slow"]([10, 20]) == []  # too few to have a median worth the name


def test_median_and_range():
    assert MEASURE["median_and_range"]([3_000, 1_000, 2_500]) == "2,500 (1,000–3,000)"
    assert MEASURE["median_and_range"]([0.91, 0.9, 0.92], "{:.2f}") == "0.91 (0.90–0.92)"


def test_one_data_order_per_seed():
    x, y = np.arange(64).reshape(64, 1), np.arange(64)
    first_batch = {seed: next(iter(MEASURE["training_batches"](x, y, 16, seed)))[1].numpy() for seed in (0, 1)}
    again = next(iter(MEASURE["training_batches"](x, y, 16, 0)))[1].numpy()
    assert np.array_equal(first_batch[0], again)
    assert not np.array_equal(first_batch[0], first_batch[1])


def test_a_timed_training_checks_every_quarter_epoch():
    from keras import layers

    def build():
        model = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(256, 4)).astype("float32"), rng.integers(0, 3, 256)
    clock = MEASURE["timed_training"](build, x, y, seed=0, validation=(x[:64], y[:64]), epochs=2, batch_size=32)
    checks = MEASURE["CHECKS_PER_EPOCH"]
    assert len(clock.val_accuracy) == 2 * checks
    assert len(clock.step_seconds) == 2 * checks * int(np.ceil(256 / 32 / checks))
    speed_only = MEASURE["timed_training"](build, x, y, seed=0, steps=5, batch_size=32)
    assert len(speed_only.step_seconds) == 5 and speed_only.val_accuracy == []
