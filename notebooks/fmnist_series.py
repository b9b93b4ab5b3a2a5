"""The Fashion-MNIST series' shared code: the one home of everything that more than one notebook uses.

Each notebook's setup cell imports this file as `series`: from the notebook's own folder inside the
repository, or, for a notebook opened alone (in Colab, say), downloaded from the series' release and
checked against the SHA-256 that the setup cell carries. Read any function here with `series.name??`.

The file has two parts:

1. Written by hand: plumbing that no notebook teaches (configuration and quick mode, the published
   files, Google Drive, the setup message, loading the models of earlier notebooks).
2. Generated from the notebooks: every definition that a notebook teaches and marks `# @save`, copied
   word for word by `make module` (tools/export_module.py). Edit those in their notebook, never here;
   the tests fail when this part and the notebooks differ.
"""

import json
import math
import os
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError


def _import_keras_quietly():
    """Import Keras with the process' standard error sent to /dev/null, then restore it.

    TensorFlow's C++ library writes two lines when it is loaded ("All log messages before
    absl::InitializeLog() ..." and "oneDNN custom operations are on ..."), before its logging can be
    configured, so no environment variable silences them. Python's own warnings are not affected:
    they go through `sys.stderr`, which this does not touch, and everything after the import is shown.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's later C++ info and warning lines
    if "keras" in sys.modules:
        import keras

        return keras
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import keras
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
        os.close(devnull)
    return keras


keras = _import_keras_quietly()
from keras import layers  # noqa: E402  (after the quiet import)

# ---------------------------------------------------------------------------------------------------
# Part 1, written by hand.
# ---------------------------------------------------------------------------------------------------

RELEASE = "v2.0.0"  # written by `make release`, with the SHA-256 of this file in every notebook
REPOSITORY = "fmnist-keras/fashion-mnist-cnn"

# Everything the series downloads, code and models alike, comes from the repository at this release.
# FMNIST_SERIES_URL replaces it: a mirror, or a checkout served on this computer.
SERIES_URL = os.environ.get("FMNIST_SERIES_URL", f"https://raw.githubusercontent.com/{REPOSITORY}/{RELEASE}/")

# Configuration. The tests set FMNIST_QUICK=1, which shrinks the amount of work and nothing else.
QUICK = os.environ.get("FMNIST_QUICK") == "1"
EPOCHS = 2 if QUICK else 40
TRAIN_IMAGES = 6_000 if QUICK else 60_000
BETTER_EPOCHS = 2 if QUICK else 24

# Inside the repository the notebooks run in notebooks/ and keep their models in ../models; a notebook
# opened alone (in Colab, say) keeps them in models/ beside itself. Quick runs keep theirs apart.
MODELS_DIR = (Path("../models") if Path("../models").is_dir() else Path("models")) / ("quick" if QUICK else "")
MODEL_PATH = MODELS_DIR / "lesson_cnn.keras"
HISTORY_PATH = MODELS_DIR / "lesson_history.json"
BETTER_MODEL_PATH = MODELS_DIR / "better_cnn.keras"
BETTER_HISTORY_PATH = MODELS_DIR / "better_history.json"

# The SHA-256 of each file in models/published/, written by `make publish`.
PUBLISHED_SHA256 = {
    "lesson_cnn.weights.h5": "6bffa7ee3691153ab4d90136d44e4378b2bcdc78ab31456fec274fd700d0d9b7",
    "lesson_history.json": "c88dca017c5b4782b037dd8e856530b79bad955ede06f72eb925f70cb80e3c85",
    "better_cnn.weights.h5": "22637382b6d3545669c146ae3e9a16a42223e936152f05d8484b445f7cd2f994",
    "tiny_cnn.weights.h5": "85e8a3b6d74a8ed0f34a4fe4e789f57dc06d779234363d08c88f782ebca54b6d",
}
CPU_TRAINING_ADVICE = (
    "On a 2-core CPU that takes 10 to 30 minutes. In Colab, a GPU runtime is much faster: "
    "Runtime > Change runtime type > T4 GPU, then run the notebook again."
)


def start(release, keep_models_in_drive=False):
    """What every notebook's setup cell calls: check the release, place models/, say what was loaded."""
    if release != RELEASE:
        warnings.warn(
            f"This notebook belongs to release {release} of the series, but {Path(__file__).name} is from "
            f"release {RELEASE}. Use the notebook and the file of one release.",
            stacklevel=2,
        )
    if keep_models_in_drive:
        _keep_models_in_drive()
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    where = "this folder" if Path(__file__).parent.resolve() == Path.cwd().resolve() else "the series' release"
    print(f"Shared code: fmnist_series.py of release {RELEASE}, from {where}.")
    print(f"Keras {keras.__version__} with the {keras.backend.backend()} backend.")
    print(f"{'QUICK TEST RUN; ' if QUICK else ''}trained models: {MODELS_DIR}/")


