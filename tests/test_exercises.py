"""Every exercise checked three ways: the blank answer, the solution, and the wrong answers that readers give."""

import math
import re
import time
from types import SimpleNamespace

import nbformat
import numpy as np
import pytest

import fmnist_series
from fmnist_series import Verdict
from tools.notebook_code import notebook_path

CHECK_SECONDS = 2.0  # the most a reader waits for a check (with the solution's own code)
CAPSTONE_CHECK_SECONDS = 10.0  # a capstone's check predicts 12,000 images with the reader's own model

# (notebook, exercise) -> wrong answers, each with words that its message must contain
WRONG_ANSWERS = {
    (1, 1): [("black_pixels = int((x_train[0] > 0).sum())", "not black"), ("black_pixels = 784", "every pixel"),
             ("black_pixels = (x_train[0] == 0).mean()", "the share"), ("black_pixels = int((x_train == 0).sum())",
                                                                       "x_train[0] alone")],
    (1, 2): [("validation_counts = np.bincount(y_train[:12_000], minlength=10)", "first 12,000"),
             ("validation_counts = np.bincount(y_train, minlength=10)", "all 60,000"),
             ("validation_counts = [1, 2, 3]", "10 counts"), ("validation_counts = [1200] * 10", "not exactly"),
             ("validation_counts = np.bincount(y_train[48_000:], minlength=10)[::-1]", "another order"),
             ("validation_counts = np.bincount(y_train[:12_000], minlength=10).astype(float)", "sum to 12,000:")],
    (1, 3): [("mean_brightness = x_train.mean()", "0-255 scale"), ("mean_brightness = 72.9", "0-255 scale"),
             ("mean_brightness = 100 * x_train.mean() / 255", "percentage"), ("mean_brightness = 0.3", "too coarse"),
             ("mean_brightness = 0.28", "round"),
             ("mean_brightness = np.median(x_train) / 255", "not it"),
             ("mean_brightness = x_test.mean() / 255", "test set")],
    (2, 1): [("conv_parameters = 3 * 3 * 32 * 64", "bias"), ("conv_parameters = 3 * 3 * 64 + 64", "1 input channel")],
    (2, 2): [("feature_model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3)])", "26×26"),
             ("feature_model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3, padding='same'),"
              " layers.MaxPooling2D(2)])", "14×14"),
             ("feature_model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3), layers.MaxPooling2D(2)])",
              "16 channels"),
             ("feature_model = 'a CNN'", "a Keras model")],
    (2, 3): [("unpooled_parameters = 507_530", "with its pooling layer"), ("unpooled_parameters = 24 * 24 * 64", "flattened")],
    (3, 1): [("error_name = 'TypeError'", "fit raises ValueError"), ("error_name = 'categorical_crossentropy'", "is a loss")],
    (3, 2): [("total_steps = series.EPOCHS", "number of epochs"),
             ("total_steps = math.ceil(series.TRAIN_IMAGES / 128) * series.EPOCHS", "keeps 20 % aside")],
    (3, 3): [("best_validation_epoch = int(np.argmax(history.history['val_accuracy']))", "counts from 0"),
             ("best_validation_epoch = int(np.argmin(history.history['val_loss'])) + 1", "validation loss is lowest")],
    (4, 1): [("epochs_after_lowest_loss = len(history['loss']) - int(np.argmin(history['loss'])) - 1", "training loss"),
             ("epochs_after_lowest_loss = len(history['val_loss']) - int(np.argmin(history['val_loss']))", "from 0"),
             ("epochs_after_lowest_loss = len(history['val_loss']) - int(np.argmax(history['val_accuracy'])) - 1",
              "highest validation accuracy")],
    (4, 2): [("def best_epoch(history):\n    return int(np.argmin(history['val_loss']))", "from 0"),
             ("def best_epoch(history):\n    return int(np.argmin(history['loss'])) + 1", "training loss"),
             ("def best_epoch(history):\n    return 3", "for every history"),
             ("def best_epoch(history):\n    return min(history['val_loss'])", "not an epoch number"),
             ("def best_epoch(history):\n    v = history['val_loss']\n    for i in range(1, len(v)):\n"
              "        if v[i] > v[i - 1]:\n            return i\n    return len(v)", "a dip that a later epoch")],
    (4, 3): [("gaps = np.array(history['accuracy']) - np.array(history['val_accuracy'])\n"
              "epochs_past_5_points = int((gaps > 5).sum())", "0.05"),
             ("gaps = np.array(history['val_accuracy']) - np.array(history['accuracy'])\n"
              "epochs_past_5_points = int((gaps > 0.05).sum())", "not the reverse"),
             ("gaps = np.array(history['loss']) - np.array(history['val_loss'])\n"
              "epochs_past_5_points = int((gaps > 0.05).sum())", "compares the losses")],
    (5, 1): [("reloaded = model", "itself"), ("reloaded = series.build_lesson_cnn()", "differ"),
             ("reloaded = 'my_copy.keras'", "a Keras model")],
    (5, 2): [("conv_adam_variables = 4", "two for each"), ("conv_adam_variables = 2", "counts the layers"),
             ("conv_adam_variables = 10", "Adam as a whole"), ("conv_adam_variables = 22", "all of Adam's")],
    (5, 3): [("h5_megabytes = series.H5_PATH.stat().st_size / 2**10", "KiB"),
             ("h5_megabytes = series.H5_PATH.stat().st_size", "bytes"),
             ("h5_megabytes = series.H5_PATH.stat().st_size / 1e6", "MiB")],
    (6, 1): [("def recall_per_class(confusion):\n    return np.diag(confusion) / confusion.sum(axis=0)", "precision"),
             ("def recall_per_class(confusion):\n    return np.diag(confusion).sum() / confusion.sum()", "one number per class")],
    (6, 2): [("def interval_half_width(p, n):\n    return np.sqrt(p * (1 - p) / n)", "1.96"),
             ("def interval_half_width(p, n):\n    return 1.96 * p * (1 - p) / n", "square root"),
             ("def interval_half_width(p, n):\n    return 0.0059", "use both p and n"),
             ("def interval_half_width(p, n):\n    return 100 * 1.96 * np.sqrt(p * (1 - p) / n)", "percentage points"),
             ("def interval_half_width(p, n):\n    return 1.96 * np.sqrt(p * (1 - p) / 10_000)", "use both p and n")],
    (6, 4): [("my_cnn = series.build_lesson_cnn()", "below the target"), ("my_cnn = 'my model'", "a Keras model")],
    (6, 3): [("shirts_mistaken_for = 'Shirt'", "right answer for a Shirt"),
             ("shirts_mistaken_for = 'Pullover'", "taken FOR a Shirt"), ("shirts_mistaken_for = 'Bag'", "Shirt row")],
    (7, 1): [("def conv2d_same(images, kernel, bias):\n    return conv2d(images, kernel, bias)", "7×7"),
             ("def conv2d_same(images, kernel, bias):\n"
              "    return conv2d(np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)), constant_values=1), kernel, bias)",
              "values differ")],
    (7, 2): [("pooled_size = 10", "stride 2"), ("pooled_size = 6", "stride were 3")],
    (7, 3): [("multiplications = 26 * 26 * 64 * 3 * 3 * 16", "24×24"), ("multiplications = 24 * 24 * 64 * 3 * 3", "16 input")],
    (8, 1): [("def stable_log_softmax(logits):\n    return np.log(np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True))",
              "overflows"),
             ("def stable_log_softmax(logits):\n    return np.log(series.softmax(logits))", "log 0 is -inf"),
             ("def stable_log_softmax(logits):\n    return series.softmax(logits)", "the probabilities"),
             ("def stable_log_softmax(logits):\n    return logits - logits.max(axis=-1, keepdims=True)", "sum to 1")],
    (8, 2): [("def bias_corrected(m, beta, step):\n    return m / (1 - beta)", "only step 1"),
             ("def bias_corrected(m, beta, step):\n    return m * (1 - beta**step)", "not multiply"),
             ("def bias_corrected(m, beta, step):\n    return m / (1 - 0.9**step)", "use m, beta and step"),
             ("def bias_corrected(m, beta, step):\n    return m * 2.442", "0.122097")],
    (8, 3): [("loss_at_a_quarter = -np.log10(0.25)", "natural log"), ("loss_at_a_quarter = 0.75", "1 - p"),
             ("loss_at_a_quarter = -np.log2(0.25)", "base 2"), ("loss_at_a_quarter = 1.3", "round"),
             ("loss_at_a_quarter = 1.38", "round")],
    (9, 1): [("learning_rate_512 = 0.004", "square root"), ("learning_rate_512 = 0.001", "unscaled")],
    (9, 2): [("steps_at_batch_32 = 60_000 // 32", "12,000 aside"), ("steps_at_batch_32 = 375", "four times"),
             ("steps_at_batch_32 = 1_501", "which is not it")],
    (9, 3): [("def stopping_epoch(val_losses, patience):\n    return int(np.argmin(val_losses)) + 1", "the best epoch"),
             ("def stopping_epoch(val_losses, patience):\n    return len(val_losses)", "stops after epoch"),
             ("def stopping_epoch(val_losses, patience):\n    best, waited = float('inf'), 0\n"
              "    for epoch, loss in enumerate(val_losses, start=1):\n        if loss <= best:\n"
              "            best, waited = loss, 0\n        else:\n            waited += 1\n"
              "            if waited == patience:\n                return epoch\n    return len(val_losses)",
              "equal to the best"),
             ("def stopping_epoch(val_losses, patience):\n"
              "    return min(int(np.argmin(val_losses)) + 1 + patience, len(val_losses))", "whole list"),
             ("def stopping_epoch(val_losses, patience):\n    waited = 0\n    for epoch in range(1, len(val_losses)):\n"
              "        waited = 0 if val_losses[epoch] < val_losses[epoch - 1] else waited + 1\n"
              "        if waited == patience:\n            return epoch + 1\n    return len(val_losses)",
              "best loss so far"),
             ("def stopping_epoch(val_losses, patience):\n    best, waited = float('inf'), 0\n"
              "    for epoch, loss in enumerate(val_losses, start=1):\n        if loss < best - 0.01:\n"
              "            best, waited = loss, 0\n        else:\n            waited += 1\n"
              "            if waited == patience:\n                return epoch\n    return len(val_losses)",
              "min_delta=0")],
    (10, 1): [("def beyond_noise(fixed, broken):\n    return fixed > broken", "any difference"),
              ("def beyond_noise(fixed, broken):\n    return fixed - broken > 1.96 * math.sqrt(fixed + broken)",
               "beyond noise too"),
              ("def beyond_noise(fixed, broken):\n    return abs(fixed - broken) > 1.96 * (fixed + broken)", "1.96 √")],
    (10, 2): [("better_parameters = 507_530", "lesson CNN"), ("better_parameters = 1", "not it")],
    (10, 3): [("fraction_per_step = 0.05", "multiplies weight_decay"), ("fraction_per_step = 0.002", "learning rate alone")],
    (11, 1): [("conv_multiply_adds = 3 * 3 * 16 * 64 * 12 * 12", "10×10"),
              ("conv_multiply_adds = 3 * 3 * 64 * 10 * 10", "16 input")],
    (11, 2): [("output_side = 13", "loses one pixel"), ("output_side = 24", "without pooling")],
    (11, 3): [("def median_speedup(baseline, variant):\n    return float(np.mean(variant) / np.mean(baseline))", "means"),
              ("def median_speedup(baseline, variant):\n    return float(np.median(baseline) / np.median(variant))",
               "variant over baseline")],
    (11, 4): [("epoch_seconds = 60_000 / 3_000", "all 60,000"), ("epoch_seconds = 375 / 3_000", "divides the steps")],
    (12, 1): [("int8_weight_bytes = 4 * final_tiny.count_params()", "float32"),
              ("int8_weight_bytes = final_tiny.count_params() / 8", "8 bits")],
    (12, 2): [("head_parameters = 640", "bias"), ("head_parameters = 7 * 7 * 64 * 10 + 10", "Flatten")],
    (12, 3): [("stored_int8 = 6", "zero point"), ("stored_int8 = -16", "do not multiply")],
    (12, 4): [("quantized_in_dynamic_range = 'activations'", "leaves the activations in float"),
              ("quantized_in_dynamic_range = 'both'", "full int8")],
    (13, 1): [("epochs_kept = 5", "not finished"), ("epochs_kept = 0", "survives")],
    (13, 2): [("steps_lost = 1_050", "restarts in epoch 3"), ("steps_lost = 50", "restores the epoch, not the step"),
              ("steps_lost = 250", "run again too")],
    (13, 3): [("file_to_resume_from = 'best'", "best epoch"), ("file_to_resume_from = 'csv'", "no weights"),
              ("file_to_resume_from = 'best.keras'", "best epoch"),
              ("file_to_resume_from = 'ModelCheckpoint'", "best epoch")],
    (13, 4): [("log_rows_after_restart = 6", "never written"), ("log_rows_after_restart = 4", "logs both"),
              ("log_rows_after_restart = 2", "keeps the rows")],
    (14, 1): [("image = series.photo_to_model_input(odd_photo_path)[..., 0]\n"
               "empty_rows = int((image == 0).all(axis=0).sum())", "columns"),
              ("image = series.photo_to_model_input(odd_photo_path)[..., 0]\n"
               "empty_rows = int((image > 0).any(axis=1).sum())", "hold some of the bag"),
              ("image = series.photo_to_model_input(odd_photo_path)[..., 0]\nempty_rows = int((image == 0).sum())",
               "background pixels")],
    (14, 2): [("error_for_an_empty_file = 'ValueError'", "its own class"), ("error_for_an_empty_file = 'KeyError'", "not it")],
    (14, 3): [("image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / 'ankle_boot_rotated.jpg')\n"
               "background_share = 100 * float((image == 0).mean())", "percentage"),
              ("image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / 'ankle_boot_rotated.jpg')\n"
               "background_share = float((image > 0).mean())", "garment pixels")],
    (12, 5): [("small_cnn = series.build_lesson_cnn()", "at most 20,000"),
              ("small_cnn = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10)])",
               "below the target")],
    (14, 4): [("clockwise_degrees = 90", "orientation 6"), ("clockwise_degrees = 180", "upside-down"),
              ("clockwise_degrees = 450", "450 (a turn of 90° clockwise)")],
    (15, 1): [("ece_by_hand = 0.4", "largest gap"), ("ece_by_hand = (abs(2 / 3 - 0.9) + abs(1 - 0.6)) / 2", "alike"),
              ("ece_by_hand = 0.32", "alike"), ("ece_by_hand = abs(0.8 - 0.78)", "all five images")],
    (15, 2): [("def threshold_at_95(in_scores):\n    return float(np.quantile(in_scores, 0.05))", "only 5 %"),
              ("def threshold_at_95(in_scores):\n    return float(np.max(in_scores))", "must accept 95 %"),
              ("def threshold_at_95(in_scores):\n    return 95", "use the scores"),
              ("def threshold_at_95(in_scores):\n    return np.sort(in_scores)[-5]", "must accept 95 %"),
              ("def threshold_at_95(in_scores):\n    return np.quantile(in_scores, 0.975)", "must accept 95 %"),
              ("def threshold_at_95(in_scores):\n    return np.quantile(in_scores, 0.96)", "accepts 192 of them")],
    (15, 3): [("probabilities_at_t2 = series.softmax(np.array([2.0, 0.0]) * 2)", "multiplied"),
              ("probabilities_at_t2 = [73.1, 26.9]", "percentages"), ("probabilities_at_t2 = 0.731", "one number"),
              ("probabilities_at_t2 = series.softmax(np.array([2.0, 0.0]))", "T = 1")],
    (15, 4): [("nll_by_hand = -(np.log10(0.5) + np.log10(0.25)) / 2", "natural log"),
              ("nll_by_hand = -(np.log(0.5) + np.log(0.25))", "the sum"),
              ("nll_by_hand = -(np.log2(0.5) + np.log2(0.25)) / 2", "base 2")],
    (16, 1): [("from scipy.special import logsumexp\n\n\ndef energy_at_temperature(logits, T):\n"
               "    return -logsumexp(logits / T, axis=1)", "multiply by T"),
              ("from scipy.special import logsumexp\n\n\ndef energy_at_temperature(logits, T):\n"
               "    return -T * logsumexp(logits, axis=1)", "divide the logits by T"),
              ("from scipy.special import logsumexp\n\n\ndef energy_at_temperature(logits, T):\n"
               "    return -logsumexp(logits, axis=1)", "must use T"),
              ("def energy_at_temperature(logits, T):\n    return -T * np.log(np.exp(logits / T).sum(axis=1))", "overflows"),
              ("from scipy.special import logsumexp\n\n\ndef energy_at_temperature(logits, T):\n"
               "    return T * logsumexp(logits / T, axis=1)", "mind the sign")],
    (16, 2): [("keras_over_int8 = np.median(request_ms['LiteRT int8']) / np.median(request_ms['Keras float32'])",
               "divide Keras"),
              ("keras_over_int8 = np.median(model_ms['Keras float32']) / np.median(model_ms['LiteRT int8'])", "model alone"),
              ("keras_over_int8 = 3.29", "your own run")],
    (16, 3): [("logit_from_int8 = 30 * 0.25", "zero point"), ("logit_from_int8 = (30 + (-10)) * 0.25", "subtracted"),
              ("logit_from_int8 = 30 / 0.25 + (-10)", "going back")],
    (16, 4): [("def top_three(probabilities):\n    return {'Shirt': 0.4, 'Pullover': 0.3, 'Coat': 0.12}",
               "does it use the ones it is given"),
              ("def top_three(probabilities):\n    top = np.argsort(probabilities)[::-1][:4]\n"
               "    return {series.CLASS_NAMES[i]: float(probabilities[i]) for i in top}", "three most probable"),
              ("def top_three(probabilities):\n    top = np.argsort(probabilities)[::-1][:3]\n"
               "    return {series.CLASS_NAMES[i].lower(): float(probabilities[i]) for i in top}", "as series.CLASS_NAMES"),
              ("def top_three(probabilities):\n    top = np.argsort(probabilities)[:3]\n"
               "    return {series.CLASS_NAMES[i]: float(probabilities[i]) for i in top}", "three most probable"),
              ("def top_three(probabilities):\n    top = np.argsort(probabilities)[::-1][:3]\n"
               "    return {int(i): float(probabilities[i]) for i in top}", "class numbers"),
              ("def top_three(probabilities):\n    top = np.argsort(probabilities)[-3:]\n"
               "    return {series.CLASS_NAMES[i]: float(probabilities[i]) for i in top}", "most probable first")],
    (17, 1): [("gflops = 2 * 2_000_000 * 3_000 / 1e9", "forward pass alone"), ("gflops = 6 * 2_000_000 * 3_000", "billion")],
    (17, 2): [("times_notebook_10 = 250 / 4_000", "how many times faster"), ("times_notebook_10 = 4_000 - 250", "ratio")],
    (17, 3): [("def is_record(test_accuracies, target):\n    return min(test_accuracies) >= target", "not every run"),
              ("def is_record(test_accuracies, target):\n    return max(test_accuracies) >= target", "one run reaches"),
              ("def is_record(test_accuracies, target):\n    return np.mean(test_accuracies) >= target", "5 seeds"),
              ("def is_record(test_accuracies, target):\n    return len(test_accuracies) > 5 and np.mean(test_accuracies) "
               ">= target", "5 are enough"),
              ("def is_record(test_accuracies, target):\n    return len(test_accuracies) >= 5 and "
               "np.median(test_accuracies) >= target", "median"),
              ("def is_record(test_accuracies, target):\n    return len(test_accuracies) >= 5 and "
               "np.mean(test_accuracies) > target", ">="),
              ("def is_record(test_accuracies, target):\n    return len(test_accuracies) >= 5 and "
               "sum(test_accuracies) / 5 >= target", "number of runs"),
              ("def is_record(test_accuracies, target):\n    return 'yes' if np.mean(test_accuracies) >= target else 'no'",
               "True or False"),
              ("def is_record(test_accuracies, target):\n    return len(test_accuracies) >= 5 and "
               "np.mean(test_accuracies) >= 0.94", "given to the function")],
}
# (notebook, exercise) -> right answers written another valid way than the solution: other types (a Keras or
# TensorFlow tensor, a NumPy scalar, a dict by class), rounded numbers, other words. Each must be judged Correct.
OTHER_RIGHT_ANSWERS = {
    (1, 1): ["black_pixels = np.count_nonzero(x_train[0] == 0)", "black_pixels = keras.ops.sum(x_train[0] == 0)",
             "black_pixels = 784 - np.count_nonzero(x_train[0])"],
    (1, 2): ["import collections\nvalidation_counts = collections.Counter(y_train[48_000:].tolist())",
             "validation_counts = {series.CLASS_NAMES[c]: int((y_train[48_000:] == c).sum()) for c in range(10)}",
             "validation_counts = list(np.bincount(y_train[-12_000:]))"],
    (1, 3): ["mean_brightness = keras.ops.mean(x_train[..., None] / 255)", "mean_brightness = 0.29",
             "mean_brightness = np.mean(x_train / 255.0, keepdims=True)"],
    (2, 1): ["conv_parameters = 3 * 3 * 32 * 64 + 64", "conv_parameters = 18_496.0"],
    (2, 2): ["feature_model = keras.Sequential([layers.Input((28, 28, 1)), layers.Conv2D(32, 3, padding='valid'),"
             " layers.MaxPool2D()])"],
    (2, 3): ["unpooled_parameters = 160 + 9_280 + (24 * 24 * 64 * 64 + 64) + 2_080 + 330",
             "unpooled_parameters = np.int64(2_371_210)"],
    (3, 1): ["error_name = ValueError", "error_name = 'valueerror'", "error_name = 'Value Error'"],
    (3, 2): ["total_steps = len(history.history['loss']) * history.params['steps']",
             "total_steps = float(history.params['steps'] * len(history.epoch))"],
    (3, 3): ["best_validation_epoch = keras.ops.argmax(history.history['val_accuracy']) + 1",
             "best_validation_epoch = np.argmax(history.history['val_accuracy']) + 1"],
    (4, 1): ["epochs_after_lowest_loss = len(history['val_loss']) - np.argmin(history['val_loss']) - 1",
             "losses = history['val_loss']\nepochs_after_lowest_loss = len(losses) - 1 - losses.index(min(losses))"],
    (4, 2): ["def best_epoch(history):\n    return np.argmin(history['val_loss']) + 1",
             "def best_epoch(history):\n    losses = list(history['val_loss'])\n    return losses.index(min(losses)) + 1"],
    (4, 3): ["epochs_past_5_points = sum(a - v > 0.05 for a, v in zip(history['accuracy'], history['val_accuracy']))",
             "epochs_past_5_points = np.count_nonzero(np.subtract(history['accuracy'], history['val_accuracy']) > 0.05)"],
    (5, 1): ["model_from_keras.save(series.MODELS_DIR / 'other.keras')\n"
             "reloaded = keras.saving.load_model(series.MODELS_DIR / 'other.keras')",
             "path = str(series.MODELS_DIR / 'copy_two.keras')\nkeras.saving.save_model(model_from_keras, path)\n"
             "reloaded = keras.models.load_model(path)"],
    (5, 2): ["conv_adam_variables = len([v for v in model_from_keras.optimizer.variables if 'conv2d' in v.path])",
             "conv_adam_variables = 8.0", "conv_adam_variables = 2 * 2 * 2"],
    (5, 3): ["h5_megabytes = round(series.H5_PATH.stat().st_size / 2**20, 1)",
             "import os\nh5_megabytes = os.path.getsize(series.H5_PATH) / 1024 / 1024"],
    (6, 1): ["def recall_per_class(confusion):\n    return confusion.diagonal() / confusion.sum(1)",
             "def recall_per_class(confusion):\n    return {i: confusion[i][i] / sum(confusion[i]) for i in range(3)}",
             "def recall_per_class(confusion):\n    return [confusion[i, i] / confusion[i].sum() for i in range(3)]"],
    (6, 2): ["from scipy.stats import norm\n\n\ndef interval_half_width(p, n):\n"
             "    return norm.ppf(0.975) * math.sqrt(p * (1 - p) / n)",
             "def interval_half_width(p, n):\n    return 1.96 * (p * (1 - p) / n) ** 0.5"],
    (6, 3): ["shirts_mistaken_for = 't-shirt/top'", "shirts_mistaken_for = 0", "shirts_mistaken_for = 'T-shirt'",
             "import collections\nshirts_mistaken_for = series.CLASS_NAMES[collections.Counter("
             "predicted[(y_test == 6) & (predicted != 6)].tolist()).most_common(1)[0][0]]"],
    (7, 1): ["def conv2d_same(images, kernel, bias):\n"
             "    return conv2d(np.pad(images, [(0, 0), (1, 1), (1, 1), (0, 0)], mode='constant'), kernel, bias)",
             "def conv2d_same(images, kernel, bias):\n"
             "    return keras.ops.conv(images.astype('float32'), kernel.astype('float32'), padding='same') + bias"],
    (7, 2): ["pooled_size = int((20 - 3) / 2) + 1", "pooled_size = 9.0"],
    (7, 3): ["multiplications = 24 * 24 * 64 * 9 * 16", "multiplications = 5_308_416"],
    (8, 1): ["from scipy.special import log_softmax\n\n\ndef stable_log_softmax(logits):\n"
             "    return log_softmax(logits, axis=-1)",
             "def stable_log_softmax(logits):\n    return keras.ops.log_softmax(logits, axis=-1)",
             "from scipy.special import logsumexp\n\n\ndef stable_log_softmax(logits):\n"
             "    return logits - logsumexp(logits, axis=-1, keepdims=True)"],
    (8, 2): ["def bias_corrected(m, beta, step):\n    return m / (1 - np.power(beta, step))",
             "def bias_corrected(m, beta, step):\n    return keras.ops.divide(m, 1 - beta**step)"],
    (8, 3): ["loss_at_a_quarter = 1.39", "loss_at_a_quarter = math.log(4)",
             "loss_at_a_quarter = keras.losses.sparse_categorical_crossentropy(np.array([0]), np.array([[0.25, 0.75]]))[0]"],
    (9, 1): ["learning_rate_512 = 2e-3", "learning_rate_512 = 0.001 * (512 / 128) ** 0.5"],
    (9, 2): ["steps_at_batch_32 = int(60_000 * 0.8 / 32)", "steps_at_batch_32 = math.ceil(48_000 / 32)"],
    (9, 3): ["def stopping_epoch(val_losses, patience):\n    best = 0\n"
             "    for epoch in range(1, len(val_losses) + 1):\n        if val_losses[epoch - 1] < val_losses[best]:\n"
             "            best = epoch - 1\n        if epoch - 1 - best == patience:\n            return epoch\n"
             "    return len(val_losses)"],
    (10, 1): ["def beyond_noise(fixed, broken):\n    return abs(fixed - broken) / math.sqrt(fixed + broken) > 1.96",
              "def beyond_noise(fixed, broken):\n    return np.bool_((fixed - broken) ** 2 / (fixed + broken) > 1.96**2)"],
    (10, 2): ["better_parameters = build_better_cnn().count_params()"],
    (10, 3): ["fraction_per_step = 1e-4", "fraction_per_step = 0.0001"],
    (11, 1): ["conv_multiply_adds = 9 * 16 * 64 * 100", "conv_multiply_adds = 921_600.0"],
    (11, 2): ["output_side = (26 // 2) - 3 + 1", "output_side = 11.0"],
    (11, 3): ["def median_speedup(baseline, variant):\n    return np.median(variant) / np.median(baseline)",
              "import statistics\n\n\ndef median_speedup(baseline, variant):\n"
              "    return statistics.median(variant) / statistics.median(baseline)"],
    (11, 4): ["epoch_seconds = 60_000 * 0.8 / 3_000", "epoch_seconds = 16"],
    (12, 1): ["int8_weight_bytes = final_tiny.count_params() * 1", "int8_weight_bytes = np.int64(final_tiny.count_params())"],
    (12, 2): ["head_parameters = (64 + 1) * 10", "head_parameters = 650.0"],
    (12, 3): ["stored_int8 = int(np.round(3.0 / 0.5)) - 10", "stored_int8 = np.int8(-4)"],
    (12, 4): ["quantized_in_dynamic_range = 'the weights'", "quantized_in_dynamic_range = 'Weights only.'"],
    (13, 1): ["epochs_kept = 4.0", "epochs_kept = 5 - 1"],
    (13, 2): ["steps_lost = 1_050 - 750", "steps_lost = 1050 % 375"],
    (13, 3): ["file_to_resume_from = 'BackupAndRestore'", "file_to_resume_from = 'the backup'",
              "file_to_resume_from = 'backup/'"],
    (13, 4): ["log_rows_after_restart = 5.0", "log_rows_after_restart = 6 - 1"],
    (14, 1): ["image = series.photo_to_model_input(str(odd_photo_path))\n"
              "empty_rows = sum(1 for row in image[..., 0] if not row.any())",
              "empty_rows = np.all(series.photo_to_model_input(odd_photo_path) == 0, axis=(1, 2)).sum()"],
    (14, 2): ["error_for_an_empty_file = series.PhotoError", "error_for_an_empty_file = 'series.PhotoError'"],
    (14, 3): ["image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / 'ankle_boot_rotated.jpg')\n"
              "background_share = np.mean(image == 0)",
              "image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / 'ankle_boot_rotated.jpg')\n"
              "background_share = keras.ops.mean(keras.ops.equal(image, 0))"],
    (14, 4): ["clockwise_degrees = 270.0", "clockwise_degrees = -90", "clockwise_degrees = 360 - 90"],
    (15, 1): ["ece_by_hand = 0.3", "ece_by_hand = 0.6 * abs(2 / 3 - 0.9) + 0.4 * abs(1 - 0.6)"],
    (15, 2): ["def threshold_at_95(in_scores):\n    return series.acceptance_threshold(in_scores)",
              "def threshold_at_95(in_scores):\n    return np.quantile(in_scores, 0.95, method='higher')",
              "def threshold_at_95(in_scores):\n    return np.percentile(in_scores, 95, method='higher')"],
    (15, 3): ["probabilities_at_t2 = [0.73, 0.27]", "probabilities_at_t2 = keras.ops.softmax(np.array([1.0, 0.0]))"],
    (15, 4): ["nll_by_hand = 1.04", "nll_by_hand = np.mean(-np.log([0.5, 0.25]))"],
    (16, 1): ["def energy_at_temperature(logits, T):\n    return -T * keras.ops.logsumexp(logits / T, axis=1)",
              "def energy_at_temperature(logits, T):\n    scaled = logits / T\n    top = scaled.max(axis=1, keepdims=True)\n"
              "    return -T * (top[:, 0] + np.log(np.exp(scaled - top).sum(axis=1)))"],
    (16, 2): ["keras_over_int8 = np.median(request_ms['Keras float32']) / np.median(request_ms['LiteRT int8'])\n"
              "keras_over_int8 = round(keras_over_int8, 2)",
              "import statistics\n"
              "keras_over_int8 = statistics.median(request_ms['Keras float32']) / statistics.median(request_ms['LiteRT int8'])"],
    (16, 3): ["logit_from_int8 = 10", "logit_from_int8 = (30 + 10) / 4"],
    (16, 4): ["def top_three(probabilities):\n    top = np.argsort(-probabilities)[:3]\n"
              "    return {series.CLASS_NAMES[i]: probabilities[i] for i in top}"],
    (17, 1): ["gflops = 36.0", "gflops = 6 * 2e6 * 3e3 / 1e9"],
    (17, 2): ["times_notebook_10 = 16.0", "times_notebook_10 = 4000 // 250"],
    (17, 3): ["def is_record(test_accuracies, target):\n    return len(test_accuracies) > 4 and sum(test_accuracies) / "
              "len(test_accuracies) >= target",
              "def is_record(test_accuracies, target):\n    return bool(keras.ops.mean(test_accuracies) >= target) and "
              "len(test_accuracies) >= 5"],
}
EXERCISES = [(notebook, index) for notebook in sorted(fmnist_series._EXERCISES)
             for index in range(1, len(fmnist_series._EXERCISES[notebook]()) + 1)]


