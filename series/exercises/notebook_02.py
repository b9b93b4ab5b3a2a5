def exercises_02():
    def conv_parameters(given, namespace):
        layer = layers.Conv2D(64, 3)
        layer.build((None, 28, 28, 32))
        expected = layer.count_params()
        _compare(given, expected, "conv_parameters", mistakes=[
            (3 * 3 * 32 * 64, "that counts the kernel weights; each of the 64 filters also has one bias."),
            (3 * 3 * 64 + 64, "that is a convolution on 1 input channel; each filter spans all 32 channels."),
            (3 * 3 * 32, "that is one filter without its bias; there are 64 filters.")])
        return f"Keras builds the layer and counts {expected:,}: 3 × 3 × 32 weights and 1 bias for each of 64 filters."

    def feature_model(given, namespace):
        model = given
        if not isinstance(model, keras.Model):
            raise Wrong(f"`feature_model` should be a Keras model; yours is a {type(model).__name__}.")
        output = model(np.zeros((2, 28, 28, 1), dtype="float32"))
        shape = tuple(output.shape[1:])
        if shape == (13, 13, 32):
            return "(28, 28, 1) in, (13, 13, 32) out."
        if len(shape) != 3:
            raise Wrong(f"your model's output has shape {shape}; a feature map has three axes: height, width, channels.")
        height, width, channels = shape
        if (height, width) == (26, 26):
            raise Wrong("your output is 26×26: a 3×3 convolution with padding='valid' loses one pixel on each side; "
                        "halve it with MaxPooling2D(2) to reach 13×13.")
        if (height, width) == (28, 28):
            raise Wrong("your output is 28×28: padding='same' keeps the size; use the default 'valid', then pool by 2.")
        if (height, width) != (13, 13):
            raise Wrong(f"your output is {height}×{width}; the exercise asks for 13×13.")
        raise Wrong(f"your output has {channels} channels: its last convolution has {channels} filters; "
                    "the exercise asks for 32.")

    def unpooled_parameters(given, namespace):
        config = build_lesson_cnn().get_config()
        config["layers"] = [{key: value for key, value in layer.items() if key != "build_config"}  # shapes change
                            for layer in config["layers"] if layer["class_name"] != "MaxPooling2D"]
        expected = keras.Sequential.from_config(config).count_params()
        _compare(given, expected, "unpooled_parameters", mistakes=[
            (507_530, "that is the lesson CNN with its pooling layer."),
            (24 * 24 * 64, "that is the size of the flattened feature map, not a count of parameters.")])
        return f"{expected:,}: without pooling, Flatten passes 24 × 24 × 64 = 36,864 values to the first Dense layer."

    return [
        Exercise(
            "conv_parameters", conv_parameters,
            hints=["A 3×3 filter on 32 channels has 3 × 3 × 32 weights.", "Each filter adds one bias.",
                   "64 filters: (3 × 3 × 32 + 1) × 64."],
            solution="conv_parameters = (3 * 3 * 32 + 1) * 64",
            wrong_answers=[("conv_parameters = 3 * 3 * 32 * 64", "bias"), ("conv_parameters = 3 * 3 * 64 + 64",
                           "1 input channel")],
            right_answers=["conv_parameters = 3 * 3 * 32 * 64 + 64", "conv_parameters = 18_496.0"]),
        Exercise(
            "feature_model", feature_model,
            hints=["A 3×3 convolution without padding turns 28×28 into 26×26.",
                   "MaxPooling2D(2) halves 26×26 to 13×13.", "The last convolution sets the channels: 32 filters."],
            solution='feature_model = keras.Sequential([\n    keras.Input(shape=(28, 28, 1)),\n'
                     '    layers.Conv2D(32, (3, 3), activation="relu"),\n'
                     "    layers.MaxPooling2D(2),\n])",
            wrong_answers=[("feature_model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3)])", "26×26"),
                           ("feature_model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3, padding='same'),"
                            " layers.MaxPooling2D(2)])", "14×14"),
                           ("feature_model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(16, 3), "
                            "layers.MaxPooling2D(2)])",
                            "16 channels"),
                           ("feature_model = 'a CNN'", "a Keras model")],
            right_answers=["feature_model = keras.Sequential([layers.Input((28, 28, 1)), layers.Conv2D(32, 3, padding='valid'),"
                           " layers.MaxPool2D()])"]),
        Exercise(
            "unpooled_parameters", unpooled_parameters,
            hints=["Only the first Dense layer changes: its inputs are the flattened feature map.",
                   "Without pooling the map stays 24 × 24 × 64.",
                   "Dense(64) on 36,864 inputs has 36,864 × 64 + 64 parameters; add the other layers'."],
            solution="flattened = 24 * 24 * 64  # the second convolution's output, no longer pooled\n"
                     "unpooled_parameters = (3 * 3 * 1 * 16 + 16) + (3 * 3 * 16 * 64 + 64) + (flattened * 64 + 64) "
                     "+ (64 * 32 + 32) + (32 * 10 + 10)",
            wrong_answers=[("unpooled_parameters = 507_530", "with its pooling layer"), ("unpooled_parameters = 24 * 24 * 64",
                           "flattened")],
            right_answers=["unpooled_parameters = 160 + 9_280 + (24 * 24 * 64 * 64 + 64) + 2_080 + 330",
                           "unpooled_parameters = np.int64(2_371_210)"]),
    ]


EXERCISE_SETS[2] = exercises_02
