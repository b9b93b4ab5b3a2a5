"""Measure the figures of notebooks 11 (train faster) and 12 (make it smaller), and print them as tables.

Usage, from the repository root: make benchmark   (or: .venv/bin/python -m benchmarks.faster_and_smaller)

Training speed: each of notebook 11's models trains for the same number of steps, REPEATS times,
interleaved, with notebook 11's measurement method (TrainingClock: the first step left out,
stalls flagged); the table gives the median images per second with the range, and the ratio to
the baseline measured in the same run, so that different machines and runs can be compared.
Size, accuracy and latency: the lesson and tiny models that notebooks 03 and 12 saved in models/
are converted to LiteRT again, in float and in int8, and measured with the interpreter on the
whole test set by notebook 12's method (interleaved passes; median and range of the time per image).

The code under test is the notebooks' own, from the series' shared module (notebooks/fmnist_series.py,
generated from the notebooks), so the benchmark measures what the notebooks define, not a copy. The
tables are printed and written to benchmarks/results.md, whose figures the README quotes.
"""

import functools
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from tools.project import FULL_RUN_MODELS_DIR, NOTEBOOKS_DIR  # noqa: E402

sys.path.insert(0, str(NOTEBOOKS_DIR))  # the series' shared module
import fmnist_series as series  # noqa: E402

BENCHMARK_RESULTS = Path(__file__).resolve().parent / "results.md"
TRAINING_STEPS = 200  # per run, batches of 128
REPEATS = 3  # runs of each variant, interleaved


def notebook_11_speeds(x_fit, y_fit):
    """{variant: [images per second of each repeat]}: notebook 11's models, timed by notebook 11's method."""
    builds = {
        "lesson CNN (baseline)": lambda: series.compiled(series.build_lesson_cnn()),
        "pool first": lambda: series.compiled(series.build_pool_first_cnn()),
        "pool first, batch norm": lambda: series.compiled(series.build_pool_first_cnn(batch_norm=True)),
        "lesson CNN, mixed_bfloat16": lambda: series.compiled(series.built_with_policy("mixed_bfloat16",
                                                                                       series.build_lesson_cnn)),
        "lesson CNN, jit_compile=True": lambda: series.compiled(series.build_lesson_cnn(), jit_compile=True),
    }

    def trained(name, seed):
        return series.timed_training(builds[name], x_fit, y_fit, seed=seed, steps=TRAINING_STEPS)

    runs = series.interleaved({name: functools.partial(trained, name) for name in builds}, REPEATS)
    return {name: [clock.images_per_second() for clock in clocks] for name, clocks in runs.items()}


def litert_figures(x_test, y_test, models_dir=FULL_RUN_MODELS_DIR):
    """(model, format) -> (parameters, file bytes, test accuracy, [ms per image of each pass]) for the models in models/."""
    paths = {"lesson": models_dir / "lesson_cnn.keras", "tiny": models_dir / "tiny_cnn.keras"}
    missing = [str(path) for path in paths.values() if not path.exists()]
    if missing:
        sys.exit(f"Missing {', '.join(missing)}: run notebooks 03 and 12 first (make series).")
    models = {name: keras.models.load_model(path) for name, path in paths.items()}
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        litert_paths = {}
        for model_name, model in models.items():
            for precision, options in [("float32", {}), ("int8", series.FULL_INTEGER)]:
                litert_paths[model_name, precision] = Path(folder) / f"{model_name}_{precision}.tflite"
                series.export_litert(model, litert_paths[model_name, precision], **options)
        litert_results = series.evaluate_litert(litert_paths, x_test, y_test)
        for model_name, model in models.items():
            _, accuracy = model.evaluate(x_test, y_test, verbose=0)
            figures[model_name, "Keras"] = (model.count_params(), paths[model_name].stat().st_size, accuracy, None)
            for precision in ["float32", "int8"]:
                accuracy, milliseconds = litert_results[model_name, precision]
                figures[model_name, f"LiteRT {precision}"] = (
                    model.count_params(), litert_paths[model_name, precision].stat().st_size, accuracy, milliseconds)
    return figures


def benchmark_report(speeds, figures):
    """The markdown tables of a run, headed by the date, the processor and the versions."""
    baseline = np.median(speeds["lesson CNN (baseline)"])
    lines = [
        f"## Benchmark, {date.today():%Y-%m-%d}: {series.processor_summary()}, "
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}",
        "",
        f"Training speed ({TRAINING_STEPS} steps of 128 images per run, the first step left out; "
        f"median and range of {REPEATS} interleaved runs), against the baseline of the same run:",
        "",
        "| variant | images/s | × baseline |",
        "|---|---:|---:|",
    ]
    for name, values in speeds.items():
        lines.append(f"| {name} | {series.median_and_range(values)} | {np.median(values) / baseline:.2f} |")
    lines += [
        "",
        "Size and accuracy on the 10,000 test images (LiteRT interpreter, one image at a time, one thread); "
        "time per image: median and range of the interleaved passes over them:",
        "",
        "| model | format | parameters | file KiB | test accuracy | ms/image |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for (model_name, kind), (parameters, size, accuracy, milliseconds) in figures.items():
        latency = series.median_and_range(milliseconds, "{:.3f}") if milliseconds else ""
        lines.append(f"| {model_name} | {kind} | {parameters:,} | {size / 1024:,.0f} | {accuracy:.4f} | {latency} |")
    return "\n".join(lines) + "\n"


def main():
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    x_train, x_test = x_train[..., np.newaxis], x_test[..., np.newaxis]
    (x_fit, y_fit), _ = series.split_for_validation(x_train, y_train)  # the images notebook 11 trains on
    speeds = notebook_11_speeds(x_fit, y_fit)
    figures = litert_figures(x_test, y_test)
    tables = benchmark_report(speeds, figures)
    print("\n" + tables)
    BENCHMARK_RESULTS.write_text(tables)
    print(f"Written to {BENCHMARK_RESULTS}")


if __name__ == "__main__":
    main()
