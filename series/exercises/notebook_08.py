def exercises_08():
    def stable(given, namespace):
        function = given
        for logits in ([[1000.0, 1001.0]], [[-1000.0, 0.0]], [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]):
            logits = np.array(logits)
            with np.errstate(all="ignore"):
                got = as_values(called(function, logits.copy()), "stable_log_softmax(logits)")
            expected = logits - logsumexp(logits, axis=-1, keepdims=True)
            if got.shape != expected.shape:
                raise Wrong(f"for logits of shape {logits.shape} you return shape {got.shape}: one log-probability per "
                            "logit.")
            if not np.isfinite(got).all():
                raise Wrong(f"for {logits.tolist()} you return {got.tolist()}: "
                            + ("exp overflows past about 709; subtract each row's maximum first." if logits.max() > 709
                               else "the softmax of -1000 underflows to 0, and log 0 is -inf: never take the log of a "
                                    "probability; subtract the log of the sum of exponentials instead."))
            if np.allclose(got, np.exp(expected), atol=1e-7):
                raise Wrong("those are the probabilities; the exercise asks for their logarithms.")
            if not np.allclose(got, expected, atol=1e-7):
                raise Wrong(f"for {logits.tolist()} you return {np.round(got, 4).tolist()}; log-softmax gives "
                            f"{np.round(expected, 4).tolist()}. Does exp of each row sum to 1?")
        return ("[1000, 1001] gives [-1.3133, -0.3133], as [0, 1] does, and [-1000, 0] gives [-1000, 0]: finite where "
                "log(softmax) is -inf.")

    def bias_correction(given, namespace):
        function = given
        for case, (m, beta, step) in enumerate([(0.05, 0.9, 5), (0.2, 0.99, 3)]):  # case 1: case 0 was right
            got = as_number(called(function, m, beta, step), f"bias_corrected({m}, {beta}, {step})")
            expected = m / (1 - beta**step)
            if agrees(got, expected):
                continue
            if agrees(got, m / (1 - beta)):
                raise Wrong(f"you return {got:.4f}: 1 - beta corrects only step 1; the correction is 1 - beta ** step.")
            if agrees(got, m * (1 - beta**step)):
                raise Wrong(f"you return {got:.4f}: the correction divides by 1 - beta ** step, it does not multiply.")
            mine, theirs = _differing(got, expected)
            raise Wrong(f"for m = {m}, beta = {beta}, step {step} you return {mine}; the corrected value is {theirs}."
                        + (" It was right for m = 0.05, beta = 0.9, step 5: does it use m, beta and step?"
                           if case else ""))
        return "0.1221 for m = 0.05 after 5 steps: early averages are pulled towards their zero start, and this undoes it."

    def quarter(given, namespace):
        expected = -np.log(0.25)
        _compare(given, expected, "loss_at_a_quarter", 1e-3, mistakes=[
            (-np.log10(0.25), "that uses log base 10; crossentropy uses the natural log, np.log."),
            (-np.log2(0.25), "that uses log base 2; crossentropy uses the natural log, np.log."),
            (0.75, "1 - p is not the loss; the loss is -log(p)."), (np.log(0.25), "the loss is -log(p): mind the sign.")])
        return f"-ln 0.25 = {expected:.3f}; a sure right answer costs 0, a sure wrong one is unbounded."

    return [
        Exercise(
            "stable_log_softmax", stable,
            hints=["log softmax(x) = x - log(sum(exp(x))), and that sum overflows for x = 1000.",
                   "Shifting every logit of a row by the same c changes nothing: subtract the row's maximum m.",
                   "x - m - log(sum(exp(x - m))): the largest term of the sum is exp(0) = 1, so the log is finite."],
            solution="def stable_log_softmax(logits):\n    shifted = logits - logits.max(axis=-1, keepdims=True)\n"
                     "    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))",
            wrong_answers=[("def stable_log_softmax(logits):\n    return np.log(np.exp(logits) / np.exp(logits).sum(axis=-1, "
                            "keepdims=True))",
                            "overflows"),
                           ("def stable_log_softmax(logits):\n    return np.log(series.softmax(logits))", "log 0 is -inf"),
                           ("def stable_log_softmax(logits):\n    return series.softmax(logits)", "the probabilities"),
                           ("def stable_log_softmax(logits):\n    return logits - logits.max(axis=-1, keepdims=True)",
                           "sum to 1")],
            right_answers=["from scipy.special import log_softmax\n\n\ndef stable_log_softmax(logits):\n"
                           "    return log_softmax(logits, axis=-1)",
                           "def stable_log_softmax(logits):\n    return keras.ops.log_softmax(logits, axis=-1)",
                           "from scipy.special import logsumexp\n\n\ndef stable_log_softmax(logits):\n"
                           "    return logits - logsumexp(logits, axis=-1, keepdims=True)"]),
        Exercise(
            "bias_corrected", bias_correction,
            hints=["The moving average starts at 0, so early values are too small.",
                   "After `step` steps, the weights of the average sum to 1 - beta ** step."],
            solution="def bias_corrected(m, beta, step):\n    return m / (1 - beta**step)",
            wrong_answers=[("def bias_corrected(m, beta, step):\n    return m / (1 - beta)", "only step 1"),
                           ("def bias_corrected(m, beta, step):\n    return m * (1 - beta**step)", "not multiply"),
                           ("def bias_corrected(m, beta, step):\n    return m / (1 - 0.9**step)", "use m, beta and step"),
                           ("def bias_corrected(m, beta, step):\n    return m * 2.442", "0.122097")],
            right_answers=["def bias_corrected(m, beta, step):\n    return m / (1 - np.power(beta, step))",
                           "def bias_corrected(m, beta, step):\n    return keras.ops.divide(m, 1 - beta**step)"]),
        Exercise(
            "loss_at_a_quarter", quarter,
            hints=["Crossentropy is -log of the probability given to the true class.", "np.log is the natural log."],
            solution="loss_at_a_quarter = -np.log(0.25)",
            wrong_answers=[("loss_at_a_quarter = -np.log10(0.25)", "natural log"), ("loss_at_a_quarter = 0.75", "1 - p"),
                           ("loss_at_a_quarter = -np.log2(0.25)", "base 2"), ("loss_at_a_quarter = 1.3", "round"),
                           ("loss_at_a_quarter = 1.38", "round")],
            right_answers=["loss_at_a_quarter = 1.39", "loss_at_a_quarter = math.log(4)",
                           "loss_at_a_quarter = keras.losses.sparse_categorical_crossentropy(np.array([0]), np.array([[0.25, "
                           "0.75]]))[0]"]),
    ]


EXERCISE_SETS[8] = exercises_08
