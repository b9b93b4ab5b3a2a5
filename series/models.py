def load_published_weights(name, model, path, series_url=SERIES_URL):
    """Download the published weights `name` (from `series_url`) into `model`, then save the whole model to `path`;
    True on success.

    The series publishes weights rather than `.keras` files: weights load in every Keras 3 version
    that the series supports, while a `.keras` file written by a newer Keras may not load in an older one.
    """
    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        weights = Path(folder) / name
        if not download_published(name, weights, series_url):
            return False
        try:
            model.load_weights(weights)
        except ValueError as error:  # weights that do not fit this notebook's model
            print(f"Could not load {name} into {model.name}: {error}")
            return False
    save_atomically(path, model.save)
    return True


def load_lesson_model():
    """Notebook 03's model and history: the saved files, else the series' published ones, else trained here."""
    if MODEL_PATH.exists() and HISTORY_PATH.exists():
        print("Loaded the model and history that notebook 03 trained and saved.")
        return keras.models.load_model(MODEL_PATH), json.loads(HISTORY_PATH.read_text())

    if MODEL_PATH.exists() or HISTORY_PATH.exists():  # one of the two, from an interrupted run of notebook 03
        found = MODEL_PATH if MODEL_PATH.exists() else HISTORY_PATH
        print(f"{found} has lost its partner file: training both again here, exactly as notebook 03 does "
              f"(this replaces {found.name}): {EPOCHS} epochs. {CPU_TRAINING_ADVICE}")
    else:
        print(f"No trained model in {MODELS_DIR}/: downloading the one that notebook 03 trained for the series.")
        model = compiled_lesson_cnn()
        model.optimizer.build(model.trainable_variables)  # so that Adam's published state loads too
        if download_published("lesson_history.json", HISTORY_PATH) and load_published_weights(
            "lesson_cnn.weights.h5", model, MODEL_PATH
        ):
            return keras.models.load_model(MODEL_PATH), json.loads(HISTORY_PATH.read_text())
        print(f"Training it here instead, exactly as notebook 03 does: {EPOCHS} epochs. {CPU_TRAINING_ADVICE}")
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    keras.utils.set_random_seed(42)
    model = compiled_lesson_cnn()
    history = fit_lesson_cnn(model, x_train[:TRAIN_IMAGES, ..., np.newaxis], y_train[:TRAIN_IMAGES]).history
    save_atomically(MODEL_PATH, model.save)
    save_atomically(HISTORY_PATH, lambda path: path.write_text(json.dumps(history)))
    return model, history


def load_better_model():
    """Notebook 10's better CNN: the saved file, else the series' published one, else trained here."""
    if BETTER_MODEL_PATH.exists():
        print("Loaded the better model that notebook 10 trained and saved.")
        return keras.models.load_model(BETTER_MODEL_PATH)

    print(f"No better model in {MODELS_DIR}/: downloading the one that notebook 10 trained for the series.")
    if load_published_weights("better_cnn.weights.h5", build_better_cnn(), BETTER_MODEL_PATH):
        return keras.models.load_model(BETTER_MODEL_PATH)

    print(f"Training it here instead, exactly as notebook 10 does: {BETTER_EPOCHS} epochs. {CPU_TRAINING_ADVICE}")
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    (x_fit, y_fit), validation = split_for_validation(x_train[:TRAIN_IMAGES, ..., np.newaxis], y_train[:TRAIN_IMAGES])
    keras.utils.set_random_seed(42)
    better = compiled_better_cnn(steps_per_epoch=math.ceil(len(x_fit) / 128))
    history = better.fit(x_fit, y_fit, batch_size=128, epochs=BETTER_EPOCHS, validation_data=validation, verbose=2).history
    save_atomically(BETTER_MODEL_PATH, better.save)
    save_atomically(BETTER_HISTORY_PATH, lambda path: path.write_text(json.dumps(history)))
    return better
