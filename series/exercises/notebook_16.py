def exercises_16():
    def energy_exercise(given, namespace):
        function = given
        cases = [(np.array([[2.0, 1.0, 0.0], [10.0, -5.0, 3.0]]), 1.0), (np.array([[2.0, 1.0, 0.0], [10.0, -5.0, 3.0]]), 2.0),
                 (np.array([[1000.0, 999.0, 0.0], [0.0, 0.0, 0.0]]), 0.5)]
        for logits, temperature in cases:
            with np.errstate(all="ignore"):
                got = as_values(called(function, logits.copy(), temperature), "energy_at_temperature(logits, T)")
            expected = -temperature * logsumexp(logits / temperature, axis=1)
            if got.shape != expected.shape:
                raise Wrong(f"for logits of shape (2, 3) your function returns shape {got.shape}: one score per row, "
                            "shape (2,).")
            if np.allclose(got, expected, atol=1e-6):
                continue
            if not np.isfinite(got).all():
                raise Wrong(f"for the logits {logits.tolist()} at T = {temperature} you return {got.tolist()}: exp "
                            "overflows. logsumexp subtracts each row's maximum first, as the page does.")
            if np.allclose(got, -logsumexp(logits / temperature, axis=1), atol=1e-6):
                raise Wrong(f"at T = {temperature} you return -logsumexp(logits / T): multiply by T as well, so that the "
                            "score keeps the logits' scale.")
            if np.allclose(got, -temperature * logsumexp(logits, axis=1), atol=1e-6):
                raise Wrong(f"at T = {temperature} you return -T · logsumexp(logits): divide the logits by T inside.")
            if np.allclose(got, -logsumexp(logits, axis=1), atol=1e-6):
                raise Wrong(f"at T = {temperature} you return the page's energy, at T = 1: your function must use T.")
            if np.allclose(got, temperature * logsumexp(logits / temperature, axis=1), atol=1e-6):
                raise Wrong("mind the sign: the energy is minus T · logsumexp, so that pictures unlike the garments "
                            "score higher.")
            decimals = next((decimals for decimals in range(3, 11)  # enough to show where the two differ
                             if not np.array_equal(np.round(got, decimals), np.round(expected, decimals))), 10)
            raise Wrong(f"for the logits {logits.tolist()} at T = {temperature} you return "
                        f"{np.round(got, decimals).tolist()}; their energy scores are {np.round(expected, decimals).tolist()}.")
        return "-T · logsumexp(logits / T) of each row: at T = 1 the page's energy, and finite for large logits."

    def request_ratio(given, namespace):
        value = given
        request_ms = namespace["request_ms"]
        model_ms = namespace["model_ms"]
        expected = float(np.median(request_ms["Keras float32"]) / np.median(request_ms["LiteRT int8"]))
        # within 2 %: the table's rounded medians give the ratio that closely
        _compare(value, expected, "keras_over_int8", 0.02 * expected, from_this_run=True, mistakes=[
            (1 / expected, "that is the int8 file's time over Keras's: divide Keras's median by the int8 file's."),
            (float(np.median(model_ms["Keras float32"]) / np.median(model_ms["LiteRT int8"])),
             "that compares the model alone, the last column; the question asks about whole requests.")])
        return f"{expected:.2f} in your run: Keras's median request over the int8 file's."

    def dequantize(given, namespace):
        _compare(given, 10.0, "logit_from_int8", 1e-6, mistakes=[
            (7.5, "that leaves out the zero point: subtract it before scaling, (30 - (-10)) × 0.25."),
            (5.0, "the zero point is subtracted: 30 - (-10) = 40, not 20."),
            (110.0, "that turns a logit of 30 into an integer; going back, subtract the zero point, then multiply by the "
                    "scale.")])
        return "(30 - (-10)) × 0.25 = 10.0, as LiteRTLogits computes each logit."

    def top_three_exercise(given, namespace):
        function = given
        for case, probabilities in enumerate((np.array([0.02, 0.05, 0.30, 0.01, 0.12, 0.03, 0.40, 0.02, 0.04, 0.01]),
                                              np.array([0.42, 0.05, 0.02, 0.20, 0.01, 0.01, 0.05, 0.01, 0.22, 0.01]))):
            got = called(function, probabilities.copy())  # case 1 is reached only when case 0 was right
            top = np.argsort(probabilities)[::-1][:3]
            expected = {CLASS_NAMES[index]: float(probabilities[index]) for index in top}
            if not isinstance(got, dict):
                raise Wrong(f"`top_three` should return a dict of class name to probability; yours returns a "
                            f"{type(got).__name__}.")
            if {str(key) for key in got} == {str(index) for index in top}:
                raise Wrong("your keys are class numbers; the page shows names: series.CLASS_NAMES[number].")
            if len(got) != 3:
                raise Wrong(f"you give {len(got)} classes; the page shows the three most probable.")
            if {str(key).lower() for key in got} == {name.lower() for name in expected} and set(got) != set(expected):
                raise Wrong(f"you give {list(got)}: write the names as series.CLASS_NAMES writes them, {list(expected)}.")
            if set(got) != set(expected):
                raise Wrong(f"for {probabilities.tolist()} you give {list(got)}; the three most probable are "
                            f"{list(expected)}."
                            + (" It was right for other probabilities: does it use the ones it is given?"
                               if case else ""))
            if list(got) != list(expected):
                raise Wrong(f"the right three classes, in the order {list(got)}; put the most probable first: "
                            f"{list(expected)}.")
            if not all(agrees(as_number(got[name], f"top_three(...)[{name!r}]"), probability)
                       for name, probability in expected.items()):
                raise Wrong("the right classes in the right order, but not with their probabilities.")
        return "the three largest probabilities, most probable first, named as the page shows them."

    return [
        Exercise(
            "energy_at_temperature", energy_exercise,
            hints=["The page's energy is -logsumexp(logits) of each row: the case T = 1.",
                   "Divide the logits by T inside logsumexp, and multiply the result by -T.",
                   "scipy.special.logsumexp(logits / T, axis=1) stays finite for large logits."],
            solution="from scipy.special import logsumexp\n\n\ndef energy_at_temperature(logits, T):\n"
                     "    return -T * logsumexp(logits / T, axis=1)",
            wrong_answers=[("from scipy.special import logsumexp\n\n\ndef energy_at_temperature(logits, T):\n"
                            "    return -logsumexp(logits / T, axis=1)", "multiply by T"),
                           ("from scipy.special import logsumexp\n\n\ndef energy_at_temperature(logits, T):\n"
                            "    return -T * logsumexp(logits, axis=1)", "divide the logits by T"),
                           ("from scipy.special import logsumexp\n\n\ndef energy_at_temperature(logits, T):\n"
                            "    return -logsumexp(logits, axis=1)", "must use T"),
                           ("def energy_at_temperature(logits, T):\n    return -T * np.log(np.exp(logits / T).sum(axis=1))",
                           "overflows"),
                           ("from scipy.special import logsumexp\n\n\ndef energy_at_temperature(logits, T):\n"
                            "    return T * logsumexp(logits / T, axis=1)", "mind the sign")],
            right_answers=["def energy_at_temperature(logits, T):\n    return -T * keras.ops.logsumexp(logits / T, axis=1)",
                           "def energy_at_temperature(logits, T):\n    scaled = logits / T\n    top = scaled.max(axis=1, "
                           "keepdims=True)\n"
                           "    return -T * (top[:, 0] + np.log(np.exp(scaled - top).sum(axis=1)))"]),
        Exercise(
            "keras_over_int8", request_ratio,
            hints=["In the column of whole requests, each runtime's median comes first, before its range.",
                   "Divide Keras float32's median by LiteRT int8's."],
            solution="keras_over_int8 = np.median(request_ms['Keras float32']) / np.median(request_ms['LiteRT int8'])",
            needs={"request_ms": "the cell that measures the requests", "model_ms": "the cell that measures the requests"},
            wrong_answers=[("keras_over_int8 = np.median(request_ms['LiteRT int8']) / np.median(request_ms['Keras float32'])",
                            "divide Keras"),
                           ("keras_over_int8 = np.median(model_ms['Keras float32']) / np.median(model_ms['LiteRT int8'])",
                           "model alone"),
                           ("keras_over_int8 = 3.29", "your own run")],
            right_answers=["keras_over_int8 = np.median(request_ms['Keras float32']) / np.median(request_ms['LiteRT int8'])\n"
                           "keras_over_int8 = round(keras_over_int8, 2)",
                           "import statistics\n"
                           "keras_over_int8 = statistics.median(request_ms['Keras float32']) / "
                           "statistics.median(request_ms['LiteRT int8'])"]),
        Exercise(
            "logit_from_int8", dequantize,
            hints=["An int8 value is stored as round(value / scale) + zero point.",
                   "Going back: (integer - zero point) × scale."],
            solution="logit_from_int8 = (30 - (-10)) * 0.25",
            wrong_answers=[("logit_from_int8 = 30 * 0.25", "zero point"), ("logit_from_int8 = (30 + (-10)) * 0.25", "subtracted"),
                           ("logit_from_int8 = 30 / 0.25 + (-10)", "going back")],
            right_answers=["logit_from_int8 = 10", "logit_from_int8 = (30 + 10) / 4"]),
        Exercise(
            "top_three", top_three_exercise,
            hints=["np.argsort(probabilities) sorts the class numbers from least to most probable.",
                   "np.argsort(probabilities)[::-1][:3] gives the three most probable; series.CLASS_NAMES[i] "
                   "names each."],
            solution="def top_three(probabilities):\n    top = np.argsort(probabilities)[::-1][:3]\n"
                     "    return {series.CLASS_NAMES[i]: float(probabilities[i]) for i in top}",
            wrong_answers=[("def top_three(probabilities):\n    return {'Shirt': 0.4, 'Pullover': 0.3, 'Coat': 0.12}",
                            "does it use the ones it is given"),
                           ("def top_three(probabilities):\n    top = np.argsort(probabilities)[::-1][:4]\n"
                            "    return {series.CLASS_NAMES[i]: float(probabilities[i]) for i in top}", "three most probable"),
                           ("def top_three(probabilities):\n    top = np.argsort(probabilities)[::-1][:3]\n"
                            "    return {series.CLASS_NAMES[i].lower(): float(probabilities[i]) for i in top}",
                           "as series.CLASS_NAMES"),
                           ("def top_three(probabilities):\n    top = np.argsort(probabilities)[:3]\n"
                            "    return {series.CLASS_NAMES[i]: float(probabilities[i]) for i in top}", "three most probable"),
                           ("def top_three(probabilities):\n    top = np.argsort(probabilities)[::-1][:3]\n"
                            "    return {int(i): float(probabilities[i]) for i in top}", "class numbers"),
                           ("def top_three(probabilities):\n    top = np.argsort(probabilities)[-3:]\n"
                            "    return {series.CLASS_NAMES[i]: float(probabilities[i]) for i in top}", "most probable first")],
            right_answers=["def top_three(probabilities):\n    top = np.argsort(-probabilities)[:3]\n"
                           "    return {series.CLASS_NAMES[i]: probabilities[i] for i in top}"]),
    ]


EXERCISE_SETS[16] = exercises_16
