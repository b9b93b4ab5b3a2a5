"""The benchmark takes its code from notebooks 11 and 12; check that it still finds and runs it."""

import pytest

from benchmarks import faster_and_smaller


def test_every_training_variant_runs_and_is_timed(monkeypatch):
    keras = pytest.importorskip("keras")
    monkeypatch.setattr(faster_and_smaller, "TRAINING_BATCHES", 8)
    monkeypatch.setattr(faster_and_smaller, "SLOW_VARIANT_BATCHES", 2)
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    speeds = faster_and_smaller.training_speeds(x_train[:2048, ..., None], y_train[:2048])
    assert list(speeds) == ["baseline: fit on NumPy arrays", "tf.data pipeline", "batch 512, learning rate 0.002",
                            "XLA: jit_compile=True", "mixed_bfloat16"]
    assert all(speed > 0 for speed in speeds.values())
    assert keras.mixed_precision.global_policy().name == "float32", "the bfloat16 policy is reset"


def test_missing_models_say_what_to_run(monkeypatch, tmp_path):
    monkeypatch.setattr(faster_and_smaller, "MODELS_DIR", tmp_path)
    with pytest.raises(SystemExit, match="run notebooks 03 and 12 first"):
        faster_and_smaller.litert_figures(None, None, None)
