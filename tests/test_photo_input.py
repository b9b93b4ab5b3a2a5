"""Notebook 14's photo preprocessing: real-world formats work, bad files fail with one clear message."""

import keras
import numpy as np
import pytest
from PIL import Image

from fmnist_series import (
    EXIF_ORIENTATION,
    MAX_IMAGE_PIXELS,
    PhotoError,
    build_lesson_cnn,
    on_background,
    photo_to_model_input,
    render_as_photo,
)


@pytest.fixture(scope="module")
def test_images():
    _, (images, _) = keras.datasets.fashion_mnist.load_data()
    return images


@pytest.fixture
def photo(test_images):
    """A large colour rendering of a test image (a Trouser) on a transparent background."""
    return render_as_photo(test_images[2])


def check_message(tmp_path, name, contents, expected):
    path = tmp_path / name
    if contents is not None:
        path.write_bytes(contents)
    with pytest.raises(PhotoError) as error:
        photo_to_model_input(path)
    message = str(error.value)
    assert message.startswith(f"{path}: "), "the message names the file"
    assert expected in message
    shown_context = error.value.__cause__ or (None if error.value.__suppress_context__ else error.value.__context__)
    assert shown_context is None, "no Pillow traceback attached"


def test_missing_file(tmp_path):
    check_message(tmp_path, "missing.jpg", None, "no such file. Check IMAGE_PATH.")


def test_empty_file(tmp_path):
    check_message(tmp_path, "empty.jpg", b"", "the file is empty (0 bytes)")


def test_file_that_is_not_an_image(tmp_path):
    check_message(tmp_path, "notes.jpg", b"shopping list: socks", "not an image file that Pillow can read")


def test_truncated_jpeg(tmp_path, photo):
    on_background(photo).save(tmp_path / "whole.jpg")
    whole = (tmp_path / "whole.jpg").read_bytes()
    check_message(tmp_path, "truncated.jpg", whole[: len(whole) // 2], "the image data is truncated or damaged")


def test_decompression_bomb(tmp_path):
    side = int(MAX_IMAGE_PIXELS ** 0.5) + 100
    Image.new("1", (side, side)).save(tmp_path / "bomb.png")
    assert (tmp_path / "bomb.png").stat().st_size < 1_000_000, "a small file that claims a huge image"
    check_message(tmp_path, "bomb.png", None, "the image is too large to process safely")


def modes_of(picture):
    """The same picture in every kind of file a user might have."""
    rgb = on_background(picture)
    gray16 = Image.fromarray(np.asarray(rgb.convert("L"), dtype=np.uint16) * 257)  # mode I;16
    return {
        "rgb.jpg": rgb,
        "rgba.png": picture,
        "palette.png": rgb.quantize(64),
        "gray16.png": gray16,
        "gray32.tif": Image.fromarray(np.asarray(rgb.convert("L"), dtype=np.int32) * 1000),  # mode I
        "float.tif": Image.fromarray(np.asarray(rgb.convert("L"), dtype=np.float32) / 255),  # mode F
        "cmyk.jpg": rgb.convert("CMYK"),
        "gray_alpha.png": picture.convert("LA"),
    }


@pytest.mark.parametrize("name", list(modes_of(Image.new("RGBA", (4, 4)))))
def test_every_mode_gives_the_same_model_input(tmp_path, photo, name):
    reference_path = tmp_path / "reference.png"
    on_background(photo).save(reference_path)
    reference = photo_to_model_input(reference_path).astype(int)

    modes_of(photo)[name].save(tmp_path / name)
    result = photo_to_model_input(tmp_path / name)

    assert result.shape == (28, 28, 1) and result.dtype == np.uint8
    assert np.abs(result.astype(int) - reference).mean() < 6, "same picture, same input, up to compression"


def test_palette_transparency_is_composited_on_white(tmp_path, photo):
    # A palette image has one fully transparent colour, no partial transparency: use a hard edge.
    hard_edged = photo.copy()
    hard_edged.putalpha(photo.getchannel("A").point(lambda alpha: 255 if alpha > 127 else 0))
    on_background(hard_edged, (255, 255, 255)).save(tmp_path / "on_white.png")
    palette = on_background(hard_edged, (0, 160, 0)).quantize(16)
    palette.info["transparency"] = palette.getpixel((0, 0))  # the green background becomes transparent
    palette.save(tmp_path / "transparent.gif")

    difference = photo_to_model_input(tmp_path / "transparent.gif").astype(int) - photo_to_model_input(tmp_path / "on_white.png")
    assert np.abs(difference).mean() < 3, "a green background that was not made transparent would differ"


def test_exif_rotation_is_applied(tmp_path, photo):
    upright = on_background(photo)
    upright.save(tmp_path / "upright.jpg", quality=95)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    upright.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "sideways.jpg", quality=95, exif=exif)
    difference = photo_to_model_input(tmp_path / "sideways.jpg").astype(int) - photo_to_model_input(tmp_path / "upright.jpg")
    assert np.abs(difference).mean() < 3


@pytest.fixture(scope="module")
def quickly_trained_model():
    """The lesson CNN after one quick epoch: enough to compare two inputs' classes."""
    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    keras.utils.set_random_seed(42)
    model = build_lesson_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train[:12_000, ..., np.newaxis], y_train[:12_000], batch_size=128, epochs=1, verbose=0)
    return model


def test_a_photo_of_a_test_image_comes_back_as_that_image(tmp_path, test_images, quickly_trained_model):
    originals, recovered = [], []
    for index in range(20):
        path = tmp_path / f"photo_{index}.jpg"
        on_background(render_as_photo(test_images[index])).save(path, quality=90)
        originals.append(test_images[index][..., np.newaxis])
        recovered.append(photo_to_model_input(path))
    originals, recovered = np.array(originals), np.array(recovered)

    # Centring the garment can move it by half a pixel against the dataset's own centring, which
    # rounds to whole pixels; on textured garments that alone costs many gray levels per pixel.
    # Correlation, which such a shift barely moves, is the fairer measure of "the same image".
    correlation = [np.corrcoef(original.ravel(), back.ravel())[0, 1] for original, back in zip(originals, recovered)]
    assert np.median(correlation) > 0.9 and min(correlation) > 0.75, np.round(correlation, 3)
    same_class = quickly_trained_model.predict(originals, verbose=0).argmax(1) == \
        quickly_trained_model.predict(recovered, verbose=0).argmax(1)
    assert same_class.mean() >= 0.9, same_class