@pytest.fixture
def context(tmp_path, monkeypatch):
    """What the notebooks hold where their exercises sit, small: data, a history, a model, predictions."""
    (x_train, y_train), (x_test, y_test) = fmnist_series._fashion_mnist()
    monkeypatch.setattr(fmnist_series, "MODELS_DIR", tmp_path)
    h5_path = tmp_path / "lesson_cnn.h5"
    h5_path.write_bytes(b"0" * 3_000_000)
    monkeypatch.setattr(fmnist_series, "H5_PATH", h5_path)
    predicted = y_test.copy()
    predicted[y_test == 6] = 0  # every Shirt taken for a T-shirt: the worst recall (Shirt), the worst precision (T-shirt)
    predicted[np.flatnonzero(y_test == 2)[:50]] = 6  # and 50 Pullovers for Shirts: the Shirt column differs from its row
    trained_model = fmnist_series.build_lesson_cnn()
    trained_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    trained_model.optimizer.build(trained_model.trainable_variables)
    trained_model.optimizer.iterations.assign(
        math.ceil(fmnist_series.TRAIN_IMAGES * 0.8 / 128) * fmnist_series.EPOCHS)  # as after notebook 03's training
    return {
        "np": np, "keras": fmnist_series.keras, "layers": fmnist_series.layers, "series": fmnist_series,
        "____": fmnist_series.____, "x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test,
        "history": {"loss": [0.6, 0.35, 0.3, 0.25, 0.2, 0.1], "val_loss": [0.4, 0.3, 0.28, 0.3, 0.35, 0.4],
                    "accuracy": [0.8, 0.88, 0.9, 0.95, 0.97, 0.99], "val_accuracy": [0.86, 0.89, 0.895, 0.89, 0.91, 0.9]},
        "model": trained_model, "model_from_keras": trained_model, "predicted": predicted, "math": math,
        "final_tiny": fmnist_series.build_lesson_cnn(),
        "build_better_cnn": fmnist_series.build_better_cnn,
        "conv2d": fmnist_series.conv2d,
        "odd_photo_path": fmnist_series.odd_photo_for_exercise(tmp_path),
        "request_ms": {"LiteRT int8": [3.0, 3.5, 4.0], "LiteRT float32": [3.2, 3.6, 4.1], "Keras float32": [11.0, 12.0, 13.0]},
        "model_ms": {"LiteRT int8": [0.1, 0.15, 0.2], "LiteRT float32": [0.12, 0.16, 0.3], "Keras float32": [7.0, 8.0, 9.0]},
    }


