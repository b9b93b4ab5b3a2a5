"""The ablation script reads notebook 10's recipe from the shared module and trains the variants it names."""

import keras
import numpy as np

import fmnist_series
from benchmarks import better_cnn_ablation


def test_the_recipe_is_read_from_notebook_10():
    assert fmnist_series.QUICK, "the module's quick mode: 2 epochs"
    assert better_cnn_ablation.recipe() == {"epochs": 2, "shifts": True, "dropout": 0.2, "weight_decay": 0.05}
    assert list(better_cnn_ablation.variants(better_cnn_ablation.recipe()).values()) == [
        {"epochs": 2, "shifts": False, "dropout": 0.3, "weight_decay": 0.05},
        {"epochs": 2, "shifts": True, "dropout": 0.2, "weight_decay": 0.004},
        {"epochs": 1, "shifts": True, "dropout": 0.2, "weight_decay": 0.05},
    ]


def test_each_variant_is_trained_and_compared_image_by_image():
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    x_fit, y_fit, x_val, y_val = x_train[:512, ..., None], y_train[:512], x_train[512:768, ..., None], y_train[512:768]
    recipe_model = fmnist_series.build_better_cnn()
    # 4 epochs, so that the half-length variant keeps a cosine schedule of more than one epoch
    variants = better_cnn_ablation.variants(better_cnn_ablation.recipe() | {"epochs": 4})
    rows = better_cnn_ablation.ablation(recipe_model, x_fit, y_fit, x_val, y_val, variants)
    assert [row[0] for row in rows] == ["the recipe (notebook 10's saved model)", *variants]
    recipe_correct = np.argmax(recipe_model.predict(x_val, verbose=0), axis=1) == y_val
    assert rows[0][1] == recipe_correct.mean()
    assert fmnist_series.BETTER_EPOCHS == 2, "the recipe's epochs are put back"
    for name, val_accuracy, fixed, broken, _, minutes in rows[1:]:
        assert minutes > 0
        assert round((fixed - broken) / len(y_val), 6) == round(rows[0][1] - val_accuracy, 6), name
    table = better_cnn_ablation.ablation_report(rows, len(y_val))
    assert "| the recipe (notebook 10's saved model) |" in table
    assert sum(line.startswith("| ") for line in table.splitlines()) == 1 + len(rows), "a header and a row per model"
