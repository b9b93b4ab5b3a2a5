def exercises_07():
    def same_convolution(given, namespace):
        function = given
        rng = np.random.default_rng(0)
        images, kernel, bias = rng.normal(size=(2, 9, 9, 3)), rng.normal(size=(3, 3, 3, 4)), rng.normal(size=4)
        convolution = layers.Conv2D(4, 3, padding="same")
        convolution.build((None, 9, 9, 3))
        convolution.set_weights([kernel, bias])
        expected = np.asarray(convolution(images.astype("float32")))
        got = as_values(called(function, images, kernel, bias), "conv2d_same(images, kernel, bias)")
        if got.shape == (2, 7, 7, 4):
            raise Wrong("your output is 7×7 for a 9×9 input: a 3×3 convolution with padding='valid' loses one pixel on "
                        "each side; 'same' pads one row and column of zeros on each side first.")
        if got.shape != expected.shape:
            raise Wrong(f"your output has shape {got.shape}; 'same' keeps (2, 9, 9, 4).")
        error = float(np.abs(got - expected).max())
        if error > 1e-4:
            raise Wrong(f"the shape is right, but values differ from Keras' by up to {error:.3g}: pad with zeros, "
                        "then convolve as conv2d does.")
        return "equal to Keras' Conv2D(padding='same') on random inputs."

    def pooled_size(given, namespace):
        _compare(given, 9, "pooled_size", mistakes=[
            (10, "that is 20 / 2, a pooling of 2 with stride 2; here the window is 3."),
            (6, "that is 20 / 3 rounded down, as if the stride were 3."), (18, "that is 20 - 3 + 1 with stride 1.")])
        return "(20 - 3) // 2 + 1 = 9 windows fit across, as 24 became 11 in the lesson CNN."

    def multiplications(given, namespace):
        expected = 24 * 24 * 64 * 3 * 3 * 16
        _compare(given, expected, "multiplications", mistakes=[
            (26 * 26 * 64 * 3 * 3 * 16, "a 'valid' 3×3 convolution on 26×26 gives 24×24 outputs, not 26×26."),
            (24 * 24 * 64 * 3 * 3, "each output sums over all 16 input channels too."),
            (3 * 3 * 16 * 64, "that is the number of weights; each is used at every one of the 24 × 24 positions.")])
        return f"{expected:,}: 24 × 24 positions, 64 filters, 3 × 3 × 16 products each."

    return [
        Exercise(
            "conv2d_same", same_convolution,
            hints=["'same' adds one row and column of zeros on each side of a 3×3 convolution's input.",
                   "np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0))) pads height and width only.",
                   "Then call conv2d, from above, on the padded images."],
            solution="def conv2d_same(images, kernel, bias):\n    padded = np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)))\n"
                     "    return conv2d(padded, kernel, bias)",
            wrong_answers=[("def conv2d_same(images, kernel, bias):\n    return conv2d(images, kernel, bias)", "7×7"),
                           ("def conv2d_same(images, kernel, bias):\n"
                            "    return conv2d(np.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)), constant_values=1), kernel, "
                            "bias)",
                            "values differ")],
            right_answers=["def conv2d_same(images, kernel, bias):\n"
                           "    return conv2d(np.pad(images, [(0, 0), (1, 1), (1, 1), (0, 0)], mode='constant'), kernel, bias)",
                           "def conv2d_same(images, kernel, bias):\n"
                           "    return keras.ops.conv(images.astype('float32'), kernel.astype('float32'), padding='same') + "
                           "bias"]),
        Exercise(
            "pooled_size", pooled_size,
            hints=["A 3-wide window at stride 2 starts at 0, 2, 4, ...", "The last start must leave room for 3 pixels.",
                   "(size - window) // stride + 1."],
            solution="pooled_size = (20 - 3) // 2 + 1",
            wrong_answers=[("pooled_size = 10", "stride 2"), ("pooled_size = 6", "stride were 3")],
            right_answers=["pooled_size = int((20 - 3) / 2) + 1", "pooled_size = 9.0"]),
        Exercise(
            "multiplications", multiplications,
            hints=["A 3×3 'valid' convolution on 26×26 gives 24×24 outputs per filter.",
                   "Each output is a sum of 3 × 3 × 16 products."],
            solution="multiplications = 24 * 24 * 64 * 3 * 3 * 16",
            wrong_answers=[("multiplications = 26 * 26 * 64 * 3 * 3 * 16", "24×24"), ("multiplications = 24 * 24 * 64 * 3 * 3",
                           "16 input")],
            right_answers=["multiplications = 24 * 24 * 64 * 9 * 16", "multiplications = 5_308_416"]),
    ]


EXERCISE_SETS[7] = exercises_07
