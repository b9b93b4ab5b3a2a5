"""Make a release of the series: one tag for the shared code, the published models and every link.

Usage: python -m tools.release VERSION   (`make release VERSION=v2.0.0` runs it; then commit and tag)

A notebook opened alone (in Colab, say) downloads fmnist_series.py and the published models from
the repository at its release tag, never from main, so a copy saved today keeps working after main
moves on. This script writes VERSION into RELEASE in series/config.py, regenerates the module from its
sources, and writes every notebook's setup cell from SETUP_CELL with VERSION and the module's
SHA-256. It points the Colab badges, the links between notebooks and the address of the published
models (here, in README.md and in models/README.md) at VERSION. Commit the result, then tag that
commit VERSION and push the tag with it.
"""

import posixpath
import re
import sys

import nbformat

from tools.export_module import module_text
from tools.normalize_notebooks import normalized
from tools.project import CONFIG, MODULE, NOTEBOOKS, REPOSITORY, ROOT, configured, sha256

SETUP_CELL = '''# @title Setup: the series' shared code, fmnist_series.py. Run this cell; its code needs no reading.
KEEP_MODELS_IN_DRIVE = False  # @param {{type:"boolean"}}
RELEASE = "{release}"  # `make release` writes the release and the SHA-256 of its fmnist_series.py
SERIES_MODULE_SHA256 = "{sha256}"
import os, sys  # noqa: E401, I001
if not os.path.exists("fmnist_series.py"):  # opened alone, as in Colab: download the release's copy, checked
    import keras
    url = os.environ.get("FMNIST_SERIES_URL", "https://raw.githubusercontent.com/{repository}/" + RELEASE + "/")
    try:  # a file whose SHA-256 does not match is never imported, and the next run downloads it again
        module = keras.utils.get_file(origin=url + "notebooks/fmnist_series.py", file_hash=SERIES_MODULE_SHA256, cache_dir=".", cache_subdir="fmnist_series_" + RELEASE)  # noqa: E501
    except Exception as error:
        raise SystemExit(f"This notebook needs fmnist_series.py of release {{RELEASE}} ({{error}}). Download {{url}}notebooks/fmnist_series.py into the folder of this notebook, then run this cell again.") from None  # noqa: E501
    sys.path.insert(0, os.path.dirname(module))
import fmnist_series as series  # noqa: I001
series.start(RELEASE, keep_models_in_drive=KEEP_MODELS_IN_DRIVE)'''
# Addresses that name a version of the repository: Colab, GitHub pages and raw files.
VERSIONED_URL = re.compile(
    r"(https://(?:colab\.research\.google\.com/github/|github\.com/)" + re.escape(REPOSITORY) + r"/blob/"
    r"|https://raw\.githubusercontent\.com/" + re.escape(REPOSITORY) + r"/)([\w.-]+)/"
)




def current_release():
    """The release that fmnist_series.py and every link carry now: what `make release` last wrote."""
    return configured("RELEASE")


RELATIVE_LINK = re.compile(r"\]\((?!https?://|mailto:)([^)\s]+)\)")
GLOSSARY = ROOT / "GLOSSARY.md"
GLOSSARY_ROW = re.compile(r"^\| (?P<term>[^|]+?) \| [^|]+ \| \[(?P<first>\d\d)\]\[\d\d\]", re.M)
NEW_TERMS_LINE = re.compile(r"\n\n\*\*New terms here\*\*[^\n]*")


def setup_cell(release, module_sha256):
    return SETUP_CELL.format(release=release, sha256=module_sha256, repository=REPOSITORY)


def at_release(text, release):
    """`text` with every versioned address of the repository pointing at `release`."""
    return VERSIONED_URL.sub(lambda match: f"{match.group(1)}{release}/", text)


def absolute_links(markdown, release):
    """A notebook's relative links made absolute: a notebook opened from a Colab badge cannot follow relative ones.

    A link to another notebook opens it in Colab; a link to any other file of the repository opens its GitHub page.
    """
    def absolute(match):
        target = match.group(1)
        if target.endswith(".ipynb") and "/" not in target:
            return f"](https://colab.research.google.com/github/{REPOSITORY}/blob/{release}/notebooks/{target})"
        return f"](https://github.com/{REPOSITORY}/blob/{release}/{posixpath.normpath(posixpath.join('notebooks', target))})"
    return RELATIVE_LINK.sub(lambda match: absolute(match) if not match.group(1).startswith("#") else match.group(0),
                             markdown)


def with_new_terms(title, number, release):
    """A notebook's title cell ending with the glossary's terms that this notebook explains first, linked."""
    terms = [match["term"] for match in GLOSSARY_ROW.finditer(GLOSSARY.read_text()) if int(match["first"]) == number]
    line = (f"\n\n**New terms here**, each explained in a sentence in the [glossary](https://github.com/{REPOSITORY}"
            f"/blob/{release}/GLOSSARY.md): {', '.join(terms)}." if terms else "")
    return NEW_TERMS_LINE.sub("", title) + line


def released_notebook(path, version, module_sha256):
    """The text of notebook `path` at release `version`: its setup cell, its links and its title's glossary line."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.id == "setup" and "fmnist_series" in cell.source:
            cell.source = setup_cell(version, module_sha256)
        elif cell.cell_type == "markdown":
            cell.source = absolute_links(at_release(cell.source, version), version)
            if cell.id == "title":
                cell.source = with_new_terms(cell.source, int(path.name[:2]), version)
    return normalized(notebook)


DOCUMENTS_WITH_LINKS = (ROOT / "README.md", ROOT / "models" / "README.md")


def release(version):
    config = CONFIG.read_text()
    CONFIG.write_text(re.sub(r'^RELEASE = "[^"]*"', f'RELEASE = "{version}"', config, count=1, flags=re.M))
    MODULE.write_text(module_text())  # from its sources, the notebooks included, as they are now
    module_sha256 = sha256(MODULE)
    for path in NOTEBOOKS:
        path.write_text(released_notebook(path, version, module_sha256))
    for document in DOCUMENTS_WITH_LINKS:
        document.write_text(at_release(document.read_text(), version))
    print(f"Release {version}: fmnist_series.py has SHA-256 {module_sha256}. Commit, then tag that commit {version}.")


if __name__ == "__main__":
    if len(sys.argv) != 2 or not re.fullmatch(r"v\d+\.\d+\.\d+", sys.argv[1]):
        sys.exit("usage: python -m tools.release vMAJOR.MINOR.PATCH")
    release(sys.argv[1])
