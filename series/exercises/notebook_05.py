def exercises_05():
    def reloaded_model(given, namespace):
        source = namespace["model_from_keras"]
        reloaded = given
        if not isinstance(reloaded, keras.Model):
            raise Wrong(f"`reloaded` should be a Keras model, as keras.models.load_model returns; yours is a "
                        f"{type(reloaded).__name__}.")
        for name in ("model", "model_from_keras", "model_from_h5"):
            if reloaded is namespace.get(name):
                raise Wrong(f"`reloaded` is `{name}` itself, not a copy read back from your file: save "
                            "model_from_keras, then load the file you saved.")
        images = _fashion_mnist()[0][0][48_000:48_016, ..., np.newaxis]  # validation images: the test set waits for 06
        different = int((source.predict(images, verbose=0) != reloaded.predict(images, verbose=0)).sum())
        if different:
            raise Wrong(f"{different} of {16 * 10} probabilities differ from model_from_keras's: did you save that "
                        "trained model, or build a new one?")
        optimizer = getattr(reloaded, "optimizer", None)
        if optimizer is None:
            raise Wrong("the model came back without an optimizer: a model built anew (load_weights restores the weights "
                        "alone) or loaded with compile=False has none. Save model_from_keras with .save() to a .keras file, "
                        "then read that file with keras.models.load_model(), and Adam comes back with its state.")
        if type(optimizer).__name__ != "Adam":
            raise Wrong(f"the model came back with {type(optimizer).__name__}, not the Adam optimizer it trained with: "
                        "save model_from_keras (never saved as .h5) to a .keras file.")
        kept, saved = len(optimizer.variables), len(source.optimizer.variables)
        if kept != saved or any(not np.array_equal(np.asarray(mine), np.asarray(theirs))
                                for mine, theirs in zip(optimizer.variables, source.optimizer.variables)):
            raise Wrong(f"the model came back with Adam, but not with Adam's state ({kept} of its {saved} variables "
                        "equal): that is what an .h5 file keeps. Save to a .keras file, which keeps them all.")
        return "its 160 probabilities on 16 validation images equal the model's, bit for bit, and Adam's state is whole."

    def conv_adam_variables(given, namespace):
        source = namespace["model_from_keras"]
        convolutions = [layer for layer in source.layers if isinstance(layer, layers.Conv2D)]
        tensors = sum(len(layer.trainable_weights) for layer in convolutions)
        expected = 2 * tensors
        _compare(given, expected, "conv_adam_variables", mistakes=[
            (tensors, "that is one variable per weight tensor; Adam keeps two for each, the running means of its "
                      "gradients and of their squares."),
            (len(convolutions), "that counts the layers; the moments belong to weight tensors, and each Conv2D layer has "
                                "two, its kernel and its bias."),
            (expected + 2, "the step counter and the learning rate belong to Adam as a whole, not to the convolutions."),
            (len(source.optimizer.variables), "that counts all of Adam's variables; the question asks about the two "
                                              "convolution layers.")])
        return (f"{expected}: two moments for each of the {tensors} weight tensors of the convolutions (a kernel and a "
                "bias each). The .keras file keeps every one of Adam's variables, so training goes on where it stopped; "
                "a model loaded from .h5 comes back without the moments.")

    def h5_megabytes(given, namespace):
        h5_path = namespace["H5_PATH"]
        if not h5_path.exists():
            raise NotReady(f"{h5_path} is not there: run the cell that saves the .h5 file (`model.save(H5_PATH)`) "
                           "first, then check again.")
        size = h5_path.stat().st_size
        _compare(given, size / 2**20, "h5_megabytes", 0.05, mistakes=[
            (size / 2**10, "that is in KiB; divide by 1,024 once more."), (size, "that is in bytes."),
            (size / 1e6, "that is in megabytes of 1,000,000 bytes (MB); a MiB is 2**20 = 1,048,576 bytes.")])
        return f"{size / 2**20:.1f} MiB: 507,530 float32 weights take 2.0 MB, and Adam's two moments as much again each."

    return [
        Exercise(
            "reloaded", reloaded_model,
            hints=["model.save(path) writes the file; keras.models.load_model(path) reads it back.",
                   'Use a .keras path in series.MODELS_DIR, such as series.MODELS_DIR / "my_copy.keras".',
                   "Save model_from_keras, not model: model was saved as .h5 first (see the trap above)."],
            solution='my_copy = series.MODELS_DIR / "my_copy.keras"\nmodel_from_keras.save(my_copy)\n'
                     "reloaded = keras.models.load_model(my_copy)",
            needs={"model_from_keras": "the cell that loads notebook 03's .keras file "
                                                      "(`model_from_keras = keras.models.load_model(...)`)"},
            wrong_answers=[("reloaded = model", "itself"), ("reloaded = series.build_lesson_cnn()", "differ"),
                           ("reloaded = 'my_copy.keras'", "a Keras model")],
            right_answers=["model_from_keras.save(series.MODELS_DIR / 'other.keras')\n"
                           "reloaded = keras.saving.load_model(series.MODELS_DIR / 'other.keras')",
                           "path = str(series.MODELS_DIR / 'copy_two.keras')\nkeras.saving.save_model(model_from_keras, path)\n"
                           "reloaded = keras.models.load_model(path)"]),
        Exercise(
            "conv_adam_variables", conv_adam_variables,
            hints=["The lesson CNN has two Conv2D layers, each with a kernel and a bias: 4 weight tensors.",
                   "Adam keeps 2 moments for each weight tensor; its step counter and learning rate belong "
                   "to no layer."],
            solution="convolutions = [layer for layer in model_from_keras.layers if isinstance(layer, keras.layers.Conv2D)]\n"
                     "conv_adam_variables = 2 * sum(len(layer.trainable_weights) for layer in convolutions)",
            needs={"model_from_keras": "the cell that loads notebook 03's .keras file "
                                                      "(`model_from_keras = keras.models.load_model(...)`)"},
            wrong_answers=[("conv_adam_variables = 4", "two for each"), ("conv_adam_variables = 2", "counts the layers"),
                           ("conv_adam_variables = 10", "Adam as a whole"), ("conv_adam_variables = 22", "all of Adam's")],
            right_answers=["conv_adam_variables = len([v for v in model_from_keras.optimizer.variables if 'conv2d' in v.path])",
                           "conv_adam_variables = 8.0", "conv_adam_variables = 2 * 2 * 2"]),
        Exercise(
            "h5_megabytes", h5_megabytes,
            hints=["The cell under 'What is on disk now' prints every file's size.",
                   "path.stat().st_size is in bytes; 1 MiB is 2**20 bytes."],
            solution="h5_megabytes = H5_PATH.stat().st_size / 2**20",
            needs={"H5_PATH": "the cell that saves the .h5 file (`model.save(H5_PATH)`)"},
            wrong_answers=[("h5_megabytes = H5_PATH.stat().st_size / 2**10", "KiB"),
                           ("h5_megabytes = H5_PATH.stat().st_size", "bytes"),
                           ("h5_megabytes = H5_PATH.stat().st_size / 1e6", "MiB")],
            right_answers=["h5_megabytes = round(H5_PATH.stat().st_size / 2**20, 1)",
                           "import os\nh5_megabytes = os.path.getsize(H5_PATH) / 1024 / 1024"]),
    ]


EXERCISE_SETS[5] = exercises_05