CAPSTONES = {(6, 4), (12, 5)}  # trained-model challenges: their solutions train, on a quick run's images


def verdict_of(code, namespace, notebook, index):
    namespace[f"q{index}"] = fmnist_series.exercises(notebook)[index - 1]
    if (notebook, index) in CAPSTONES:  # the notebooks' arrays: quick mode's images, with the channel axis
        namespace["x_train"] = namespace["x_train"][:fmnist_series.TRAIN_IMAGES, ..., np.newaxis]
        namespace["y_train"] = namespace["y_train"][:fmnist_series.TRAIN_IMAGES]
    if notebook == 3:  # notebook 03 holds the History object that fit returned, not its dictionary
        steps = math.ceil(fmnist_series.TRAIN_IMAGES * 0.8 / 128)
        namespace["history"] = SimpleNamespace(history=namespace["history"], params={"steps": steps},
                                               epoch=list(range(len(namespace["history"]["loss"]))))
    exec(f"{code}\nverdict = q{index}.verdict(globals())", namespace)
    assert isinstance(namespace["verdict"], Verdict)
    return namespace["verdict"]


def blank_answer(notebook, index):
    """The exercise's cell in its notebook, without its calls to check, hint and solution."""
    cell = next(cell for cell in nbformat.read(notebook_path(notebook), as_version=4).cells
                if cell.get("id") == f"exercise-{index}")
    return "\n".join(line for line in cell.source.splitlines() if not line.lstrip("# ").startswith(f"q{index}."))


