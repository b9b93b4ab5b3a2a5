def exercises_12():
    def int8_bytes(given, namespace):
        final_tiny = namespace["final_tiny"]
        expected = final_tiny.count_params()
        _compare(given, expected, "int8_weight_bytes", mistakes=[
            (4 * expected, "that is float32, 4 bytes a weight; int8 takes 1."),
            (expected / 8, "int8 is 8 bits, which is 1 byte: one byte per weight.")])
        return f"{expected:,} bytes of weights; the file adds its graph and scales, as the table shows."

    def head(given, namespace):
        _compare(given, 650, "head_parameters", mistakes=[
            (640, "each of the 10 units also has a bias."),
            (7 * 7 * 64 * 10 + 10, "that is Dense(10) after Flatten on 7×7×64; global average pooling leaves 64 values.")])
        return "64 × 10 + 10 = 650: global average pooling keeps one value per channel."

    def quantize(given, namespace):
        _compare(given, -4, "stored_int8", mistakes=[
            (6, "you left out the zero point: q = round(x / scale) + zero_point."),
            (-8.5, "int8 stores whole numbers: round x / scale first."), (-16, "divide by the scale, do not multiply.")])
        return "round(3.0 / 0.5) + (-10) = -4; reading it back gives (-4 - (-10)) × 0.5 = 3.0."

    def dynamic_range(given, namespace):
        choice = given
        if says(choice, ["weights", "weight", "the weights only", "kernel weights"]):
            return "the weights are stored in int8; activations stay float and are computed in float."
        explanations = {"activations": "dynamic-range quantization leaves the activations in float; full int8 quantizes "
                                       "them too, with the representative images to set their scales.",
                        "both": "that is full int8, which needs representative images to calibrate the activations."}
        raise Wrong(explained(choice, explanations) or f"{choice!r} is none of 'weights', 'activations' or 'both'.")

    return [
        Exercise(
            "int8_weight_bytes", int8_bytes,
            hints=["An int8 weight takes one byte.", "final_tiny.count_params() counts the weights."],
            solution="int8_weight_bytes = final_tiny.count_params()",
            needs={"final_tiny": "the cell that trains the final tiny CNN (`final_tiny = ...`)"},
            wrong_answers=[("int8_weight_bytes = 4 * final_tiny.count_params()", "float32"),
                           ("int8_weight_bytes = final_tiny.count_params() / 8", "8 bits")],
            right_answers=["int8_weight_bytes = final_tiny.count_params() * 1",
                           "int8_weight_bytes = np.int64(final_tiny.count_params())"]),
        Exercise(
            "head_parameters", head,
            hints=["GlobalAveragePooling2D turns 7×7×64 into 64 values.", "Dense(10) has 64 × 10 weights and 10 biases."],
            solution="head_parameters = 64 * 10 + 10",
            wrong_answers=[("head_parameters = 640", "bias"), ("head_parameters = 7 * 7 * 64 * 10 + 10", "Flatten")],
            right_answers=["head_parameters = (64 + 1) * 10", "head_parameters = 650.0"]),
        Exercise(
            "stored_int8", quantize,
            hints=["q = round(x / scale) + zero_point.", "x = 3.0, scale = 0.5, zero point = -10."],
            solution="stored_int8 = round(3.0 / 0.5) + (-10)",
            wrong_answers=[("stored_int8 = 6", "zero point"), ("stored_int8 = -16", "do not multiply")],
            right_answers=["stored_int8 = int(np.round(3.0 / 0.5)) - 10", "stored_int8 = np.int8(-4)"]),
        Exercise(
            "quantized_in_dynamic_range", dynamic_range,
            hints=["Which variant needed representative images, and why?",
                   "Dynamic-range int8 needs no data: it can only quantize what is known before any image arrives."],
            solution='quantized_in_dynamic_range = "weights"',
            wrong_answers=[("quantized_in_dynamic_range = 'activations'", "leaves the activations in float"),
                           ("quantized_in_dynamic_range = 'both'", "full int8")],
            right_answers=["quantized_in_dynamic_range = 'the weights'", "quantized_in_dynamic_range = 'Weights only.'"]),
        Exercise(
            "small_cnn", lambda given, namespace: _trained_model_challenge(given, "small_cnn", 20_000),
            hints=["Pool after each convolution: three poolings leave a 3×3 map, and Dense(10) on 3×3×32 values has 2,890 "
                   "weights.",
                   "Two or three convolutions of 16 to 32 filters, with pooling between them, fit under 20,000 parameters.",
                   "Train on x_train[:48_000] with Adam for about 10 epochs; print small_cnn.count_params() first."],
            solution="small_cnn = keras.Sequential([\n"
                     "    keras.Input((28, 28, 1)), layers.Rescaling(1 / 255),\n"
                     '    layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(),\n'
                     '    layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(),\n'
                     '    layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(),\n'
                     '    layers.Flatten(), layers.Dense(10, activation="softmax"),\n'
                     "])\n"
                     "training_images = int(len(x_train) * 0.8)  # the first 80 %: the validation images stay unseen\n"
                     'small_cnn.compile(optimizer=keras.optimizers.Adam(0.003), loss="sparse_categorical_crossentropy",\n'
                     '                  metrics=["accuracy"])\n'
                     "small_cnn.fit(x_train[:training_images], y_train[:training_images], batch_size=128,\n"
                     "              epochs=12, verbose=2)",
            wrong_answers=[("small_cnn = series.build_lesson_cnn()", "at most 20,000"),
                           ("small_cnn = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(10)])",
                            "below the target")]),
    ]


EXERCISE_SETS[12] = exercises_12
