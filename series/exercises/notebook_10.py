def exercises_10():
    def mcnemar(given, namespace):
        function = given
        for fixed, broken, expected in [(92, 62, True), (10, 5, False), (148, 160, False), (300, 222, True),
                                        (150, 210, True)]:
            got = called(function, fixed, broken)
            if bool(got) == expected:
                continue
            if fixed < broken and expected:
                raise Wrong(f"for {fixed} fixed and {broken} broken you say {got}: a change that breaks far more than it "
                            "fixes is beyond noise too (a real loss); compare |fixed - broken| with 1.96 √(fixed + broken).")
            if (fixed > broken) == bool(got):
                raise Wrong(f"for {fixed} fixed and {broken} broken you say {got}: any difference is not a difference "
                            "beyond noise; compare |fixed - broken| with 1.96 √(fixed + broken).")
            raise Wrong(f"for {fixed} fixed and {broken} broken you say {got}; |{fixed} - {broken}| = "
                        f"{abs(fixed - broken)} against 1.96 √{fixed + broken} = {1.96 * math.sqrt(fixed + broken):.1f}.")
        return "only the images where the two models disagree count, and their split must be lopsided enough."

    def parameters(given, namespace):
        expected = build_better_cnn().count_params()
        _compare(given, expected, "better_parameters", mistakes=[
            (507_530, "that is the lesson CNN's count.")])
        return f"{expected:,}: fewer than the lesson CNN, most of them in the 128-filter convolution and the dense layer."

    def decay(given, namespace):
        _compare(given, 1e-4, "fraction_per_step", 1e-9, mistakes=[
            (0.05, "Keras' AdamW multiplies weight_decay by the learning rate at every step."),
            (0.002, "that is the learning rate alone; multiply by weight_decay.")])
        return "0.05 × 0.002 = 0.0001 of each weight per step at the peak, less as the rate decays."

    return [
        Exercise(
            "beyond_noise", mcnemar,
            hints=["Only the images one model gets right and the other wrong count: fixed and broken.",
                   "Without a real difference, fixed and broken are equally likely: their difference has a standard "
                   "deviation of √(fixed + broken).", "Beyond noise: |fixed - broken| > 1.96 √(fixed + broken)."],
            solution="def beyond_noise(fixed, broken):\n    return abs(fixed - broken) > 1.96 * math.sqrt(fixed + broken)",
            wrong_answers=[("def beyond_noise(fixed, broken):\n    return fixed > broken", "any difference"),
                           ("def beyond_noise(fixed, broken):\n    return fixed - broken > 1.96 * math.sqrt(fixed + broken)",
                            "beyond noise too"),
                           ("def beyond_noise(fixed, broken):\n    return abs(fixed - broken) > 1.96 * (fixed + broken)",
                           "1.96 √")],
            right_answers=["def beyond_noise(fixed, broken):\n    return abs(fixed - broken) / math.sqrt(fixed + broken) > 1.96",
                           "def beyond_noise(fixed, broken):\n    return np.bool_((fixed - broken) ** 2 / (fixed + broken) > "
                           "1.96**2)"]),
        Exercise(
            "better_parameters", parameters,
            hints=["The 'parameters' cell above prints it.", "build_better_cnn() builds it; count_params() counts."],
            solution="better_parameters = build_better_cnn().count_params()",
            wrong_answers=[("better_parameters = 507_530", "lesson CNN"), ("better_parameters = 1", "not it")],
            right_answers=["better_parameters = build_better_cnn().count_params()"]),
        Exercise(
            "fraction_per_step", decay,
            hints=["Keras' AdamW removes learning_rate × weight_decay of each weight per step.",
                   "The peak learning rate of the cosine schedule is 0.002."],
            solution="fraction_per_step = 0.05 * 0.002",
            wrong_answers=[("fraction_per_step = 0.05", "multiplies weight_decay"), ("fraction_per_step = 0.002",
                           "learning rate alone")],
            right_answers=["fraction_per_step = 1e-4", "fraction_per_step = 0.0001"]),
    ]


EXERCISE_SETS[10] = exercises_10
