def exercises_15():
    def ece(given, namespace):
        gaps, shares = [abs(2 / 3 - 0.9), abs(1.0 - 0.6)], [3 / 5, 2 / 5]  # the 0.9 bin, the 0.6 bin
        expected = float(np.dot(gaps, shares))
        _compare(given, expected, "ece_by_hand", 1e-6, mistakes=[
            (max(gaps), "that is the largest gap; ECE weighs each bin's gap by its share of the images."),
            (float(np.mean(gaps)), "that weighs the two bins alike; ECE weighs each gap by its bin's share of the "
                                   "images, 3/5 and 2/5."),
            (abs(4 / 5 - (3 * 0.9 + 2 * 0.6) / 5), "that lets the two bins' gaps cancel (the same as comparing all "
                                                   "five images at once): ECE adds each bin's |accuracy - confidence|, "
                                                   "weighed by its share.")])
        return "3/5 × |2/3 - 0.9| + 2/5 × |1 - 0.6| = 0.14 + 0.16 = 0.30."

    def threshold(given, namespace):
        function = given
        skewed = np.random.default_rng(0).exponential(size=200)  # scores that are neither evenly spaced nor 1..100
        answers = []
        for scores in (np.arange(1, 101, dtype=float), skewed):
            got = as_number(called(function, scores.copy()), "threshold_at_95(in_scores)")
            answers.append(got)
            wanted, accepted = math.ceil(0.95 * len(scores)), int((scores <= got).sum())
            if wanted <= accepted <= wanted + 1:  # every quantile method's 95th percentile accepts 95 %, or one score more
                continue
            if agrees(got, float(np.quantile(scores, 0.05))):
                raise Wrong(f"you return {got:.2f}, the 5th percentile: that accepts only 5 % of the garments.")
            raise Wrong(f"for {len(scores)} scores from {scores.min():.2f} to {scores.max():.2f} your threshold, "
                        f"{got:.3f}, accepts {accepted} of them, {accepted / len(scores):.1%}; it must accept 95 %."
                        + (" It returns the same for the scores 1 to 100: does your function use the scores it is "
                           "given?" if len(answers) > 1 and answers[0] == got else ""))
        return "it accepts 95 % of the in-distribution validation scores it is given, whatever they are."

    def temperature(given, namespace):
        given = as_values(given, "probabilities_at_t2")
        got = given.reshape(-1)
        expected = softmax(np.array([2.0, 0.0]) / 2)
        if got.shape != (2,):
            raise Wrong("`probabilities_at_t2` should hold the two probabilities, one per logit; yours "
                        + ("is one number." if given.ndim == 0 else f"has shape {given.shape}."))
        if agree_everywhere(got / 100, expected, 1e-3):
            raise Wrong("those are percentages; give the probabilities from 0 to 1.")
        if agree_everywhere(got, expected, 1e-3):
            return f"{np.round(expected, 3).tolist()}: dividing by T > 1 softens the probabilities."
        if agree_everywhere(got, softmax(np.array([4.0, 0.0])), 1e-3):
            raise Wrong("you multiplied the logits by T; temperature scaling divides them.")
        if agree_everywhere(got, softmax(np.array([2.0, 0.0])), 1e-3):
            raise Wrong("that is the softmax at T = 1; divide the logits by 2 first.")
        raise Wrong(f"your probabilities are {np.round(got, 3).tolist()}; compute softmax([2, 0] / 2).")

    def nll(given, namespace):
        expected = float(-(np.log(0.5) + np.log(0.25)) / 2)
        _compare(given, expected, "nll_by_hand", 1e-3, mistakes=[
            (float(-(np.log10(0.5) + np.log10(0.25)) / 2), "that uses log base 10; the NLL uses the natural log."),
            (float(-(np.log2(0.5) + np.log2(0.25)) / 2), "that uses log base 2; the NLL uses the natural log."),
            (2 * expected, "that is the sum; the NLL is the mean over the images."),
            (-expected, "mind the sign: the NLL is the mean of -log p, positive.")])
        return f"{expected:.3f}: the mean of -ln 0.5 and -ln 0.25, the test loss of these two images."

    return [
        Exercise(
            "ece_by_hand", ece,
            hints=["Two bins: the three images at 0.9 and the two at 0.6.",
                   "Each bin's gap is |its accuracy - its confidence|: the 0.9 bin is right 2 times in 3.",
                   "Weigh each gap by its share of the images, 3 of 5 and 2 of 5, and add."],
            solution="ece_by_hand = 3 / 5 * abs(2 / 3 - 0.9) + 2 / 5 * abs(2 / 2 - 0.6)",
            wrong_answers=[("ece_by_hand = 0.4", "largest gap"), ("ece_by_hand = (abs(2 / 3 - 0.9) + abs(1 - 0.6)) / 2", "alike"),
                           ("ece_by_hand = 0.32", "alike"), ("ece_by_hand = abs(0.8 - 0.78)", "all five images")],
            right_answers=["ece_by_hand = 0.3", "ece_by_hand = 0.6 * abs(2 / 3 - 0.9) + 0.4 * abs(1 - 0.6)"]),
        Exercise(
            "threshold_at_95", threshold,
            hints=["Only in-distribution validation scores are used: no out-of-distribution data chooses it.",
                   "np.quantile(scores, 0.95)."],
            solution="def threshold_at_95(in_scores):\n    return float(np.quantile(in_scores, 0.95))",
            wrong_answers=[("def threshold_at_95(in_scores):\n    return float(np.quantile(in_scores, 0.05))", "only 5 %"),
                           ("def threshold_at_95(in_scores):\n    return float(np.max(in_scores))", "must accept 95 %"),
                           ("def threshold_at_95(in_scores):\n    return 95", "use the scores"),
                           ("def threshold_at_95(in_scores):\n    return np.sort(in_scores)[-5]", "must accept 95 %"),
                           ("def threshold_at_95(in_scores):\n    return np.quantile(in_scores, 0.975)", "must accept 95 %"),
                           ("def threshold_at_95(in_scores):\n    return np.quantile(in_scores, 0.96)", "accepts 192 of them")],
            right_answers=["def threshold_at_95(in_scores):\n    return series.acceptance_threshold(in_scores)",
                           "def threshold_at_95(in_scores):\n    return np.quantile(in_scores, 0.95, method='higher')",
                           "def threshold_at_95(in_scores):\n    return np.percentile(in_scores, 95, method='higher')"]),
        Exercise(
            "probabilities_at_t2", temperature,
            hints=["Divide the logits by T, then apply softmax.", "series.softmax(np.array([2.0, 0.0]) / 2)."],
            solution="probabilities_at_t2 = series.softmax(np.array([2.0, 0.0]) / 2)",
            wrong_answers=[("probabilities_at_t2 = series.softmax(np.array([2.0, 0.0]) * 2)", "multiplied"),
                           ("probabilities_at_t2 = [73.1, 26.9]", "percentages"), ("probabilities_at_t2 = 0.731", "one number"),
                           ("probabilities_at_t2 = series.softmax(np.array([2.0, 0.0]))", "T = 1")],
            right_answers=["probabilities_at_t2 = [0.73, 0.27]",
                           "probabilities_at_t2 = keras.ops.softmax(np.array([1.0, 0.0]))"]),
        Exercise(
            "nll_by_hand", nll,
            hints=["The NLL is the mean over the images of -log(probability of the true class).", "Use the natural log, np.log."],
            solution="nll_by_hand = -(np.log(0.5) + np.log(0.25)) / 2",
            wrong_answers=[("nll_by_hand = -(np.log10(0.5) + np.log10(0.25)) / 2", "natural log"),
                           ("nll_by_hand = -(np.log(0.5) + np.log(0.25))", "the sum"),
                           ("nll_by_hand = -(np.log2(0.5) + np.log2(0.25)) / 2", "base 2")],
            right_answers=["nll_by_hand = 1.04", "nll_by_hand = np.mean(-np.log([0.5, 0.25]))"]),
    ]


EXERCISE_SETS[15] = exercises_15