def _keep_models_in_drive():
    """In Colab, make models/ a link to a folder in Google Drive, so that models outlive the runtime."""
    if "google.colab" not in sys.modules:
        print("Not running in Colab: models/ is on this computer's disk already; nothing to do for Drive.")
        return
    from google.colab import drive

    drive.mount("/content/drive")
    drive_models = Path("/content/drive/MyDrive/fashion-mnist-cnn/models")
    drive_models.mkdir(parents=True, exist_ok=True)
    models = Path("models")
    if models.is_dir() and not models.is_symlink() and not any(models.iterdir()):
        models.rmdir()  # an empty folder from an earlier run of the setup cell
    if models.is_symlink():
        print(f"models/ already points to {models.resolve()}")
    elif models.exists():
        print("models/ already holds files in this runtime, so it stays where it is. To keep everything in Drive, "
              "start a fresh runtime (Runtime > Disconnect and delete runtime) and run the setup cell first.")
    else:
        models.symlink_to(drive_models)
        print(f"models/ now points to {drive_models}: what the notebooks save there outlives this runtime.")


def download_published(name, path):
    """Download the series' published file `name` to `path`; True once its SHA-256 matched.

    When the download fails (offline, say) or the file is corrupted or cut short, it says why and
    returns False, leaving nothing behind: Keras downloads into a temporary folder beside `path`.
    """
    url = f"{SERIES_URL}models/published/"
    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        try:
            downloaded = keras.utils.get_file(name, url + name, file_hash=PUBLISHED_SHA256[name],
                                              hash_algorithm="sha256", cache_dir=folder, cache_subdir="")
        except Exception as error:  # no connection, no such file, or a SHA-256 that does not match
            print(f"Could not download {name}: {error}")
            return False
        os.replace(downloaded, path)
    print(f"Downloaded {name} from {url}; its SHA-256 matches.")
    return True


def load_published_weights(name, model, path):
    """Download the published weights `name` into `model`, then save the whole model to `path`; True on success.

    The series publishes weights rather than `.keras` files: weights load in every Keras 3 version
    that the series supports, while a `.keras` file written by a newer Keras may not load in an older one.
    """
    with tempfile.TemporaryDirectory(dir=path.parent) as folder:
        weights = Path(folder) / name
        if not download_published(name, weights):
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
        model = build_lesson_cnn()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.optimizer.build(model.trainable_variables)  # so that Adam's published state loads too
        if download_published("lesson_history.json", HISTORY_PATH) and load_published_weights(
            "lesson_cnn.weights.h5", model, MODEL_PATH
        ):
            return keras.models.load_model(MODEL_PATH), json.loads(HISTORY_PATH.read_text())
        print(f"Training it here instead, exactly as notebook 03 does: {EPOCHS} epochs. {CPU_TRAINING_ADVICE}")
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    keras.utils.set_random_seed(42)
    model = build_lesson_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train[:TRAIN_IMAGES, ..., np.newaxis],
        y_train[:TRAIN_IMAGES],
        batch_size=128,
        epochs=EPOCHS,
        validation_split=0.2,
        verbose=2,
    ).history
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
    x_train, y_train = x_train[:TRAIN_IMAGES, ..., np.newaxis], y_train[:TRAIN_IMAGES]
    keras.utils.set_random_seed(42)
    better = compiled_better_cnn(steps_per_epoch=math.ceil(len(x_train) * 0.8 / 128))
    history = better.fit(x_train, y_train, batch_size=128, epochs=BETTER_EPOCHS, validation_split=0.2,
                         verbose=2).history
    save_atomically(BETTER_MODEL_PATH, better.save)
    save_atomically(BETTER_HISTORY_PATH, lambda path: path.write_text(json.dumps(history)))
    return better


# ---------------------------------------------------------------------------------------------------
# Part 2, generated from the notebooks by `make module`: do not edit below this line.
# ---------------------------------------------------------------------------------------------------


# Defined in notebook 01.
CLASS_NAMES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]


def build_lesson_cnn():
    """The lesson's CNN: two convolutions, one max pooling, three dense layers.

    Defined in notebook 02.
    """
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Rescaling(1.0 / 255),
            layers.Conv2D(16, (3, 3), activation="relu"),
            layers.Conv2D(64, (3, 3), activation="relu"),
            layers.MaxPooling2D((3, 3), strides=2),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="lesson_cnn",
    )


def save_atomically(path, write):
    """Save through `write(temporary_path)`, then rename the result onto `path`.

    The rename is atomic: if the save is interrupted, `path` still holds its
    previous contents instead of a half-written file.

    Defined in notebook 03.
    """
    path = Path(path)
    temporary = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


# Defined in notebook 05.
H5_PATH = MODELS_DIR / "lesson_cnn.h5"


def relu(values):
    """ReLU: every negative value becomes 0, every other value stays.

    Defined in notebook 08.
    """
    return np.maximum(values, 0)


def softmax(logits):
    """Softmax over the last axis, shifted by the maximum so that exp never overflows.

    Defined in notebook 08.
    """
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exponentials = np.exp(shifted)
    return exponentials / exponentials.sum(axis=-1, keepdims=True)