@pytest.mark.parametrize(("notebook", "index"), EXERCISES)
def test_the_blank_is_not_attempted_and_the_solution_passes(notebook, index, context):
    assert verdict_of(blank_answer(notebook, index), dict(context), notebook, index).label == "Not attempted"
    exercise = fmnist_series.exercises(notebook)[index - 1]
    namespace = dict(context)
    verdict = verdict_of(exercise._solution, namespace, notebook, index)
    assert verdict.label == "Correct", repr(verdict)
    started = time.perf_counter()
    exercise.verdict(namespace)  # the check alone, on the solution's answer
    limit = CAPSTONE_CHECK_SECONDS if (notebook, index) in CAPSTONES else CHECK_SECONDS
    assert time.perf_counter() - started <= limit, f"this check takes at most {limit:g} s"
    assert len(exercise.hints) >= 2 and exercise.hint_verdict(9).label == "Hint" and exercise.solution_verdict().code


@pytest.mark.parametrize(("notebook", "index"), EXERCISES)
def test_typical_wrong_answers_are_explained(notebook, index, context):
    wrong_answers = WRONG_ANSWERS[(notebook, index)]
    assert len(wrong_answers) >= 2
    for code, words in wrong_answers:
        verdict = verdict_of(code, dict(context), notebook, index)
        assert verdict.label == "Incorrect" and words in verdict.text, (code, repr(verdict))
        assert "Traceback" not in repr(verdict)


