"""What each training choice of notebook 10's better CNN buys on validation: take one out at a time.

Usage, from the repository root: make ablation   (or: .venv/bin/python -m benchmarks.better_cnn_ablation)
It needs models/better_cnn.keras, which notebook 10 trains (make series), and takes about 40 minutes
on 2 CPU cores.

Notebook 10 measures the options that cost no training (weight averaging, the mirror image at test
time) in its own run. Its training choices came as one recipe; this script trains the better CNN
again without one of them at a time, from notebook 10's seed, on the same 48,000 images, and
compares each model's validation predictions with those of the recipe's model that notebook 10
saved, image by image, with notebook 10's own McNemar check. One seed per variant: a change "within
noise" is not shown to be zero, only not shown.

The code is notebook 10's, from the series' shared module (notebooks/fmnist_series.py). The table is printed and written to
benchmarks/ablation.md, whose figures the README quotes.
"""

import math
import os
import sys
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

from benchmarks.faster_and_smaller import series  # noqa: E402  (series: the shared module)
from tools.project import FULL_RUN_MODELS_DIR  # noqa: E402

ABLATION_RESULTS = Path(__file__).resolve().parent / "ablation.md"


def recipe():
    """Notebook 10's training choices, read from its code: epochs, random shifts, dropout rate, weight decay."""
    model = series.compiled_better_cnn(steps_per_epoch=1)
    return {"epochs": series.BETTER_EPOCHS,
            "shifts": any(isinstance(layer, keras.layers.RandomTranslation) for layer in model.layers),
            "dropout": next(layer.rate for layer in model.layers if isinstance(layer, keras.layers.Dropout)),
            "weight_decay": model.optimizer.weight_decay}


def variants(choices):
    """{name: choices}: the recipe with one choice taken back to what an earlier version of notebook 10 used."""
    return {
        "flips only: no shifts, dropout 0.3": choices | {"shifts": False, "dropout": 0.3},
        "weight decay 0.004 (Keras' default)": choices | {"weight_decay": 0.004},
        f"{choices['epochs'] // 2} epochs instead of {choices['epochs']}": choices | {"epochs": choices["epochs"] // 2},
    }


def trained_variant(x_fit, y_fit, epochs, shifts, dropout, weight_decay):
    """The better CNN trained as notebook 10 trains it, except for the settings given; EMA left out."""
    keras.utils.set_random_seed(42)
    model = series.compiled_better_cnn(math.ceil(len(x_fit) / 128), use_ema=False, epochs=epochs, weight_decay=weight_decay,
                                       shift=2 / 28 if shifts else 0, dropout=dropout)
    model.fit(x_fit, y_fit, batch_size=128, epochs=epochs, verbose=2)
    return model


def ablation(recipe_model, x_fit, y_fit, x_val, y_val, variants):
    """[(name, validation accuracy, fixed, broken, beyond noise, minutes)], the recipe's model first."""
    recipe_predictions = series.predict(recipe_model, x_val)
    rows = [("the recipe (notebook 10's saved model)", series.accuracy(recipe_predictions, y_val), 0, 0, False, None)]
    for name, choices in variants.items():
        print(f"\n{name}", flush=True)
        started = time.perf_counter()
        model = trained_variant(x_fit, y_fit, **choices)
        minutes = (time.perf_counter() - started) / 60
        predictions = series.predict(model, x_val)
        # Turned round: the images the recipe fixes and breaks against this variant, that is what the choice buys.
        fixed, broken, beyond_noise = series.fixed_and_broken(predictions, recipe_predictions, y_val)
        rows.append((name, series.accuracy(predictions, y_val), fixed, broken, beyond_noise, minutes))
    return rows


def ablation_report(rows, validation_images):
    lines = [
        f"## Ablation of notebook 10's better CNN, {date.today():%Y-%m-%d}: {series.processor_summary()}, "
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}",
        "",
        f"Validation accuracy on the {validation_images:,} validation images (no test-time mirror images) "
        "of the better CNN trained on the 48,000 others from seed 42; each variant takes one "
        "choice of the recipe back. \"The choice buys\": the recipe's model against the variant's, with the "
        "validation images the choice fixes and breaks, beyond noise when |f − b| > 1.96 √(f + b) (McNemar).",
        "",
        "| trained with | validation accuracy | the choice buys | fixed / broken | noise | minutes |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for name, val_accuracy, fixed, broken, beyond_noise, minutes in rows:
        if minutes is None:
            lines.append(f"| {name} | {val_accuracy:.4f} |  |  |  |  |")
        else:
            lines.append(f"| {name} | {val_accuracy:.4f} | {100 * (fixed - broken) / validation_images:+.2f} points | "
                         f"{fixed} / {broken} | {'beyond' if beyond_noise else 'within'} | {minutes:.1f} |")
    return "\n".join(lines) + "\n"


def main():
    recipe_path = FULL_RUN_MODELS_DIR / "better_cnn.keras"
    if not recipe_path.exists():
        sys.exit(f"Missing {recipe_path}: run notebook 10 first (make series).")
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    x_train = x_train[..., None]
    (x_fit, y_fit), (x_val, y_val) = series.split_for_validation(x_train, y_train)  # notebook 10's split
    rows = ablation(keras.models.load_model(recipe_path), x_fit, y_fit, x_val, y_val, variants(recipe()))
    table = ablation_report(rows, len(y_val))
    print("\n" + table)
    ABLATION_RESULTS.write_text(table)
    print(f"Written to {ABLATION_RESULTS}")


if __name__ == "__main__":
    main()
