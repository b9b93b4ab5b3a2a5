def exercises_11():
    def conv_cost(given, namespace):
        expected = 3 * 3 * 16 * 64 * 10 * 10
        _compare(given, expected, "conv_multiply_adds", mistakes=[
            (3 * 3 * 16 * 64 * 12 * 12, "a 3×3 'valid' convolution on 12×12 gives 10×10 outputs, not 12×12."),
            (3 * 3 * 64 * 10 * 10, "each output sums over all 16 input channels."),
            (3 * 3 * 16 * 64, "that is the kernel's weights; each is used at every output position.")])
        return f"{expected:,}: k·k·C_in·C_out·H·W with H = W = 10."

    def pooled_side(given, namespace):
        _compare(given, 9, "output_side", mistakes=[
            (11, "that is the 3×3 convolution of the notebook (or a 5×5 one before the pooling instead of after it); "
                 "after the pooling, a 5×5 convolution loses two pixels on each side."),
            (13, "that is the pooled map; a 5×5 'valid' convolution after it loses two pixels on each side."),
            (22, "that is a 5×5 convolution without pooling first."),
            (8, "a 5×5 window fits 13 - 5 + 1 positions across, not 13 - 5.")])
        return "26 → 13 after pooling by 2, → 9 after a 5×5 convolution (13 - 5 + 1)."

    def speedup(given, namespace):
        function = given
        baseline, variant = [3_000, 3_300, 2_400], [8_000, 8_600, 5_000]
        got = as_number(called(function, baseline, variant), "median_speedup")
        expected = float(np.median(variant) / np.median(baseline))
        if agrees(got, expected):
            return f"{expected:.2f}×: the ratio of medians, which one slow run does not move."
        if agrees(got, float(np.mean(variant) / np.mean(baseline))):
            raise Wrong(f"you return {got:.3f}, the ratio of means; one stalled run pulls a mean. Use medians.")
        if agrees(got, 1 / expected):
            raise Wrong(f"you return {got:.3f}: baseline over variant; a speed-up is variant over baseline.")
        raise Wrong(f"for these runs you return {got:.3f}; the ratio of medians is {expected:.3f}.")

    def epoch_time(given, namespace):
        _compare(given, 16, "epoch_seconds", 1e-6, mistakes=[
            (20, "that divides all 60,000 images; an epoch of the lesson trains on 48,000."),
            (375 / 3_000, "that divides the steps; images per second counts images, 128 a step.")])
        return "48,000 images / 3,000 images per second = 16 s of training, checks not included."

    return [
        Exercise(
            "conv_multiply_adds", conv_cost,
            hints=["A 'valid' 3×3 convolution on 12×12 gives 10×10.", "Multiply-adds = k·k·C_in·C_out·H·W."],
            solution="conv_multiply_adds = 3 * 3 * 16 * 64 * 10 * 10",
            wrong_answers=[("conv_multiply_adds = 3 * 3 * 16 * 64 * 12 * 12", "10×10"),
                           ("conv_multiply_adds = 3 * 3 * 64 * 10 * 10", "16 input")],
            right_answers=["conv_multiply_adds = 9 * 16 * 64 * 100", "conv_multiply_adds = 921_600.0"]),
        Exercise(
            "output_side", pooled_side,
            hints=["MaxPooling2D((2, 2)) halves 26 to 13.", "A k×k 'valid' convolution fits side - k + 1 positions."],
            solution="output_side = 26 // 2 - 5 + 1",
            wrong_answers=[("output_side = 11", "after the pooling, a 5×5"), ("output_side = 13", "loses two pixels"),
                           ("output_side = 22", "without pooling"), ("output_side = 8", "+ 1")],
            right_answers=["output_side = 9.0", "output_side = (26 // 2) - 4",
                           "output_side = keras.layers.Conv2D(64, 5).compute_output_shape((None, 13, 13, 16))[1]"]),
        Exercise(
            "median_speedup", speedup,
            hints=["Images per second of each repeat, for the baseline and the variant.",
                   "np.median of each, then divide: variant over baseline."],
            solution="def median_speedup(baseline, variant):\n    return float(np.median(variant) / np.median(baseline))",
            wrong_answers=[("def median_speedup(baseline, variant):\n    return float(np.mean(variant) / np.mean(baseline))",
                           "means"),
                           ("def median_speedup(baseline, variant):\n    return float(np.median(baseline) / np.median(variant))",
                            "variant over baseline")],
            right_answers=["def median_speedup(baseline, variant):\n    return np.median(variant) / np.median(baseline)",
                           "import statistics\n\n\ndef median_speedup(baseline, variant):\n"
                           "    return statistics.median(variant) / statistics.median(baseline)"]),
        Exercise(
            "epoch_seconds", epoch_time,
            hints=["An epoch trains on the 48,000 images of the 80/20 split.", "Seconds = images / (images per second)."],
            solution="epoch_seconds = 48_000 / 3_000",
            wrong_answers=[("epoch_seconds = 60_000 / 3_000", "all 60,000"), ("epoch_seconds = 375 / 3_000",
                           "divides the steps")],
            right_answers=["epoch_seconds = 60_000 * 0.8 / 3_000", "epoch_seconds = 16"]),
    ]


EXERCISE_SETS[11] = exercises_11
