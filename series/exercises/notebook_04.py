RECAP_CELL = "the recap cell near the top (`model, history = series.load_lesson_model()`)"


def exercises_04():
    def epochs_after_lowest_loss(given, namespace):
        history = _history_record(namespace["history"])
        epochs, lowest = len(history["val_loss"]), int(np.argmin(history["val_loss"])) + 1
        expected = epochs - lowest
        _compare(given, expected, "epochs_after_lowest_loss", from_this_run=True,
                 mistakes=[(lowest, "that is the epoch of the lowest validation loss itself; count the epochs after it."),
                           (epochs - lowest + 1, "that counts the epoch of the lowest loss too (or subtracts its "
                                                 "index, counted from 0); only the epochs after it count."),
                           (epochs - (int(np.argmax(history["val_accuracy"])) + 1),
                            "that counts from the highest validation accuracy; the question is about the loss."),
                           (epochs - (int(np.argmin(history["loss"])) + 1), "that counts from the lowest training loss; "
                                                                            "look at val_loss.")])
        return (f"{expected} of {epochs} epochs came after the lowest validation loss (epoch {lowest}): training time "
                "that, by this measure, only overfitted.")

    def best_epoch(given, namespace):
        function = given
        cases = [{"loss": [0.9, 0.5, 0.3, 0.2], "val_loss": [0.8, 0.6, 0.7, 0.9],
                  "accuracy": [0.70, 0.80, 0.85, 0.90], "val_accuracy": [0.72, 0.78, 0.80, 0.79]},
                 {"loss": [1.0, 0.8, 0.6], "val_loss": [0.5, 0.6, 0.7],
                  "accuracy": [0.60, 0.70, 0.80], "val_accuracy": [0.80, 0.79, 0.81]},
                 {"loss": [2.0, 1.0, 0.5, 0.4, 0.3], "val_loss": [1.5, 1.0, 0.8, 0.7, 0.75],
                  "accuracy": [0.5, 0.6, 0.7, 0.8, 0.9], "val_accuracy": [0.55, 0.65, 0.70, 0.74, 0.73]},
                 {"loss": [1.0, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2], "val_loss": [0.9, 0.6, 0.65, 0.5, 0.55, 0.6, 0.7],
                  "accuracy": [0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
                  "val_accuracy": [0.62, 0.72, 0.71, 0.77, 0.78, 0.76, 0.75]}]
        answers = [as_number(called(function, case), "best_epoch(history)") for case in cases]
        if len(set(answers)) == 1:
            raise Wrong(f"your function returns {_written(answers[0])} for every history it is given: it must read the "
                        "epoch from history['val_loss'].")
        for case, got in zip(cases, answers):
            expected = int(np.argmin(case["val_loss"])) + 1
            if got == expected:
                continue
            if not float(got).is_integer():
                raise Wrong(f"for val_loss {case['val_loss']} you return {_written(got)}, not an epoch number: return the "
                            "epoch (counted from 1) at which the validation loss is lowest, not the loss itself.")
            if got == expected - 1:
                raise Wrong(f"for val_loss {case['val_loss']} you return {_written(got)}: one less than the epoch, as an "
                            "index from 0 gives (or a list that skips the first epoch); epochs count from 1.")
            if got == int(np.argmin(case["loss"])) + 1:
                raise Wrong(f"for loss {case['loss']} you return {_written(got)}: the lowest training loss; use val_loss.")
            if got == int(np.argmax(case["val_accuracy"])) + 1:
                raise Wrong(f"for val_accuracy {case['val_accuracy']} you return {_written(got)}: the best validation "
                            "accuracy; the exercise asks for the lowest validation loss.")
            if got < expected:
                raise Wrong(f"for val_loss {case['val_loss']} you return {_written(got)}, a dip that a later epoch goes "
                            f"below; the lowest is at epoch {expected}. Look at every epoch, not only the first rise.")
            raise Wrong(f"for val_loss {case['val_loss']} you return {_written(got)}; the lowest is at epoch {expected}.")
        return "it finds the lowest validation loss, counting epochs from 1."

    def widening_gap(given, namespace):
        history = _history_record(namespace["history"])
        gaps = np.asarray(history["accuracy"]) - np.asarray(history["val_accuracy"])
        expected = int((gaps > 0.05).sum())
        mistakes = [(wrong, sentence) for wrong, sentence in [
            (int((gaps > 5).sum()), "accuracies run from 0 to 1: 5 points is 0.05."),
            (int((-gaps > 0.05).sum()), "subtract validation accuracy from training accuracy, not the reverse."),
            (int(((np.asarray(history["loss"]) - np.asarray(history["val_loss"])) > 0.05).sum()),
             "that compares the losses; the gap in question is between the accuracies.")]
            if wrong != expected]  # in a short run a mistake can give the right count; it is then not one
        _compare(given, expected, "epochs_past_5_points", from_this_run=True,
                 mistakes=mistakes)
        return (f"{expected} of {len(gaps)} epochs" + (": the gap opens early and keeps widening." if expected
                                                        else ": in this short run the gap never reached 5 points."))

    return [
        Exercise(
            "epochs_after_lowest_loss", epochs_after_lowest_loss,
            hints=["np.argmin(history['val_loss']) gives the index of the lowest loss, from 0; "
                   "add 1 for its epoch.", "len(history['val_loss']) is the number of epochs run.",
                   "Subtract: epochs run minus the epoch of the lowest loss."],
            solution='lowest_loss_epoch = int(np.argmin(history["val_loss"])) + 1\n'
                     'epochs_after_lowest_loss = len(history["val_loss"]) - lowest_loss_epoch',
            needs={"history": RECAP_CELL},
            wrong_answers=[("epochs_after_lowest_loss = len(history['loss']) - int(np.argmin(history['loss'])) - 1",
                           "training loss"),
                           ("epochs_after_lowest_loss = len(history['val_loss']) - int(np.argmin(history['val_loss']))",
                           "from 0"),
                           ("epochs_after_lowest_loss = len(history['val_loss']) - int(np.argmax(history['val_accuracy'])) - 1",
                            "highest validation accuracy")],
            right_answers=["epochs_after_lowest_loss = len(history['val_loss']) - np.argmin(history['val_loss']) - 1",
                           "losses = history['val_loss']\nepochs_after_lowest_loss = len(losses) - 1 - "
                           "losses.index(min(losses))"]),
        Exercise(
            "best_epoch", best_epoch,
            hints=["Look at history['val_loss'], not at 'loss'.", "np.argmin finds the index of the lowest value.",
                   "Epochs count from 1; indexes from 0."],
            solution='def best_epoch(history):\n    return int(np.argmin(history["val_loss"])) + 1',
            wrong_answers=[("def best_epoch(history):\n    return int(np.argmin(history['val_loss']))", "from 0"),
                           ("def best_epoch(history):\n    return int(np.argmin(history['loss'])) + 1", "training loss"),
                           ("def best_epoch(history):\n    return 3", "for every history"),
                           ("def best_epoch(history):\n    return min(history['val_loss'])", "not an epoch number"),
                           ("def best_epoch(history):\n    v = history['val_loss']\n    for i in range(1, len(v)):\n"
                            "        if v[i] > v[i - 1]:\n            return i\n    return len(v)", "a dip that a later epoch")],
            right_answers=["def best_epoch(history):\n    return np.argmin(history['val_loss']) + 1",
                           "def best_epoch(history):\n    losses = list(history['val_loss'])\n    return "
                           "losses.index(min(losses)) + 1"]),
        Exercise(
            "epochs_past_5_points", widening_gap,
            hints=["Subtract the two lists as NumPy arrays: training minus validation accuracy.",
                   "5 points of accuracy is 0.05.", "(gaps > 0.05).sum() counts the epochs."],
            solution='gaps = np.array(history["accuracy"]) - np.array(history["val_accuracy"])\n'
                     "epochs_past_5_points = int((gaps > 0.05).sum())",
            needs={"history": RECAP_CELL},
            wrong_answers=[("gaps = np.array(history['accuracy']) - np.array(history['val_accuracy'])\n"
                            "epochs_past_5_points = int((gaps > 5).sum())", "0.05"),
                           ("gaps = np.array(history['val_accuracy']) - np.array(history['accuracy'])\n"
                            "epochs_past_5_points = int((gaps > 0.05).sum())", "not the reverse"),
                           ("gaps = np.array(history['loss']) - np.array(history['val_loss'])\n"
                            "epochs_past_5_points = int((gaps > 0.05).sum())", "compares the losses")],
            right_answers=["epochs_past_5_points = sum(a - v > 0.05 for a, v in zip(history['accuracy'], "
                           "history['val_accuracy']))",
                           "epochs_past_5_points = np.count_nonzero(np.subtract(history['accuracy'], history['val_accuracy']) > "
                           "0.05)"]),
    ]


EXERCISE_SETS[4] = exercises_04
