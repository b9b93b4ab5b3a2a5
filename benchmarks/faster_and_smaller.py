"""Measure the figures of notebooks 11 (train faster) and 12 (make it smaller), and print them as a table.

Usage, from the repository root: make benchmark   (or: .venv/bin/python -m benchmarks.faster_and_smaller)

Training speed: each variant of notebook 11 trains the lesson CNN for the same number of batches,
and its speed is given as a ratio to the baseline measured in the same run, so that the figures
of different machines and runs can be compared. Size and accuracy: the lesson and tiny models
that notebooks 03 and 12 saved in models/ are converted to LiteRT again, in float and in int8,
and measured with the interpreter on the whole test set.

The code under test comes from the notebooks themselves (tools/notebook_code.py), so the
benchmark measures what the notebooks define, not a copy that could drift away from them.
"""

import os
import platform
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from tools.notebook_code import load_definitions, notebook_path  # noqa: E402

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"
TRAINING_BATCHES = 100  # per variant; the slow ones (bfloat16 and XLA on a CPU without native support) get a quarter
SLOW_VARIANT_BATCHES = TRAINING_BATCHES // 4


def processor():
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        if names:
            return f"{names[0]}, {len(names)} logical cores"
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical cores"


def training_speeds(x_fit, y_fit):
    """Images per second of each training variant of notebook 11, over the same number of batches."""
    faster = load_definitions(notebook_path(11), "QUICK", "FAST_EPOCHS", "build_lesson_cnn", "SpeedLog",
                              "train_lesson_cnn", "pipeline")
    train, pipeline = faster["train_lesson_cnn"], faster["pipeline"]
    images = TRAINING_BATCHES * 128
    train_128 = pipeline(x_fit, y_fit, 128, shuffle=True)
    speeds = {
        "baseline: fit on NumPy arrays": train((x_fit[:images], y_fit[:images]), epochs=1),
        "tf.data pipeline": train(train_128.take(TRAINING_BATCHES), epochs=1),
        "batch 512, learning rate 0.002": train(pipeline(x_fit, y_fit, 512, shuffle=True).take(TRAINING_BATCHES // 4),
                                                batch_size=512, learning_rate=0.002, epochs=1),
        "XLA: jit_compile=True": train(train_128.take(SLOW_VARIANT_BATCHES), epochs=1, jit_compile=True),
    }
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        speeds["mixed_bfloat16"] = train(train_128.take(SLOW_VARIANT_BATCHES), epochs=1)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    return {name: speed.images_per_second() for name, speed in speeds.items()}


def litert_figures(x_train, x_test, y_test):
    """(model, format) -> (parameters, file bytes, test accuracy, ms per image) for the models in models/."""
    paths = {"lesson": MODELS_DIR / "lesson_cnn.keras", "tiny": MODELS_DIR / "tiny_cnn.keras"}
    missing = [str(path) for path in paths.values() if not path.exists()]
    if missing:
        sys.exit(f"Missing {', '.join(missing)}: run notebooks 03 and 12 first (make series).")
    smaller = load_definitions(notebook_path(12), "save_atomically", "representative_images", "FULL_INTEGER",
                               "KERAS_EXPORTS_LITERT", "convert_through_saved_model", "export_litert", "evaluate_litert")
    smaller["x_train"] = x_train  # representative_images calibrates on training images, as in the notebook
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for model_name, path in paths.items():
            model = keras.models.load_model(path)
            _, accuracy = model.evaluate(x_test, y_test, verbose=0)
            figures[model_name, "Keras"] = (model.count_params(), path.stat().st_size, accuracy, None)
            for precision, options in [("float32", {}), ("int8", smaller["FULL_INTEGER"])]:
                litert_path = Path(folder) / f"{model_name}_{precision}.tflite"
                smaller["export_litert"](model, litert_path, **options)
                accuracy, milliseconds = smaller["evaluate_litert"](litert_path, x_test, y_test)
                figures[model_name, f"LiteRT {precision}"] = (
                    model.count_params(), litert_path.stat().st_size, accuracy, milliseconds)
    return figures


def main():
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    x_train, x_test = x_train[..., np.newaxis], x_test[..., np.newaxis]
    training_images = int(len(x_train) * 0.8)
    speeds = training_speeds(x_train[:training_images], y_train[:training_images])
    figures = litert_figures(x_train, x_test, y_test)

    print(f"\n## Benchmark, {date.today():%Y-%m-%d}: {processor()}, TensorFlow {tf.__version__}, Keras {keras.__version__}\n")
    baseline = speeds["baseline: fit on NumPy arrays"]
    print(f"Training speed of the lesson CNN ({TRAINING_BATCHES} batches of 128 each; bfloat16 and XLA "
          f"{SLOW_VARIANT_BATCHES}), against the baseline of the same run:\n")
    print("| variant | images/s | × baseline |\n|---|---:|---:|")
    for name, speed in speeds.items():
        print(f"| {name} | {speed:,.0f} | {speed / baseline:.2f} |")
    print("\nSize and accuracy on the 10,000 test images (LiteRT interpreter, one image at a time, one thread):\n")
    print("| model | format | parameters | file KiB | test accuracy | ms/image |\n|---|---|---:|---:|---:|---:|")
    for (model_name, kind), (parameters, size, accuracy, milliseconds) in figures.items():
        latency = f"{milliseconds:.3f}" if milliseconds is not None else ""
        print(f"| {model_name} | {kind} | {parameters:,} | {size / 1024:,.0f} | {accuracy:.4f} | {latency} |")


if __name__ == "__main__":
    main()