def test_every_notebook_has_at_least_three_exercises_and_the_series_fifty():
    counts = {notebook: len(fmnist_series.exercises(notebook)) for notebook in sorted(fmnist_series._EXERCISES)}
    assert min(counts.values()) >= 3 and sum(counts.values()) >= 50, counts


def test_check_hint_and_solution_show_their_verdict_once(context, capsys):
    """In a notebook, a cell's last value is shown too: check() returns nothing, so its verdict appears once."""
    exercise = fmnist_series.exercises(1)[0]
    namespace = {"q1": exercise, "black_pixels": int((fmnist_series._fashion_mnist()[0][0][0] == 0).sum())}
    exec("shown = [q1.check(), q1.hint(), q1.solution()]", namespace)
    assert namespace["shown"] == [None, None, None]
    printed = capsys.readouterr().out
    assert printed.count("Correct:") == 1 and printed.count("Hint:") == 1 and printed.count("Solution:") == 1, printed


def test_a_check_that_fails_inside_the_readers_code_reports_it_without_a_traceback(context):
    verdict = verdict_of("def best_epoch(history):\n    return history['no such key']", dict(context), 4, 2)
    assert verdict.label == "Incorrect" and "KeyError" in verdict.text


def test_the_readme_counts_the_exercises_of_each_notebook():
    readme = (notebook_path(1).parent.parent / "README.md").read_text()
    counts = [len(fmnist_series.exercises(notebook)) for notebook in sorted(fmnist_series._EXERCISES)]
    row = re.search(r"^\| exercises \|(.*)\|$", readme, re.M).group(1)
    assert [int(cell) for cell in row.split("|")] == counts
    assert int(re.search(r"(\d+)\s+in all", readme).group(1)) == sum(counts)


