"""The course site of `make site`: built from the committed notebooks without running them, read in a real browser.

The site is built once for this file (build/site/), served on 127.0.0.1, and opened in headless Chromium.
"""

import contextlib
import functools
import http.server
import re
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from tools.project import NOTEBOOKS, ROOT
from tools.release import REPOSITORY, current_release

SITE = ROOT / "build" / "site"
SCREENSHOTS = ROOT / "screenshots"  # the landing page, a lesson with its figure, and a search, from the last run
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BUILD_SECONDS = 60

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium to drive: install Debian's package with `apt-get install chromium`"
)


@pytest.fixture(scope="module")
def site():
    """Build the site as `make site` does, and time it."""
    started = time.perf_counter()
    built = subprocess.run([sys.executable, "-m", "tools.build_site"], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    assert built.returncode == 0, built.stdout + built.stderr
    return seconds


@pytest.fixture(scope="module")
def site_url(site):
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *arguments):
        pass


class Page(HTMLParser):
    """The links, ids and images of one HTML page; `figures` are the images that a notebook cell drew."""

    def __init__(self, text):
        super().__init__()
        self.links, self.ids, self.images, self.figures, self.open_outputs = [], set(), [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attributes):
        attributes = dict(attributes)
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "div":
            self.open_outputs.append("cell_output" in (attributes.get("class") or "").split())
        if tag == "img":
            (self.figures if any(self.open_outputs) else self.images).append(attributes)

    def handle_endtag(self, tag):
        if tag == "div" and self.open_outputs:
            self.open_outputs.pop()


def pages():
    return sorted(path for path in SITE.rglob("*.html") if "_static" not in path.parts)


def lesson_page(notebook):
    return SITE / f"{notebook.stem}.html"


def test_the_site_builds_offline_from_the_committed_notebooks_in_under_a_minute(site):
    assert site < BUILD_SECONDS, f"make site took {site:.0f} s"
    assert [path.name for path in NOTEBOOKS if not lesson_page(path).exists()] == []
    for page in ["index", "glossary", "results", "speedrun", "exercises", "search"]:
        assert (SITE / f"{page}.html").exists(), page


def test_every_internal_link_resolves_to_a_page_and_an_anchor_that_exist(site):
    broken = []
    parsed = {path: Page(path.read_text()) for path in pages()}
    for path, page in parsed.items():
        for link in page.links:
            address = urlparse(urljoin(path.as_uri(), link))
            if address.scheme != "file":
                continue
            target = Path(unquote(address.path))
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.name}: {link}")
            elif address.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else Page(target.read_text()).ids
                if unquote(address.fragment) not in ids:
                    broken.append(f"{path.name}: {link} (no such anchor)")
    assert broken == []


def test_every_lesson_page_links_lessons_on_the_site_not_in_colab(site):
    """Only the launch button and the title's badge open Colab; the lessons' own links stay on the site."""
    for notebook in NOTEBOOKS:
        text = lesson_page(notebook).read_text()
        article = text[text.index("<article"):text.index("</article>")]
        colab_links = re.findall(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', article)
        assert len(colab_links) <= 1, (notebook.name, colab_links)  # the badge of the title cell


def test_every_lesson_page_has_the_colab_launch_button_at_the_release_and_the_download(site):
    release = current_release()
    for notebook in NOTEBOOKS:
        text = lesson_page(notebook).read_text()
        colab = f"https://colab.research.google.com/github/{REPOSITORY}/blob/{release}/notebooks/{notebook.name}"
        assert f'href="{colab}"' in text, notebook.name
        assert f"_sources/{notebook.name}" in text, notebook.name  # the download of the .ipynb


def test_every_figure_has_a_description_of_what_to_notice_and_every_image_a_text(site):
    missing = []
    for path in pages():
        page = Page(path.read_text())
        for image, shortest in [(image, 40) for image in page.figures] + [(image, 3) for image in page.images]:
            alt = (image.get("alt") or "").strip()
            if len(alt) < shortest or re.search(r"\.(png|svg|jpe?g)$|^[0-9a-f]{16,}|^No description", alt):
                missing.append(f"{path.name}: {image.get('src')[:60]} (alt {alt!r})")
    assert missing == []
    assert sum(len(Page(lesson_page(path).read_text()).figures) for path in NOTEBOOKS) >= 20  # the figures were found


def test_the_landing_page_credits_the_blog_post_the_series_grew_from(site):
    text = (SITE / "index.html").read_text()
    assert "Emmanuel Byrd" in text and "Image Classification: An Introduction to Artificial Intelligence" in text


def test_the_exercises_are_shown_blank_with_a_note_that_the_notebook_checks_them(site):
    for notebook in NOTEBOOKS:
        text = lesson_page(notebook).read_text()
        assert "The exercises are checked in the notebook" in text, notebook.name
        assert "____" in text, notebook.name


@contextlib.contextmanager
def offline_page():
    """A page of headless Chromium whose requests to other hosts (the Colab badge's picture) get a small stand-in
    picture: the tests run offline."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        picture = '<svg xmlns="http://www.w3.org/2000/svg" width="117" height="20"></svg>'
        page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"),
                   lambda route: route.fulfill(status=200, content_type="image/svg+xml", body=picture))
        yield page
        browser.close()


@needs_chromium
def test_every_page_opens_in_a_browser_without_an_error_and_with_every_image_loaded(site_url):
    problems = []
    with offline_page() as page:
        page.on("console", lambda message: message.type == "error" and problems.append(f"{page.url}: {message.text}"))
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        page.on("response", lambda response: response.status >= 400 and problems.append(f"{response.status} {response.url}"))
        for path in pages():
            page.goto(site_url + path.relative_to(SITE).as_posix(), wait_until="load")
            broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)")
            problems += [f"{path.name}: image {source} did not load" for source in broken]
        SCREENSHOTS.mkdir(exist_ok=True)
        page.set_viewport_size({"width": 1280, "height": 900})
        for name, address in [("landing", "index.html"), ("lesson_figure", "04_plot_the_learning_curves.html#the-curves")]:
            page.goto(site_url + address, wait_until="load")
            page.screenshot(path=str(SCREENSHOTS / f"site_{name}.png"))
    assert problems == []


@needs_chromium
def test_search_finds_a_glossary_term_and_leads_to_the_notebook_that_explains_it(site_url):
    with offline_page() as page:
        page.goto(site_url + "search.html?q=temperature+scaling")
        results = page.locator("ul.search li a")
        results.first.wait_for(timeout=30_000)
        hrefs = [results.nth(index).get_attribute("href") for index in range(results.count())]
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "site_search.png"))
    assert any(href.startswith("15_saliency_calibration_and_out_of_distribution") for href in hrefs), hrefs


@needs_chromium
def test_no_page_has_a_serious_or_critical_accessibility_violation(site_url):
    from axe_playwright_python.sync_playwright import Axe

    axe, found = Axe(), {}
    with offline_page() as page:
        for path in pages():
            if path.name in ("genindex.html", "search.html"):
                continue
            page.goto(site_url + path.relative_to(SITE).as_posix(), wait_until="load")
            for violation in axe.run(page).response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    found.setdefault(violation["id"], []).append(path.name)
    assert found == {}
