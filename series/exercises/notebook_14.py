def odd_photo_for_exercise(folder):
    """A dark bag on a white background with a transparent border, wider than tall: an odd photo."""
    path = Path(folder) / "odd_photo.png"
    if not path.exists():
        picture = Image.new("RGBA", (300, 120), (255, 255, 255, 0))
        picture.paste(Image.new("RGBA", (260, 100), (255, 255, 255, 255)), (20, 10))
        picture.paste(Image.new("RGBA", (120, 70), (40, 30, 20, 255)), (90, 30))
        save_atomically(path, picture.save)
    return path


def exercises_14():
    def empty_rows(given, namespace):
        path = namespace["odd_photo_path"]
        image = photo_to_model_input(path)[..., 0]
        expected = int((image == 0).all(axis=1).sum())
        _compare(given, expected, "empty_rows", mistakes=[
            (int((image == 0).all(axis=0).sum()), "those are the empty columns; the question asks about the rows."),
            (28 - expected, "those are the rows that hold some of the bag; the question asks for the empty ones."),
            (int((image == 0).sum()), "that counts background pixels; the question asks for whole rows of them."),
            (int((np.asarray(Image.open(path).convert("L")) == 255).all(axis=1).sum()),
             "that counts rows of the photo as stored; the question asks about the 28 × 28 model input.")])
        return (f"{expected} of 28 rows: the wide photo is scaled to fit the square without stretching, so the bag keeps "
                "its shape and background fills the rows above and below it, as in Fashion-MNIST's own images.")

    def error_class(given, namespace):
        choice = given
        name = choice if isinstance(choice, str) else getattr(choice, "__name__", repr(choice))
        try:
            Image.open(io.BytesIO(b""))
            raised = None
        except Exception as error:  # the point of the exercise: Pillow cannot open 0 bytes
            raised = type(error)
        if raised is not None and says(choice, [raised.__name__]):
            return (f"{raised.__name__}: Pillow finds no image format in 0 bytes. photo_to_model_input checks the size "
                    "first and raises PhotoError instead, whose message says what to do.")
        if says(choice, ["PhotoError", "photo error"]):
            raise Wrong("PhotoError is the series' own class, which photo_to_model_input raises after its own checks; the "
                        "question asks what Pillow's Image.open raises by itself.")
        if raised is not None and says(choice, [parent.__name__ for parent in raised.__mro__[1:]]):
            raise Wrong(f"{name} is a parent class of the one Pillow raises: give the class itself, "
                        "type(error).__name__.")
        if says(choice, ["FileNotFoundError"]):
            raise Wrong("the file is there; it holds 0 bytes. Try it: open an empty file inside try/except.")
        raise Wrong(f"{name!r} is not it: open an empty file with Image.open inside try/except Exception as error, and "
                    "print type(error).__name__.")

    def background(given, namespace):
        image = photo_to_model_input(SAMPLE_PHOTOS_DIR / "ankle_boot_rotated.jpg")
        expected = float((image == 0).mean())
        _compare(given, expected, "background_share", 0.005, mistakes=[
            (expected * 100, "that is a percentage; give a share from 0 to 1."),
            (1 - expected, "that is the share of garment pixels, those above 0.")])
        return f"{expected:.3f} of the 784 pixels are exactly 0, as the dataset's background is."

    def rotation(given, namespace):
        value = as_number(given, "clockwise_degrees")
        turn = value % 360
        if turn == 270:
            return "270° clockwise (90° counter-clockwise), which ImageOps.exif_transpose does before anything else."
        same = "" if turn == value else f" (a turn of {_written(turn)}° clockwise)"
        if turn == 90:
            raise Wrong(f"your clockwise_degrees is {_written(value)}{same}: that is orientation 6's turn, the sample's; "
                        "orientation 8 is the other way round.")
        if turn == 180:
            raise Wrong(f"your clockwise_degrees is {_written(value)}{same}: that is orientation 3, an upside-down "
                        "picture.")
        raise Wrong(f"your clockwise_degrees is {_written(value)}{same}, which is not it. The hints help.")

    return [
        Exercise(
            "empty_rows", empty_rows,
            hints=["series.photo_to_model_input(odd_photo_path) gives the model's input, shape (28, 28, 1).",
                   "(image == 0).all(axis=1) is True for each row that is background from end to end."],
            solution="image = series.photo_to_model_input(odd_photo_path)[..., 0]\n"
                     "empty_rows = int((image == 0).all(axis=1).sum())",
            needs={"odd_photo_path": "the cell that makes the odd photo (`odd_photo_path = ...`)"},
            wrong_answers=[("image = series.photo_to_model_input(odd_photo_path)[..., 0]\n"
                            "empty_rows = int((image == 0).all(axis=0).sum())", "columns"),
                           ("image = series.photo_to_model_input(odd_photo_path)[..., 0]\n"
                            "empty_rows = int((image > 0).any(axis=1).sum())", "hold some of the bag"),
                           ("image = series.photo_to_model_input(odd_photo_path)[..., 0]\nempty_rows = int((image == 0).sum())",
                            "background pixels")],
            right_answers=["image = series.photo_to_model_input(str(odd_photo_path))\n"
                           "empty_rows = sum(1 for row in image[..., 0] if not row.any())",
                           "empty_rows = np.all(series.photo_to_model_input(odd_photo_path) == 0, axis=(1, 2)).sum()"]),
        Exercise(
            "error_for_an_empty_file", error_class,
            hints=["Pillow's Image.open reads a file's first bytes to recognise its format: an empty file has none.",
                   "io.BytesIO(b'') is an empty file in memory: open it inside try/except Exception as error.",
                   "type(error).__name__ names the class."],
            solution='import io\n\nfrom PIL import Image\n\ntry:\n    Image.open(io.BytesIO(b""))\n'
                     "except Exception as error:\n    error_for_an_empty_file = type(error).__name__",
            wrong_answers=[("error_for_an_empty_file = 'PhotoError'", "the series' own class"),
                           ("error_for_an_empty_file = 'OSError'", "parent class"),
                           ("error_for_an_empty_file = 'FileNotFoundError'", "0 bytes"),
                           ("error_for_an_empty_file = 'KeyError'", "not it")],
            right_answers=["from PIL import UnidentifiedImageError\nerror_for_an_empty_file = UnidentifiedImageError",
                           "error_for_an_empty_file = 'PIL.UnidentifiedImageError'",
                           "error_for_an_empty_file = 'unidentified image error'"]),
        Exercise(
            "background_share", background,
            hints=['series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / "ankle_boot_rotated.jpg") gives the image.',
                   "(image == 0).mean() is the share of pixels that are 0."],
            solution='image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / "ankle_boot_rotated.jpg")\n'
                     "background_share = float((image == 0).mean())",
            wrong_answers=[("image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / 'ankle_boot_rotated.jpg')\n"
                            "background_share = 100 * float((image == 0).mean())", "percentage"),
                           ("image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / 'ankle_boot_rotated.jpg')\n"
                            "background_share = float((image > 0).mean())", "garment pixels")],
            right_answers=["image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / 'ankle_boot_rotated.jpg')\n"
                           "background_share = np.mean(image == 0)",
                           "image = series.photo_to_model_input(series.SAMPLE_PHOTOS_DIR / 'ankle_boot_rotated.jpg')\n"
                           "background_share = keras.ops.mean(keras.ops.equal(image, 0))"]),
        Exercise(
            "clockwise_degrees", rotation,
            hints=["The sample cell writes exif[EXIF_ORIENTATION] = 6, 'rotate 90 degrees clockwise to display'.",
                   "Orientation 8 is the mirror case of 6: 'rotate 90 degrees counter-clockwise to display'.",
                   "A turn of 90° counter-clockwise is a turn of 270° clockwise."],
            solution="clockwise_degrees = 270",
            wrong_answers=[("clockwise_degrees = 90", "orientation 6"), ("clockwise_degrees = 180", "upside-down"),
                           ("clockwise_degrees = 450", "450 (a turn of 90° clockwise)")],
            right_answers=["clockwise_degrees = 270.0", "clockwise_degrees = -90", "clockwise_degrees = 360 - 90"]),
    ]


EXERCISE_SETS[14] = exercises_14
