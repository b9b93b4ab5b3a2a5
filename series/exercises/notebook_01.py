def exercises_01():
    def black_pixels(given, namespace):
        (x_train, _), _ = _fashion_mnist()
        image = x_train[0]
        expected = int((image == 0).sum())
        _compare(given, expected, "black_pixels", mistakes=[
            (int((image > 0).sum()), "those are the pixels that are not black; black is the value 0."),
            (image.size, "that is every pixel of the image, 28 × 28."),
            (expected / image.size, "that is the share of black pixels; the exercise asks how many."),
            (int((x_train == 0).sum()), "that counts the black pixels of every training image; the exercise asks about "
                                        "x_train[0] alone.")])
        return f"{expected} of its 784 pixels are 0: the garment fills less than half of the square."

    def validation_counts(given, namespace):
        counts = as_values(given, "validation_counts", by_class=True)
        (x_train, y_train), (_, y_test) = _fashion_mnist()
        _, (_, y_val) = split_for_validation(x_train, y_train)
        expected = np.bincount(y_val, minlength=10)
        if counts.shape != (10,):
            raise Wrong(f"`validation_counts` should hold 10 counts, one per class; yours has shape {counts.shape}.")
        if np.array_equal(counts, expected):
            return f"from {expected.min():,} to {expected.max():,} images a class: close to balanced, not exactly."
        for wrong, sentence in [(np.bincount(y_train[:12_000], minlength=10), "those are the first 12,000 images; "
                                 "validation_split=0.2 takes the last 20 % of the training arrays."),
                                (np.bincount(y_train, minlength=10), "those are all 60,000 training images."),
                                (np.bincount(y_test, minlength=10), "those are the test images, which wait for 06.")]:
            if np.array_equal(counts, wrong):
                raise Wrong(f"your counts sum to {_written(counts.sum())}: {sentence}")
        if np.array_equal(np.sort(counts), np.sort(expected)):
            raise Wrong("these are the right counts in another order: the count at index i must be class i's, "
                        f"{CLASS_NAMES[0]!r} first.")
        if counts.sum() == len(y_val):
            raise Wrong("the total is right, but these are not the counts of the validation split: the classes of its "
                        "12,000 images are close to 1,200 each, not exactly. Count them from the labels.")
        raise Wrong(f"your counts sum to {_written(counts.sum())}; the validation split has 12,000 images.")

    def mean_brightness(given, namespace):
        (x_train, _), _ = _fashion_mnist()
        expected = float(x_train.mean() / 255)
        value = as_number(given, "mean_brightness")
        if agrees(value, 100 * expected, 0.05):
            raise Wrong(f"your mean_brightness is {value:.4g}: that is a percentage; the exercise asks for a share from "
                        "0 to 1.")
        if 1 < value <= 255:
            raise Wrong(f"your mean_brightness is {value:.4g}: that is on the 0-255 scale; the exercise asks for 0-1, "
                        "so divide by 255.")
        _compare(value, expected, "mean_brightness", 5e-4, mistakes=[
            (float(_fashion_mnist()[1][0].mean() / 255), "that is the test set's mean; use x_train.")])
        return f"{expected:.4f}: most pixels are black background, so the mean is far below 0.5."

    return [
        Exercise(
            "black_pixels", black_pixels,
            hints=["x_train[0] is a 28 × 28 array of whole numbers; black is 0.",
                   "(x_train[0] == 0) is True where a pixel is black; .sum() counts the Trues."],
            solution="black_pixels = int((x_train[0] == 0).sum())",
            wrong_answers=[("black_pixels = int((x_train[0] > 0).sum())", "not black"), ("black_pixels = 784", "every pixel"),
                           ("black_pixels = (x_train[0] == 0).mean()", "the share"), ("black_pixels = int((x_train == 0).sum())",
                                                                                     "x_train[0] alone")],
            right_answers=["black_pixels = np.count_nonzero(x_train[0] == 0)", "black_pixels = keras.ops.sum(x_train[0] == 0)",
                           "black_pixels = 784 - np.count_nonzero(x_train[0])"]),
        Exercise(
            "validation_counts", validation_counts,
            hints=["Keras' validation_split=0.2 keeps the last 20 % of the arrays for validation.",
                   "The last 12,000 labels are y_train[48_000:].",
                   "np.bincount(labels, minlength=10) counts each class."],
            solution="validation_counts = np.bincount(y_train[48_000:], minlength=10)",
            wrong_answers=[("validation_counts = np.bincount(y_train[:12_000], minlength=10)", "first 12,000"),
                           ("validation_counts = np.bincount(y_train, minlength=10)", "all 60,000"),
                           ("validation_counts = [1, 2, 3]", "10 counts"), ("validation_counts = [1200] * 10", "not exactly"),
                           ("validation_counts = np.bincount(y_train[48_000:], minlength=10)[::-1]", "another order"),
                           ("validation_counts = np.bincount(y_train[:12_000], minlength=10).astype(float)", "sum to 12,000:")],
            right_answers=["import collections\nvalidation_counts = collections.Counter(y_train[48_000:].tolist())",
                           "validation_counts = {series.CLASS_NAMES[c]: int((y_train[48_000:] == c).sum()) for c in range(10)}",
                           "validation_counts = list(np.bincount(y_train[-12_000:]))"]),
        Exercise(
            "mean_brightness", mean_brightness,
            hints=["x_train.mean() averages every pixel of every image.", "Pixels run from 0 to 255."],
            solution="mean_brightness = x_train.mean() / 255",
            wrong_answers=[("mean_brightness = x_train.mean()", "0-255 scale"), ("mean_brightness = 72.9", "0-255 scale"),
                           ("mean_brightness = 100 * x_train.mean() / 255", "percentage"), ("mean_brightness = 0.3",
                           "too coarse"),
                           ("mean_brightness = 0.28", "round"),
                           ("mean_brightness = np.median(x_train) / 255", "not it"),
                           ("mean_brightness = x_test.mean() / 255", "test set")],
            right_answers=["mean_brightness = keras.ops.mean(x_train[..., None] / 255)", "mean_brightness = 0.29",
                           "mean_brightness = np.mean(x_train / 255.0, keepdims=True)"]),
    ]


EXERCISE_SETS[1] = exercises_01
