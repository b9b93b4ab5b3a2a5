"""Notebook 01 as a person runs it: JupyterLab in headless Chromium, all cells run through the UI."""

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tools.project import notebook_path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = Path(__file__).parent.parent / "screenshots" / "jupyterlab_01_load_and_explore.png"
TOKEN = "fashion-mnist-browser-test"

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
sync_playwright, PlaywrightTimeout = playwright_api.sync_playwright, playwright_api.TimeoutError
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium to drive: install Debian's package with `apt-get install chromium`"
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """JupyterLab from this environment on localhost, serving notebook 01 without its outputs.

    Only a copy is served, so the committed notebook stays untouched; without the committed
    outputs, any image on the page must come from running the cells in the browser.
    """
    notebook = nbformat.read(notebook_path(1), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook_file = tmp_path / notebook_path(1).name
    nbformat.write(notebook, notebook_file)
    shutil.copy(notebook_path(1).parent / "fmnist_series.py", tmp_path)  # the shared code, as in the repository
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.root_dir={tmp_path}", f"--IdentityProvider.token={TOKEN}", "--LabApp.news_url=none",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base_url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("JupyterLab did not start within 60 s")
            time.sleep(0.5)
    yield f"{base_url}/lab/tree/{notebook_file.name}?token={TOKEN}"
    server.terminate()
    server.wait(timeout=30)


def test_notebook_01_runs_in_jupyterlab(jupyterlab):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(jupyterlab)
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        select_kernel = page.get_by_role("dialog").get_by_role("button", name="Select", exact=True)
        with contextlib.suppress(PlaywrightTimeout):  # JupyterLab may ask which kernel to start; python3 is preselected
            select_kernel.click(timeout=10_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
        assert page.locator(".jp-RenderedImage img").count() == 0, "the served copy has no outputs yet"

        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

        code_cells = page.locator(".jp-CodeCell")
        count = code_cells.count()
        # The collapsed setup cell shows a placeholder instead of its code (jupyter.source_hidden).
        assert code_cells.first.locator(".jp-InputPlaceholder").count() == 1, "the setup cell is collapsed"
        # Run All executes the cells in order in a fresh kernel, so the last one gets the number `count`.
        page.wait_for_function(
            """count => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
                return prompts.length > 0 && prompts[prompts.length - 1].textContent.trim() === `[${count}]:`;
            }""",
            arg=count,
            timeout=120_000,
        )
        grid = page.locator(".jp-CodeCell .jp-OutputArea-output img").last  # the sample grid, the last figure
        grid.scroll_into_view_if_needed()
        with contextlib.suppress(PlaywrightTimeout):  # decline JupyterLab's "get notified about news?" toast
            page.locator(".jp-toast-button", has_text="No").click(timeout=3_000)
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT))

        images = page.locator(".jp-RenderedImage img")
        assert images.count() >= 2, "the single image and the sample grid are displayed"
        assert grid.evaluate("image => image.naturalWidth") > 500, "the 5x5 sample grid rendered"
        # JupyterLab renders tracebacks, like everything written to stderr, with the stderr type.
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        assert errors.count() == 0, errors.all_inner_texts()
        browser.close()
    assert SCREENSHOT.stat().st_size > 10_000
