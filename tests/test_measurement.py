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


def test_speeds_gives_each_clock_its_own_speed_in_order():
    fast, slow = TrainingClock(batch_size=100), TrainingClock(batch_size=100)
    fast.step_seconds, slow.step_seconds = [9.0, 1.0, 1.0], [9.0, 2.0, 2.0]
    assert fmnist_series.speeds([fast, slow]) == pytest.approx([100.0, 50.0])
    assert fmnist_series.speeds([]) == []


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


def test_mean_interval_is_students_t_over_the_values():
    mean, half_width = fmnist_series.mean_interval([0.90, 0.92, 0.94])
    assert mean == pytest.approx(0.92) and half_width == pytest.approx(4.302653 * 0.02 / 3**0.5, rel=1e-5)
    assert fmnist_series.mean_interval([0.9]) == (0.9, float("inf"))


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


# Processors as /proc/cpuinfo names them, with the FMA units per core and their width that their makers document.
PROCESSORS = [
    ("AMD EPYC 7551 32-Core Processor", "AuthenticAMD", 23, 1, "Zen or Zen+", 2, 128),
    ("AMD Ryzen 7 2700X Eight-Core Processor", "AuthenticAMD", 23, 8, "Zen or Zen+", 2, 128),
    ("AMD EPYC 7B12", "AuthenticAMD", 23, 49, "Zen 2", 2, 256),
    ("AMD Ryzen 5 4600H with Radeon Graphics", "AuthenticAMD", 23, 96, "Zen 2", 2, 256),
    ("AMD EPYC 7B13", "AuthenticAMD", 25, 1, "Zen 3", 2, 256),
    ("AMD Ryzen 9 5950X 16-Core Processor", "AuthenticAMD", 25, 33, "Zen 3", 2, 256),
    ("AMD EPYC 9B14", "AuthenticAMD", 25, 17, "Zen 4", 2, 256),
    ("AMD Ryzen 9 7950X 16-Core Processor", "AuthenticAMD", 25, 97, "Zen 4", 2, 256),
    ("AMD Ryzen AI 9 HX 370 w/ Radeon 890M", "AuthenticAMD", 26, 36, "Zen 5, mobile", 2, 256),
    ("AMD Ryzen 5 AI 340 w/ Radeon 840M", "AuthenticAMD", 26, 96, "Zen 5, mobile", 2, 256),
    ("AMD EPYC 9B45", "AuthenticAMD", 26, 2, "Zen 5", 2, 512),
    ("AMD Ryzen 9 9950X 16-Core Processor", "AuthenticAMD", 26, 68, "Zen 5", 2, 512),
    ("Intel(R) Xeon(R) Gold 5122 CPU @ 3.60GHz", "GenuineIntel", 6, 85, "Skylake-SP to Cooper Lake", 2, 512),
    ("Intel(R) Xeon(R) Gold 5222 CPU @ 3.80GHz", "GenuineIntel", 6, 85, "Skylake-SP to Cooper Lake", 2, 512),
    ("Intel(R) Xeon(R) Bronze 3106 CPU @ 1.70GHz", "GenuineIntel", 6, 85, "Skylake-SP to Cooper Lake, one FMA unit", 1,
     512),
    ("Intel(R) Xeon(R) Silver 4114 CPU @ 2.20GHz", "GenuineIntel", 6, 85, "Skylake-SP to Cooper Lake, one FMA unit", 1,
     512),
    ("Intel(R) Xeon(R) Gold 5118 CPU @ 2.30GHz", "GenuineIntel", 6, 85, "Skylake-SP to Cooper Lake, one FMA unit", 1,
     512),
    ("Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz", "GenuineIntel", 6, 85, "Skylake-SP to Cooper Lake", 2, 512),
    ("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "GenuineIntel", 6, 106, "Ice Lake-SP", 2, 512),
    ("Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz", "GenuineIntel", 6, 143, "Sapphire Rapids to Granite Rapids", 2,
     512),
    ("Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", "GenuineIntel", 6, 140, "Ice Lake, Tiger Lake or Rocket Lake (client)", 1,
     512),
    ("Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz", "GenuineIntel", 6, 79, "Haswell to Raptor Lake (AVX2)", 2, 256),
    ("12th Gen Intel(R) Core(TM) i7-12700", "GenuineIntel", 6, 151, "Haswell to Raptor Lake (AVX2)", 2, 256),
]


def processor(name, vendor, family, model, cores=2, clock=2000.0):
    return {"model name": name, "vendor": vendor, "cpu family": family, "model": model, "physical cores": cores,
            "clock MHz": clock, "gpus": [], "flags": set()}


@pytest.mark.parametrize("name, vendor, family, model, microarchitecture, units, bits", PROCESSORS)
def test_each_processor_finds_its_fma_units_and_their_width(name, vendor, family, model, microarchitecture, units, bits):
    info = processor(name, vendor, family, model)
    assert fmnist_series.fma_units(info) == (microarchitecture, units, bits)
    peak, derivation = fmnist_series.float32_peak_gflops(info)
    assert peak == pytest.approx(2 * units * bits / 32 * 2 * 2000.0 / 1000)
    assert derivation.endswith(f"({bits}-bit vectors) × 2 FLOPs × 2,000 MHz = {peak:,.0f} GFLOP/s")


def test_every_row_of_the_fma_table_is_tested_by_a_processor():
    tested = {(microarchitecture, units, bits) for *_, microarchitecture, units, bits in PROCESSORS}
    assert {(name, units, bits) for name, *_, units, bits in fmnist_series.FMA_UNITS} == tested


def test_a_processor_outside_the_table_or_a_gpu_has_no_peak():
    peak, why = fmnist_series.float32_peak_gflops(processor("Some future processor", "GenuineIntel", 19, 1))
    assert peak is None and "not in FMA_UNITS" in why
    on_gpu = {**processor("AMD EPYC 7B12", "AuthenticAMD", 23, 49), "gpus": ["/physical_device:GPU:0"]}
    assert fmnist_series.float32_peak_gflops(on_gpu) == (None, "training runs on a GPU here, so the CPU's peak does not apply")


def test_the_peak_counts_physical_cores_fma_units_lanes_two_flops_and_the_clock():
    peak, derivation = fmnist_series.float32_peak_gflops(processor("AMD EPYC 9B14", "AuthenticAMD", 25, 17, 2, 2445.0))
    assert peak == pytest.approx(2 * 2 * 8 * 2 * 2.445)
    assert derivation == ("2 physical cores × 2 FMA units × 8 float32 lanes (256-bit vectors) × 2 FLOPs × 2,445 MHz "
                          "= 156 GFLOP/s")


ZEN_3 = {"avx2", "fma"}
ZEN_4 = {"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16"}
SAPPHIRE_RAPIDS = {"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16"}


def test_onednn_kernels_follow_the_processor_unless_tf_enable_onednn_opts_says_otherwise():
    assert [fmnist_series.onednn_setting(setting) for setting in ["1", " True", "0", "FALSE", "", None, "maybe"]] == \
        [True, True, False, False, None, None, None]
    assert not fmnist_series.onednn_kernels_on(ZEN_3, None)
    assert fmnist_series.onednn_kernels_on(ZEN_4, None) and fmnist_series.onednn_kernels_on({"avx2", "avx_vnni"}, None)
    assert not fmnist_series.onednn_kernels_on(ZEN_4, "0") and not fmnist_series.onednn_kernels_on(ZEN_4, " False ")
    assert fmnist_series.onednn_kernels_on(ZEN_3, "1") and fmnist_series.onednn_kernels_on(ZEN_3, "TRUE")
    assert fmnist_series.onednn_kernels_on(ZEN_4, "") and not fmnist_series.onednn_kernels_on(ZEN_3, "maybe"), \
        "a setting TensorFlow cannot read leaves its default"


@pytest.mark.parametrize("flags, setting, native", [
    (ZEN_3, None, []), (ZEN_3, "1", []), (ZEN_4, None, ["avx512_bf16"]), (ZEN_4, "0", []),
    (SAPPHIRE_RAPIDS, None, ["amx_bf16", "avx512_bf16"]), (SAPPHIRE_RAPIDS, "false", []),
])
def test_bfloat16_is_native_only_with_its_flags_and_onednn_kernels(monkeypatch, flags, setting, native):
    if setting is None:
        monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    else:
        monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", setting)
    assert fmnist_series.native_bfloat16({"flags": flags}) == native
