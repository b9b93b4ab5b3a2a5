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
        model = build_better_cnn()
        normalizations = [layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)]
        normalization_parameters = sum(layer.count_params() for layer in normalizations)
        expected = model.count_params() - normalization_parameters
        channels = normalization_parameters // 4
        _compare(given, expected, "better_parameters", mistakes=[
            (model.count_params(), "that is the whole better CNN, batch normalization included; take its layers' "
                                   "parameters out."),
            (model.count_params() - 2 * channels, "that takes out gamma and beta only; each batch-norm layer also keeps a "
                                                  "moving mean and variance per channel, 4 numbers in all."),
            (normalization_parameters, "that is what the batch-norm layers hold; the question asks what the rest of "
                                       "the model holds without them."),
            (507_530, "that is the lesson CNN's count.")])
        return (f"{expected:,}: the batch-norm layers hold {normalization_parameters:,} of the "
                f"{model.count_params():,}, 4 per channel (gamma, beta, and the moving mean and variance, which "
                "are not trained).")

    def decay(given, namespace):
        _compare(given, 5e-5, "fraction_per_step", 1e-10, mistakes=[
            (1e-4, "that is at the peak rate, 0.002; half-way down the cosine the rate is half the peak."),
            (0.05, "Keras' AdamW multiplies weight_decay by the learning rate at every step."),
            (0.001, "that is the learning rate alone; multiply by weight_decay."),
            (0.025, "that halves weight_decay; it stays 0.05, and the learning rate halves."),
            (1 - 5e-5, "that is what remains of each weight after the step; the question asks what the decay removes.")])
        return ("0.05 × 0.001 = 0.00005 of each weight per step half-way down, half the peak's 0.0001: the decay fades "
                "with the learning rate, to nothing at the last step.")

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
            hints=["The summary prints each layer's parameters; the batch-norm layers' must go.",
                   "A BatchNormalization layer keeps 4 numbers per channel: gamma, beta, a moving mean and variance.",
                   "Or count them: sum(layer.count_params() for layer in model.layers if isinstance(layer, "
                   "layers.BatchNormalization))."],
            solution="model = build_better_cnn()\nbetter_parameters = model.count_params() - sum(\n"
                     "    layer.count_params() for layer in model.layers if isinstance(layer, layers.BatchNormalization))",
            wrong_answers=[("better_parameters = 507_530", "lesson CNN"), ("better_parameters = 1", "not it"),
                           ("better_parameters = build_better_cnn().count_params()", "batch normalization included"),
                           ("model = build_better_cnn()\nbetter_parameters = model.count_params() - sum(\n"
                            "    2 * layer.gamma.shape[0] for layer in model.layers if isinstance(layer, "
                            "layers.BatchNormalization))", "gamma and beta only")],
            right_answers=["model = build_better_cnn()\nbetter_parameters = sum(layer.count_params() for layer in "
                           "model.layers if 'batch_normalization' not in layer.name)",
                           "model = build_better_cnn()\nbetter_parameters = model.count_params() - 4 * sum(\n"
                           "    layer.gamma.shape[0] for layer in model.layers if isinstance(layer, "
                           "layers.BatchNormalization))"]),
        Exercise(
            "fraction_per_step", decay,
            hints=["Keras' AdamW removes learning_rate × weight_decay of each weight per step.",
                   "Half-way down a cosine from 0.002 to 0, the rate is (1 + cos(π / 2)) / 2 × 0.002 = 0.001."],
            solution="fraction_per_step = 0.05 * 0.002 / 2",
            wrong_answers=[("fraction_per_step = 0.05 * 0.002", "at the peak rate"),
                           ("fraction_per_step = 0.05", "multiplies weight_decay"),
                           ("fraction_per_step = 0.001", "learning rate alone")],
            right_answers=["fraction_per_step = 5e-5", "fraction_per_step = 0.00005",
                           "fraction_per_step = 0.05 * 0.002 * (1 + math.cos(math.pi / 2)) / 2"]),
    ]


EXERCISE_SETS[10] = exercises_10