@pytest.mark.parametrize(("notebook", "index"), sorted(OTHER_RIGHT_ANSWERS))
def test_right_answers_written_another_way_are_correct(notebook, index, context):
    for code in OTHER_RIGHT_ANSWERS[(notebook, index)]:
        verdict = verdict_of(code, dict(context), notebook, index)
        assert verdict.label == "Correct", (code, repr(verdict))


def test_every_exercise_without_a_trained_model_has_right_answers_in_other_forms():
    assert set(OTHER_RIGHT_ANSWERS) == set(EXERCISES) - CAPSTONES


@pytest.mark.parametrize(("number", "expected", "right"), [
    (1.39, -np.log(0.25), True), (0.29, 0.2860, True), (0.3, 0.2860, False), (0.28, 0.2860, False),
    (1.4, -np.log(0.25), True), (1.3, -np.log(0.25), False), (1500, 1500, True), (1501, 1500, False),
    (0.0059, 0.005880, True), (0.0058, 0.005880, False), (np.float32(0.2860435), 0.28604351, True)])
def test_a_number_rounded_to_the_digits_written_agrees_and_a_nearby_one_does_not(number, expected, right):
    assert fmnist_series.agrees(float(number), expected) is right


@pytest.mark.parametrize("value", [np.float32(2.5), np.array(2.5), np.array([2.5]), 2.5, 5 / 2])
def test_any_scalar_a_reader_may_give_is_a_number(value):
    assert fmnist_series.as_number(value, "x") == 2.5
    assert fmnist_series.as_number(fmnist_series.keras.ops.convert_to_tensor(value), "x") == 2.5


