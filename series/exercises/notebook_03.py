TRAINING_CELL_03 = ("the cell that trains the model (`history = model.fit(...)`), or, to skip the training, "
                    "`model, history = series.load_lesson_model()`")


EPOCHS_BEFORE_A_STOP = 10  # question 3: the epochs a shorter training would have run


def exercises_03():
    def wrong_loss(given, namespace):
        choice = given
        name = choice if isinstance(choice, str) else getattr(choice, "__name__", repr(choice))
        model = build_lesson_cnn()
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        (x_train, y_train), _ = _fashion_mnist()
        try:
            model.fit(x_train[:2, ..., np.newaxis], y_train[:2], verbose=0)
            raised = None
        except Exception as error:  # the point of the exercise: this fit fails
            raised = error
        if raised is not None and says(choice, [type(raised).__name__]):
            return f"Keras says: {_plain(raised)[:160]}"
        if "crossentropy" in name.lower():
            raise Wrong(f"{name!r} is a loss; the exercise asks for the class of the error that fit raises.")
        raise Wrong(f"fit raises {type(raised).__name__ if raised else 'nothing'}, not {name}: run the cell that "
                    "tries it, and read the last line of the error.")

    def total_steps(given, namespace):
        history = namespace["history"]  # the training's own record, whatever `model` names now
        epochs = len(_history_record(history)["loss"])
        steps = history.params["steps"] if hasattr(history, "params") else math.ceil(TRAIN_IMAGES * 0.8 / 128)
        expected = steps * epochs
        images = TRAIN_IMAGES * 0.8
        _compare(given, expected, "total_steps", from_this_run=True, mistakes=[
            (math.ceil(TRAIN_IMAGES / 128) * EPOCHS, f"that counts all {TRAIN_IMAGES:,} images; the validation "
                                                     f"split keeps 20 % aside, so fit trains on {images:,.0f}."),
            (EPOCHS, "that is the number of epochs; each epoch takes one step per batch of 128."),
            (math.ceil(images / 128), "that is one epoch's steps; the training ran for all its epochs.")])
        return f"{expected:,} steps: {steps:,} batches of 128 in each of {epochs} epochs."

    def best_validation_epoch(given, namespace):
        history = _history_record(namespace["history"])
        first = {key: values[:EPOCHS_BEFORE_A_STOP] for key, values in history.items()}
        expected = int(np.argmax(first["val_accuracy"])) + 1
        _compare(given, expected, "best_validation_epoch", from_this_run=True, mistakes=[
            (expected - 1, "Python counts from 0, epochs from 1: add 1 to the index."),
            (int(np.argmax(history["val_accuracy"])) + 1, f"that is the best of all {len(history['val_accuracy'])} "
                                                          f"epochs; the question stops after epoch {EPOCHS_BEFORE_A_STOP}: "
                                                          f"look at val_accuracy[:{EPOCHS_BEFORE_A_STOP}]."),
            (int(np.argmax(first["accuracy"])) + 1, "that is the best training accuracy; look at val_accuracy."),
            (int(np.argmin(first["val_loss"])) + 1, "that is where validation loss is lowest, not where accuracy is highest.")])
        same = int(np.argmin(first["val_loss"])) + 1 == expected
        return (f"epoch {expected}: a training stopped after epoch {EPOCHS_BEFORE_A_STOP} would keep that one, "
                "and a longer one may find a better epoch later."
                + (" In this run the lowest validation loss falls on the same epoch; in another the two can differ, so "
                   "read val_accuracy, not val_loss." if same else ""))

    return [
        Exercise(
            "error_name", wrong_loss,
            hints=["Compile a fresh model with loss='categorical_crossentropy' and fit it on two images.",
                   "Wrap it in try/except Exception as error, and print type(error).__name__.",
                   "categorical_crossentropy wants one-hot labels; ours are integers."],
            solution='trial = series.build_lesson_cnn()\ntrial.compile(optimizer="adam", loss="categorical_crossentropy")\n'
                     "try:\n    trial.fit(x_train[:2], y_train[:2], verbose=0)\nexcept Exception as error:\n"
                     "    error_name = type(error).__name__\n    print(error_name, error)",
            wrong_answers=[("error_name = 'TypeError'", "fit raises ValueError"), ("error_name = 'categorical_crossentropy'",
                           "is a loss")],
            right_answers=["error_name = ValueError", "error_name = 'valueerror'", "error_name = 'Value Error'"]),
        Exercise(
            "total_steps", total_steps,
            hints=["Each epoch takes one step per batch of 128 training images.",
                   "validation_split=0.2 leaves 80 % of the images for training.",
                   "history.params['steps'] holds one epoch's steps, and len(history.epoch) the epochs run."],
            solution='total_steps = history.params["steps"] * len(history.epoch)',
            needs={"history": TRAINING_CELL_03},
            wrong_answers=[("total_steps = series.EPOCHS", "number of epochs"),
                           ("total_steps = math.ceil(series.TRAIN_IMAGES / 128) * series.EPOCHS", "keeps 20 % aside")],
            right_answers=["total_steps = len(history.history['loss']) * history.params['steps']",
                           "total_steps = float(history.params['steps'] * len(history.epoch))"]),
        Exercise(
            "best_validation_epoch", best_validation_epoch,
            hints=["history.history['val_accuracy'] holds one value per epoch; the first 10 are [:10].",
                   "np.argmax gives the index, from 0."],
            solution='best_validation_epoch = int(np.argmax(history.history["val_accuracy"][:10])) + 1',
            needs={"history": TRAINING_CELL_03},
            wrong_answers=[("best_validation_epoch = int(np.argmax(history.history['val_accuracy'][:10]))", "counts from 0"),
                           ("best_validation_epoch = int(np.argmin(history.history['val_loss'][:10])) + 1",
                            "validation loss is lowest"),
                           ("best_validation_epoch = int(np.argmax(history.history['val_accuracy'])) + 1",
                            "the question stops after epoch 10")],
            right_answers=["best_validation_epoch = keras.ops.argmax(history.history['val_accuracy'][:10]) + 1",
                           "best_validation_epoch = np.argmax(history.history['val_accuracy'][0:10]) + 1",
                           "accuracies = history.history['val_accuracy'][:10]\n"
                           "best_validation_epoch = accuracies.index(max(accuracies)) + 1"]),
    ]


EXERCISE_SETS[3] = exercises_03
