"""Rewrite notebooks in nbformat's canonical layout, without editor metadata noise.

Usage: python -m tools.normalize_notebooks [NOTEBOOK ...]   (default: notebooks/*.ipynb)

Keeps outputs, cell ids, tags, the two keys that collapse a cell (Colab's
`cellView: form` and JupyterLab's `jupyter.source_hidden`) and the figures' alt text
for the course site (`mystnb.image.alt`, which myst-nb reads); drops what else Colab,
widgets or execution timing add to the metadata, and trailing newlines of cell
sources, so that diffs show only real changes. tests/test_notebooks.py checks that
every notebook is already in this form.
"""

import sys
from pathlib import Path

import nbformat

from tools.project import NOTEBOOKS

NOTEBOOK_METADATA = {"kernelspec", "language_info"}
COLLAPSED = {"cellView": "form", "jupyter": {"source_hidden": True}}


def normalized(notebook):
    notebook.metadata = {key: value for key, value in notebook.metadata.items() if key in NOTEBOOK_METADATA}
    for cell in notebook.cells:
        kept = {key: value for key, value in cell.metadata.items() if key in ("tags", "mystnb")}
        if cell.metadata.get("cellView") == "form" or cell.metadata.get("jupyter", {}).get("source_hidden"):
            kept.update(COLLAPSED)
        cell.metadata = kept
        if isinstance(cell.source, str):
            cell.source = cell.source.rstrip("\n")
    return nbformat.writes(notebook) + "\n"


def main(arguments):
    paths = [Path(argument) for argument in arguments] or NOTEBOOKS
    changed = []
    for path in paths:
        text = path.read_text()
        canonical = normalized(nbformat.reads(text, as_version=4))
        if canonical != text:
            path.write_text(canonical)
            changed.append(path)
    for path in changed:
        print(f"normalized {path}")
    return 1 if changed else 0  # pre-commit: a rewritten file fails the hook once, then passes


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