@pytest.mark.parametrize(("value", "words"), [
    ("2.5", "without quotes"), (True, "one number"), ([1.0, 2.0], "a list"), (np.ones(3), "shape (3,)"), (None, "one number")])
def test_what_is_not_a_number_is_refused_saying_what_it_is(value, words):
    with pytest.raises(fmnist_series.Wrong, match=re.escape(words)):
        fmnist_series.as_number(value, "x")


@pytest.mark.parametrize(("said", "accepted", "right"), [
    ("the .keras format", ["keras"], True), ("keras.callbacks.BackupAndRestore", ["BackupAndRestore"], True),
    ("Weights only.", ["weights"], True), ("h5", ["keras"], False), ("backups", ["backup"], False),
    ("Photo Error", ["PhotoError"], True)])
def test_words_are_compared_by_what_they_say(said, accepted, right):
    assert fmnist_series.says(said, accepted) is right


def test_a_missing_notebook_variable_names_the_cell_to_run(context):
    namespace = dict(context)
    del namespace["history"]
    verdict = verdict_of("lowest_loss_epoch = 3", namespace, 4, 1)
    assert verdict.label == "Not ready" and "series.load_lesson_model()" in verdict.text, repr(verdict)
    assert "____" not in verdict.text


def test_an_answer_whose_cell_has_not_run_is_not_ready_not_blank(context):
    verdict = fmnist_series.exercises(1)[0].verdict(dict(context))
    assert verdict.label == "Not ready" and "black_pixels = ..." in verdict.text, repr(verdict)


