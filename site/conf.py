"""Sphinx configuration of the course site. `make site` (tools/build_site.py) stages the pages, then builds with it.

The notebooks are rendered with their committed outputs, never executed: those outputs are the record of the real
run. Everything the site needs comes from Python packages, so it builds offline.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.release import REPOSITORY, current_release  # noqa: E402

project = "Fashion-MNIST with Keras"
author = "the authors of the Fashion-MNIST series"
copyright = "the authors of the Fashion-MNIST series; MIT License"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
nb_execution_mode = "off"  # the committed outputs are the record of the run
nb_merge_streams = True
myst_heading_anchors = 3  # GitHub's heading anchors, so that the links of the README and the glossary still work
myst_enable_extensions = ["colon_fence"]

html_theme = "sphinx_book_theme"
html_title = project
html_context = {"default_mode": "auto"}  # light or dark, as the reader's system prefers
html_copy_source = True  # the download button offers each lesson's .ipynb, with its outputs
html_theme_options = {
    "repository_url": f"https://github.com/{REPOSITORY}",
    "repository_branch": current_release(),  # the launch button opens the notebook of this release in Colab
    "path_to_docs": "notebooks",
    "use_repository_button": True,
    "use_download_button": True,
    "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    "show_toc_level": 2,
}
