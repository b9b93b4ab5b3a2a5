"""Notebook 15's measures of trust, checked on cases small enough to compute by hand."""

import numpy as np
import pytest

import fmnist_series

MEASURES = {name: getattr(fmnist_series, name) for name in [
    "softmax", "confidence_bins", "expected_calibration_error", "negative_log_likelihood", "fit_temperature",
    "auroc", "acceptance_threshold", "fpr_at_95_tpr",
]}


def test_expected_calibration_error_by_hand():
    # Four images, two classes. Confidences 0.9, 0.9, 0.6, 0.6; in 15 bins, 0.9 falls in (13/15, 14/15]
    # and 0.6 in (8/15, 9/15]. The 0.9 bin: one of two right, accuracy 0.5, gap 0.4. The 0.6 bin: both
    # right, gap 0.4. ECE = 2/4 * 0.4 + 2/4 * 0.4 = 0.4.
    probabilities = np.array([[0.9, 0.1], [0.1, 0.9], [0.6, 0.4], [0.4, 0.6]])
    labels = np.array([0, 0, 0, 1])
    assert MEASURES["expected_calibration_error"](probabilities, labels) == pytest.approx(0.4)

    counts, right, confidence = MEASURES["confidence_bins"](probabilities, labels)
    assert counts.sum() == 4 and counts[13] == 2 and counts[8] == 2
    assert right[13] == 1 and right[8] == 2
    assert confidence[13] == pytest.approx(1.8)


def test_a_perfectly_calibrated_model_has_no_calibration_error():
    # Half right at confidence 0.5 (bin (7/15, 8/15]), all right at confidence 1.0 (the last bin).
    probabilities = np.array([[0.5, 0.5]] * 4 + [[1.0, 0.0]] * 2)
    labels = np.array([0, 1, 0, 1, 0, 0])  # argmax of [0.5, 0.5] is class 0: two of the four are right
    assert MEASURES["expected_calibration_error"](probabilities, labels) == pytest.approx(0.0)


def test_negative_log_likelihood_by_hand():
    logits = np.array([[np.log(3.0), 0.0], [0.0, 0.0]])  # probabilities [0.75, 0.25] and [0.5, 0.5]
    labels = np.array([0, 1])
    expected = -(np.log(0.75) + np.log(0.5)) / 2
    assert MEASURES["negative_log_likelihood"](logits, labels) == pytest.approx(expected)
    # With T = 2 the first row's logits halve: probabilities [sqrt 3, 1] / (sqrt 3 + 1).
    halved = -(np.log(np.sqrt(3) / (np.sqrt(3) + 1)) + np.log(0.5)) / 2
    assert MEASURES["negative_log_likelihood"](logits, labels, 2.0) == pytest.approx(halved)


@pytest.mark.parametrize("true_temperature", [0.5, 1.0, 2.5])
def test_temperature_scaling_recovers_a_known_temperature(true_temperature):
    """Labels drawn from softmax(logits / T): the fitted temperature must find T again."""
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=4.0, size=(20_000, 10))
    probabilities = MEASURES["softmax"](logits / true_temperature)
    labels = (probabilities.cumsum(axis=1) > rng.random((len(logits), 1))).argmax(axis=1)
    fitted = MEASURES["fit_temperature"](logits, labels)
    assert fitted == pytest.approx(true_temperature, rel=0.05)
    # Scaling never changes which class is most probable, so accuracy cannot change.
    assert (MEASURES["softmax"](logits / fitted).argmax(axis=1) == logits.argmax(axis=1)).all()


def test_auroc_by_hand():
    auroc = MEASURES["auroc"]
    # Pairs (in, out): (0.1, 0.35) yes, (0.1, 0.8) yes, (0.4, 0.35) no, (0.4, 0.8) yes: 3 of 4.
    assert auroc([0.1, 0.4], [0.35, 0.8]) == pytest.approx(0.75)
    assert auroc([0.1, 0.2], [0.3, 0.4]) == pytest.approx(1.0)
    assert auroc([0.3, 0.4], [0.1, 0.2]) == pytest.approx(0.0)
    assert auroc([0.5, 0.5], [0.5]) == pytest.approx(0.5), "ties count half"


def test_false_positive_rate_at_95_percent_true_positive_rate_by_hand():
    in_scores = np.arange(1, 21)  # 20 in-distribution scores: 19 of them (95 %) are <= 19
    assert MEASURES["acceptance_threshold"](in_scores) == 19
    out_scores = np.array([0, 5, 19, 19.5, 30])  # 0, 5 and 19 pass the threshold
    assert MEASURES["fpr_at_95_tpr"](in_scores, out_scores) == pytest.approx(3 / 5)