def test_notebook_03_accepts_the_history_reloaded_after_a_restart(context):
    namespace = dict(context)  # history is the dictionary that series.load_lesson_model() returns
    exec("verdict = series.exercises(3)[2].verdict({**globals(), 'best_validation_epoch': "
         "int(np.argmax(history['val_accuracy'])) + 1})", namespace)
    assert namespace["verdict"].label == "Correct", repr(namespace["verdict"])
    steps = math.ceil(fmnist_series.TRAIN_IMAGES * 0.8 / 128) * len(context["history"]["loss"])
    assert fmnist_series.exercises(3)[1].verdict({**namespace, "total_steps": steps}).label == "Correct"


def test_the_stop_button_during_a_check_ends_in_one_sentence(context):
    verdict = verdict_of("def best_epoch(history):\n    raise KeyboardInterrupt", dict(context), 4, 2)
    assert verdict.label == "Stopped" and "Traceback" not in repr(verdict), repr(verdict)


def test_an_error_with_colour_codes_and_several_lines_is_one_plain_sentence(context):
    verdict = verdict_of("def best_epoch(history):\n    raise ValueError('\x1b[1mInput 0 is incompatible\x1b[0m\\n"
                         "  full details')", dict(context), 4, 2)
    assert verdict.text == "running your answer raised ValueError: Input 0 is incompatible", repr(verdict)


def test_a_missing_file_is_a_cell_to_run_not_a_wrong_answer(context):
    context["series"].H5_PATH.unlink()
    verdict = verdict_of("h5_megabytes = 2.9", dict(context), 5, 3)
    assert verdict.label == "Not ready" and "model.save(H5_PATH)" in verdict.text, repr(verdict)
    verdict = verdict_of("def best_epoch(history):\n    return len(open('no_such_history.json').read())", dict(context), 4, 2)
    assert verdict.label == "Not ready" and "no_such_history.json" in verdict.text, repr(verdict)


@pytest.mark.parametrize(("code", "words"), [
    ("reloaded = model_from_keras", "itself"),
    ("model_from_keras.save(series.MODELS_DIR / 'copy.h5')\nreloaded = keras.models.load_model(series.MODELS_DIR / 'copy.h5')",
     "Adam's state"),
    ("model_from_keras.save(series.MODELS_DIR / 'copy.keras')\n"
     "reloaded = keras.models.load_model(series.MODELS_DIR / 'copy.keras', compile=False)", "without an optimizer")])
def test_notebook_05_refuses_a_reload_that_is_not_a_faithful_keras_file(code, words, context):
    verdict = verdict_of(code, dict(context), 5, 1)
    assert verdict.label == "Incorrect" and words in verdict.text and "test images" not in verdict.text, repr(verdict)


class ValidationMemorizer(fmnist_series.keras.Model):
    """A 'model' that knows the label of every validation image, and guesses on any other image."""

    def __init__(self):
        super().__init__()
        self.scores = fmnist_series.layers.Dense(10)
        (x_train, y_train), _ = fmnist_series._fashion_mnist()
        self.known = {image.tobytes(): label for image, label in zip(x_train[48_000:], y_train[48_000:])}

    def call(self, images):
        return self.scores(fmnist_series.keras.ops.reshape(images, (-1, 784)))

    def predict(self, images, **options):
        labels = [self.known.get(image[..., 0].astype(np.uint8).tobytes(), 0) for image in images]
        return np.eye(10)[labels]


def test_a_capstone_refuses_a_model_that_learned_the_validation_images(context):
    memorizer = ValidationMemorizer()
    memorizer(np.zeros((1, 28, 28, 1)))
    for notebook, index, name in [(6, 4, "my_cnn"), (12, 5, "small_cnn")]:
        verdict = fmnist_series.exercises(notebook)[index - 1].verdict({name: memorizer})
        assert verdict.label == "Incorrect" and "trained on the validation images" in verdict.text, repr(verdict)


def test_a_capstones_advice_fits_the_model_it_sees(context):
    untrained = fmnist_series.build_lesson_cnn()  # it has Rescaling: the advice is to train it, not to add Rescaling
    verdict = fmnist_series.exercises(6)[3].verdict({"my_cnn": untrained})
    assert "not been trained" in verdict.text and "Rescaling" not in verdict.text, repr(verdict)
    unscaled = fmnist_series.keras.Sequential([fmnist_series.keras.Input((28, 28, 1)), fmnist_series.layers.Flatten(),
                                               fmnist_series.layers.Dense(10, activation="softmax")])
    unscaled.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    unscaled.optimizer.build(unscaled.trainable_variables)
    unscaled.optimizer.iterations.assign(100)  # as if trained, on images scaled to 0-1 outside the model
    unscaled.set_weights([np.zeros((784, 10)), np.zeros(10)])  # it answers class 0 for every image: chance
    verdict = fmnist_series.exercises(6)[3].verdict({"my_cnn": unscaled})
    assert "Rescaling" in verdict.text and "not been trained" not in verdict.text, repr(verdict)
