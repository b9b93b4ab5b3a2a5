# Names a reader may give a class instead of the dataset's own.
SHORT_CLASS_NAMES = {"T-shirt/top": ["T-shirt", "tshirt", "tee", "top"], "Ankle boot": ["boot"]}


def exercises_06():
    def recall(given, namespace):
        function = given
        confusion = np.array([[50, 10, 0], [5, 35, 10], [0, 20, 70]])
        got = as_values(called(function, confusion), "recall_per_class(confusion)")
        expected = np.diag(confusion) / confusion.sum(axis=1)
        if got.shape != (3,):
            raise Wrong(f"for a 3-class matrix you return shape {got.shape}: recall is one number per class.")
        if agree_everywhere(got, expected):
            return "each class's right answers divided by that class's images: the row sums."
        if agree_everywhere(got, np.diag(confusion) / confusion.sum(axis=0)):
            raise Wrong(f"you return {np.round(got, 3).tolist()}: dividing by column sums gives precision; "
                        "recall divides by the row sums, the images of each true class.")
        raise Wrong(f"for {confusion.tolist()} you return {np.round(got, 3).tolist()}; the recalls are "
                    f"{np.round(expected, 3).tolist()}.")

    def interval(given, namespace):
        function = given
        for case, (p, n) in enumerate([(0.9, 10_000), (0.75, 400)]):  # case 1 is reached only when case 0 was right
            expected = 1.96 * np.sqrt(p * (1 - p) / n)
            got = as_number(called(function, p, n), f"interval_half_width({p}, {n:_})")
            if agrees(got, expected, 1e-4 * expected):  # 1.96 or scipy.stats.norm.ppf(0.975) = 1.95996...
                continue
            if agrees(got, 100 * expected, 1e-2 * expected):
                raise Wrong(f"you return {got:.4f}: that is in percentage points; the half-width of an accuracy is a "
                            "share, like the accuracy itself.")
            if agrees(got, expected / 1.96, 1e-4 * expected):
                raise Wrong(f"you return {got:.4f}: the standard error; a 95 % interval is 1.96 standard errors wide "
                            "each way.")
            if agrees(got, 1.96 * p * (1 - p) / n):
                raise Wrong(f"you return {got:.2e}: take the square root of p (1 - p) / n.")
            if agrees(got, 1.96 * np.sqrt(p * (1 - p) / (n - 1)), 1e-6 * expected):
                raise Wrong(f"for p = {p} and n = {n:,} you return {got:.5f}: that divides by n - 1, as a sample's "
                            "variance does; the standard error of an accuracy divides p (1 - p) by n.")
            mine, theirs = _differing(got, expected)
            raise Wrong(f"for p = {p} and n = {n:,} you return {mine}; the half-width is {theirs}."
                        + (" It was right for p = 0.9 and n = 10,000: does it use both p and n?" if case else ""))
        return ("±0.0059 for an accuracy of 0.9 on 10,000 images, ±0.0424 for 0.75 on 400: the ± of the test accuracy "
                "above.")

    def shirts_mistaken_for(given, namespace):
        predicted = namespace["predicted"]
        y_test = namespace["y_test"]
        shirt = CLASS_NAMES.index("Shirt")
        row = np.bincount(predicted[y_test == shirt], minlength=10)  # what the Shirt images were predicted as
        column = np.bincount(y_test[predicted == shirt], minlength=10)  # what the images predicted Shirt were
        row[shirt], column[shirt] = -1, -1
        expected = CLASS_NAMES[int(np.argmax(row))]
        choice = given
        if isinstance(choice, (int, np.integer)) and 0 <= choice < len(CLASS_NAMES):
            choice = CLASS_NAMES[choice]  # a class number names its class
        if says(choice, [expected] + SHORT_CLASS_NAMES.get(expected, [])):
            return (f"{expected}: {row.max():,} of the {int((y_test == shirt).sum()):,} Shirt images were taken for one, "
                    "more than for any other class.")
        if says(choice, ["Shirt"]):
            raise Wrong("Shirt is the right answer for a Shirt; the question asks which wrong class the Shirts are "
                        "taken for most: the largest number in the Shirt row, off the diagonal.")
        if says(choice, [CLASS_NAMES[int(np.argmax(column))]]):
            raise Wrong(f"{choice}: those are the images most often taken FOR a Shirt (the Shirt column); the question "
                        "asks what the Shirt images are taken for (the Shirt row).")
        raise Wrong(f"{choice!r} is not the class that most Shirt images are wrongly predicted as. Read the Shirt row "
                    "of the confusion matrix, or count predicted[y_test == 6].")

    return [
        Exercise(
            "recall_per_class", recall,
            hints=["Rows are true classes, columns predicted ones.", "The diagonal holds the right answers.",
                   "Divide the diagonal by each row's sum."],
            solution="def recall_per_class(confusion):\n    return np.diag(confusion) / confusion.sum(axis=1)",
            wrong_answers=[("def recall_per_class(confusion):\n    return np.diag(confusion) / confusion.sum(axis=0)",
                           "precision"),
                           ("def recall_per_class(confusion):\n    return np.diag(confusion).sum() / confusion.sum()",
                           "one number per class")],
            right_answers=["def recall_per_class(confusion):\n    return confusion.diagonal() / confusion.sum(1)",
                           "def recall_per_class(confusion):\n    return np.round(np.diag(confusion) / confusion.sum(axis=1), 3)",
                           "def recall_per_class(confusion):\n    return {i: confusion[i][i] / sum(confusion[i]) for i in "
                           "range(3)}",
                           "def recall_per_class(confusion):\n    return [confusion[i, i] / confusion[i].sum() for i in "
                           "range(3)]"]),
        Exercise(
            "interval_half_width", interval,
            hints=["The standard error of an accuracy p on n images is sqrt(p (1 - p) / n).",
                   "A 95 % interval reaches 1.96 standard errors each way."],
            solution="def interval_half_width(p, n):\n    return 1.96 * np.sqrt(p * (1 - p) / n)",
            wrong_answers=[("def interval_half_width(p, n):\n    return np.sqrt(p * (1 - p) / n)", "1.96"),
                           ("def interval_half_width(p, n):\n    return 1.96 * p * (1 - p) / n", "square root"),
                           ("def interval_half_width(p, n):\n    return 1.96 * np.sqrt(p * (1 - p) / (n - 1))", "n - 1"),
                           ("def interval_half_width(p, n):\n    return 0.0059", "use both p and n"),
                           ("def interval_half_width(p, n):\n    return 100 * 1.96 * np.sqrt(p * (1 - p) / n)",
                           "percentage points"),
                           ("def interval_half_width(p, n):\n    return 1.96 * np.sqrt(p * (1 - p) / 10_000)",
                           "use both p and n")],
            right_answers=["from scipy.stats import norm\n\n\ndef interval_half_width(p, n):\n"
                           "    return norm.ppf(0.975) * math.sqrt(p * (1 - p) / n)",
                           "def interval_half_width(p, n):\n    return 1.96 * (p * (1 - p) / n) ** 0.5"]),
        Exercise(
            "shirts_mistaken_for", shirts_mistaken_for,
            hints=["Rows of the confusion matrix are true classes: the Shirt row shows what the Shirt "
                   "images were predicted as.",
                   "np.bincount(predicted[y_test == 6], minlength=10) counts them; leave out index 6, the "
                   "right answers."],
            solution="taken_for = np.bincount(predicted[y_test == 6], minlength=10)\n"
                     "taken_for[6] = 0  # the Shirts predicted right\n"
                     "shirts_mistaken_for = series.CLASS_NAMES[int(np.argmax(taken_for))]",
            needs={"predicted": "the per-class cell (`predicted = probabilities.argmax(axis=1)`)", "y_test": "the setup cell "
                   "that loads the data"},
            wrong_answers=[("shirts_mistaken_for = 'Shirt'", "right answer for a Shirt"),
                           ("shirts_mistaken_for = 'Pullover'", "taken FOR a Shirt"), ("shirts_mistaken_for = 'Bag'",
                           "Shirt row")],
            right_answers=["shirts_mistaken_for = 't-shirt/top'", "shirts_mistaken_for = 0", "shirts_mistaken_for = 'T-shirt'",
                           "shirts_mistaken_for = 'T-shirts'",
                           "import collections\nshirts_mistaken_for = series.CLASS_NAMES[collections.Counter("
                           "predicted[(y_test == 6) & (predicted != 6)].tolist()).most_common(1)[0][0]]"]),
        Exercise(
            "my_cnn", lambda given, namespace: _trained_model_challenge(given, "my_cnn", 507_530),
            hints=["Start from series.build_lesson_cnn() or a smaller Sequential: Rescaling, Conv2D, MaxPooling2D, Flatten, "
                   "Dense.",
                   "Compile with Adam and sparse_categorical_crossentropy; fit on x_train[:48_000] only, a few epochs.",
                   "The lesson CNN passes 0.90 on validation after about 3 epochs."],
            solution="training_images = int(len(x_train) * 0.8)  # the first 80 %: the validation images stay unseen\n"
                     "my_cnn = series.build_lesson_cnn()\n"
                     'my_cnn.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])\n'
                     "my_cnn.fit(x_train[:training_images], y_train[:training_images], batch_size=128, epochs=3, verbose=2)",
            wrong_answers=[("my_cnn = series.build_lesson_cnn()", "below the target"), ("my_cnn = 'my model'", "a Keras model")]),
    ]


EXERCISE_SETS[6] = exercises_06
