"""Notebook 16's web page as a person uses it: served on 127.0.0.1, driven in headless Chromium.

The page runs the lesson CNN of the series' published weights, as `make demo` does on a fresh clone.
"""

import re
import shutil
from pathlib import Path

import pytest
import skimage
from PIL import Image

import fmnist_series

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = Path(__file__).parent.parent / "screenshots" / "demo_16_cat_refused.png"
PUBLISHED_LESSON_WEIGHTS = Path(__file__).parent.parent / "models" / "published" / "lesson_cnn.weights.h5"

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytest.importorskip("gradio", reason="Gradio is not installed")
sync_playwright, PlaywrightTimeout = playwright_api.sync_playwright, playwright_api.TimeoutError
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium to drive: install Debian's package with `apt-get install chromium`"
)


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """A garment photo (a validation image drawn as a photo), 14's cat, and a JPEG cut in half."""
    folder = tmp_path_factory.mktemp("pictures")
    (x_train, y_train), _ = fmnist_series._fashion_mnist()
    trouser = 48_000 + int((y_train[48_000:] == fmnist_series.CLASS_NAMES.index("Trouser")).argmax())
    fmnist_series.on_background(fmnist_series.render_as_photo(x_train[trouser])).save(folder / "trouser.jpg")
    Image.fromarray(skimage.data.chelsea()).save(folder / "cat.jpg")
    whole = (folder / "trouser.jpg").read_bytes()
    (folder / "cut_short.jpg").write_bytes(whole[: len(whole) // 2])
    return folder


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    """The page of `make demo`, for the published lesson CNN, served on 127.0.0.1 at a free port."""
    lesson = fmnist_series.build_lesson_cnn()
    lesson.load_weights(PUBLISHED_LESSON_WEIGHTS)
    runtimes = fmnist_series.demo_runtimes(lesson, litert_path=tmp_path_factory.mktemp("demo") / "logits_int8.tflite")
    demo = fmnist_series.build_demo(runtimes)
    demo.launch(server_name="127.0.0.1", share=False, prevent_thread_lock=True, inline=False, quiet=True)
    yield demo.local_url
    demo.close()


def open_page(page, url):
    """Load the page afresh and wait until its scripts have all loaded, so that a photo given to it is taken."""
    page.goto(url)
    page.get_by_role("button", name="Classify the photo").wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")


def upload(page, url, path):
    """Open the page afresh, give its empty photo box the file `path`, and wait until the box shows its name.

    On a busy machine (both cores taken by the tests) the page now and then dropped a file, or its upload never
    finished: the box stayed empty, or kept its spinner. A person would reload the page and choose the file again,
    and so does this, up to three times.
    """
    name = page.get_by_text(path.name).filter(visible=True).first
    for _ in range(3):
        open_page(page, url)
        page.locator("input[type=file]").first.set_input_files(str(path))
        try:
            name.wait_for(timeout=30_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the page never showed {path.name}, given three times on a freshly loaded page")


def test_the_page_names_a_garment_refuses_a_cat_and_explains_a_broken_file(page_url, pictures):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1300, "height": 950})
        verdicts = {}
        for name in ["trouser.jpg", "cut_short.jpg", "cat.jpg"]:  # the cat last: the screenshot shows its refusal
            upload(page, page_url, pictures / name)  # a fresh page for each photo, as a new visitor sees it
            page.get_by_role("button", name="Classify the photo").click()
            expected = {"trouser.jpg": "Trouser", "cut_short.jpg": "cannot be classified", "cat.jpg": "Not clothing"}[name]
            verdict = page.locator("#verdict", has_text=re.compile(expected))
            verdict.wait_for(timeout=30_000)
            verdicts[name] = verdict.inner_text()
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        text = page.inner_text("body")
        browser.close()
    assert verdicts["trouser.jpg"].startswith("Trouser"), verdicts
    assert "cut_short.jpg: the image data is truncated or damaged" in verdicts["cut_short.jpg"], verdicts
    assert verdicts["cat.jpg"].startswith("Not clothing, as far as this model can tell"), verdicts
    assert "Traceback" not in text and "Error" not in text, text
    assert SCREENSHOT.stat().st_size > 10_000