def conv_bn_relu(filters):
    """A 3x3 convolution that keeps the image size, batch normalization, then ReLU.

    Defined in notebook 10.
    """
    return [
        layers.Conv2D(filters, (3, 3), padding="same", use_bias=False),  # BatchNormalization adds the bias
        layers.BatchNormalization(),
        layers.ReLU(),
    ]


def augmentation():
    """Random mirror images and shifts of up to two pixels each way, applied only in training.

    Defined in notebook 10.
    """
    return [
        layers.RandomFlip("horizontal"),
        layers.RandomTranslation(2 / 28, 2 / 28, fill_mode="constant", interpolation="nearest"),
    ]


def build_better_cnn():
    """Notebook 10's CNN: one convolution at full size, three after pooling; augmentation and dropout.

    Defined in notebook 10.
    """
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Rescaling(1.0 / 255),
            *augmentation(),
            *conv_bn_relu(32),
            layers.MaxPooling2D(),
            *conv_bn_relu(64),
            *conv_bn_relu(64),
            layers.MaxPooling2D(),
            *conv_bn_relu(128),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(128, use_bias=False),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.Dropout(0.2),
            layers.Dense(10, activation="softmax"),
        ],
        name="better_cnn",
    )


def cosine_schedule(steps_per_epoch):
    """One epoch of warm-up to 0.002, then a cosine down to zero at the last step of BETTER_EPOCHS epochs.

    Defined in notebook 10.
    """
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=1e-4,
        warmup_target=0.002,  # reached after one epoch of warm-up
        warmup_steps=steps_per_epoch,
        decay_steps=(BETTER_EPOCHS - 1) * steps_per_epoch,  # then down to zero at the last step
    )


def compiled_better_cnn(steps_per_epoch, use_ema=True):
    """A fresh better CNN, compiled with AdamW and the cosine schedule for `steps_per_epoch` steps an epoch.

    With `use_ema`, `fit` ends by putting the moving average of the weights in the model.

    Defined in notebook 10.
    """
    model = build_better_cnn()
    optimizer = keras.optimizers.AdamW(learning_rate=cosine_schedule(steps_per_epoch), weight_decay=0.05, use_ema=use_ema)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# Defined in notebook 14.
MAX_IMAGE_PIXELS = 100_000_000  # 100 megapixels: more than most cameras give, far less than a bomb


class PhotoError(ValueError):
    """A photo that cannot be classified, with the reason and what to do.

    Defined in notebook 14.
    """


def open_photo(path):
    """Open and fully decode an image file, or raise PhotoError naming the file.

    Defined in notebook 14.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise PhotoError(f"{path}: no such file. Check IMAGE_PATH.")
    if path.stat().st_size == 0:
        raise PhotoError(f"{path}: the file is empty (0 bytes). Copy or export the photo again.")
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
            image.load()
    except UnidentifiedImageError:
        raise PhotoError(f"{path}: not an image file that Pillow can read. Use a JPEG, PNG, WebP or TIFF.") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(
            f"{path}: the image is too large to process safely (more than {MAX_IMAGE_PIXELS:,} pixels). "
            "Scale it down first."
        ) from None
    except (OSError, SyntaxError) as error:
        raise PhotoError(f"{path}: the image data is truncated or damaged ({error}). Copy or export the photo again.") from None
    return image


def to_grayscale(image):
    """Any Pillow image mode as a float array of 0-255 gray levels, transparency on white.

    Defined in notebook 14.
    """
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return np.asarray(image, dtype=np.float64) / 257  # 0-65535 to 0-255
    if image.mode in ("I", "F"):
        values = np.asarray(image, dtype=np.float64)
        return 255 * (values - values.min()) / max(values.max() - values.min(), 1e-12)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        on_white = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(on_white, image.convert("RGBA"))
    return np.asarray(image.convert("RGB").convert("L"), dtype=np.float64)


def photo_to_model_input(path):
    """A photo file as a (28, 28, 1) uint8 array, prepared like Fashion-MNIST's images.

    Defined in notebook 14.
    """
    image = ImageOps.exif_transpose(open_photo(path))
    gray = to_grayscale(image)

    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if np.median(border) > 127:  # light background: make the garment light on black
        gray = 255 - gray
    gray = np.clip(gray - np.median(border if np.median(border) <= 127 else 255 - border), 0, None)
    if gray.max() > 0:  # background at 0, brightest garment pixel at 255, as in the dataset
        gray *= 255 / gray.max()

    rows, columns = np.nonzero(gray > 0.1 * 255)
    if len(rows):  # crop to the garment
        gray = gray[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    side = max(gray.shape)
    square = np.zeros((side, side))
    top, left = (side - gray.shape[0]) // 2, (side - gray.shape[1]) // 2
    square[top : top + gray.shape[0], left : left + gray.shape[1]] = gray

    small = Image.fromarray(square.astype(np.uint8)).resize((28, 28), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.uint8)[..., np.newaxis]


# Defined in notebook 14.
SAMPLE_PHOTOS_DIR = (Path("../data") if Path("../data").is_dir() else Path("data")) / "sample_photos"
