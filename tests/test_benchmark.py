"""The benchmark takes notebooks 11 and 12's code from the shared module; check that it still finds and runs it."""

import pytest

from benchmarks import faster_and_smaller


def test_every_training_variant_runs_and_is_timed(monkeypatch):
    keras = pytest.importorskip("keras")
    monkeypatch.setattr(faster_and_smaller, "TRAINING_STEPS", 3)
    monkeypatch.setattr(faster_and_smaller, "REPEATS", 2)
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    speeds = faster_and_smaller.notebook_11_speeds(x_train[:2048, ..., None], y_train[:2048])
    assert list(speeds) == ["lesson CNN (baseline)", "pool first", "pool first, batch norm",
                            "lesson CNN, mixed_bfloat16", "lesson CNN, jit_compile=True"]
    assert all(len(values) == 2 and min(values) > 0 for values in speeds.values()), "two timed repeats each"
    assert keras.mixed_precision.global_policy().name == "float32", "the bfloat16 policy is reset"


def test_the_report_gives_median_range_and_ratio():
    speeds = {"lesson CNN (baseline)": [1_000, 3_000, 2_000], "pool first": [4_000, 5_500, 4_500]}
    figures = {("lesson", "Keras"): (507_530, 6_144, 0.91234, None),
               ("lesson", "LiteRT int8"): (507_530, 1_024, 0.9, [0.3, 0.2, 0.25])}
    tables = faster_and_smaller.benchmark_report(speeds, figures)
    assert "| lesson CNN (baseline) | 2,000 (1,000–3,000) | 1.00 |" in tables
    assert "| pool first | 4,500 (4,000–5,500) | 2.25 |" in tables
    assert "| lesson | Keras | 507,530 | 6 | 0.9123 |  |" in tables
    assert "| lesson | LiteRT int8 | 507,530 | 1 | 0.9000 | 0.250 (0.200–0.300) |" in tables


def test_missing_models_say_what_to_run(tmp_path):
    with pytest.raises(SystemExit, match="run notebooks 03 and 12 first"):
        faster_and_smaller.litert_figures(None, None, tmp_path)
