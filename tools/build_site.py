"""Build the course site from the committed notebooks, without executing them: `make site`.

Usage: python -m tools.build_site   (then open build/site/index.html)

The pages are staged in build/site-source/, then Sphinx (site/conf.py: myst-nb, sphinx-book-theme) renders
them into build/site/:

- the landing page is the README;
- every notebook is a page, in order, with its committed outputs (nothing runs), a launch button that opens it
  in Colab at the release, a download of its .ipynb, and a note where its exercises start that they are checked
  in the notebook;
- the glossary, the results, the speedrun records, and a page that lists every exercise.

Links between these files (relative links, or the Colab and GitHub addresses at the release that the notebooks
carry so that they work alone in Colab) become links between the site's pages; links to other files of the
repository point at GitHub, at the release. Nothing is written outside build/.
"""

import posixpath
import re
import shutil
import sys

import nbformat
from sphinx.cmd.build import build_main

from tools.project import NOTEBOOKS, REPOSITORY, ROOT
from tools.release import current_release

SOURCE = ROOT / "build" / "site-source"
OUTPUT = ROOT / "build" / "site"
CONFIGURATION = ROOT / "site"

# The repository's files that become pages, and their pages; the notebooks are added below.
PAGES = {"README.md": "index.md", "GLOSSARY.md": "glossary.md", "RESULTS.md": "results.md",
         "benchmarks/speedrun.md": "speedrun.md", "exercises": "exercises.md"}
PAGES.update({f"notebooks/{path.name}": path.name for path in NOTEBOOKS})

EXERCISES_NOTE = """:::{note}
The exercises are checked in the notebook, not on this page. Open the notebook in Colab (the rocket button at the top
of the page) or in JupyterLab, replace each `____` with your answer and run the cell: `q1.check()` says whether it
is right and, if not, what is wrong with it.
:::"""
LINK = re.compile(r"(?P<image>!?)\[(?P<text>(?:!\[[^\]]*\]\([^)]*\)|[^\]])*)\]\((?P<target>[^)\s]+)\)")
REFERENCE = re.compile(r"^(?P<label>\[[^\]]+\]:\s*)(?P<target>\S+)", re.M)


def github_blob(path, release):
    return f"https://github.com/{REPOSITORY}/blob/{release}/{path}"


def site_target(target, source_file, release):
    """Where a link of `source_file` (a path in the repository) points on the site."""
    address, hash_sign, anchor = target.partition("#")
    anchor = hash_sign + anchor
    for prefix in (f"https://colab.research.google.com/github/{REPOSITORY}/blob/{release}/",
                   f"https://github.com/{REPOSITORY}/blob/{release}/"):
        if address.startswith(prefix):
            path = address.removeprefix(prefix)
            return PAGES[path] + anchor if path in PAGES else target
    if not address or re.match(r"^[a-z]+:", address):
        return target  # an anchor on the same page, or an address outside the repository
    path = posixpath.normpath(posixpath.join(posixpath.dirname(source_file), address))
    return PAGES[path] + anchor if path in PAGES else github_blob(path, release) + anchor


def with_site_links(markdown, source_file, release):
    """`markdown` of `source_file` with its links pointing at the site's pages, and its images copied along."""

    def link(match):
        target = match["target"]
        if match["image"]:  # a picture of the repository: copied to the same path on the site
            path = posixpath.normpath(posixpath.join(posixpath.dirname(source_file), target))
            if not re.match(r"^[a-z]+:", target) and (ROOT / path).is_file():
                (SOURCE / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(ROOT / path, SOURCE / path)
                target = posixpath.relpath(path, posixpath.dirname(PAGES.get(source_file, source_file)) or ".")
            return f"![{match['text']}]({target})"
        if match["text"].startswith("!["):  # a badge, such as "Open in Colab": it stays what it is
            return match[0]
        return f"[{match['text']}]({site_target(target, source_file, release)})"

    markdown = LINK.sub(link, markdown)
    return REFERENCE.sub(lambda match: match["label"] + site_target(match["target"], source_file, release), markdown)


def landing_page(release):
    readme = with_site_links((ROOT / "README.md").read_text(), "README.md", release)
    lessons = "\n".join(path.stem for path in NOTEBOOKS)
    return (f"{readme}\n\n```{{toctree}}\n:hidden:\n:caption: Lessons\n\n{lessons}\n```\n\n"
            "```{toctree}\n:hidden:\n:caption: Reference\n\nexercises\nglossary\nresults\nspeedrun\n```\n")


LIVE_PAGE = ("The page served here lives only while the notebook runs, at 127.0.0.1 on the reader's own computer: "
             "open the notebook (the rocket button above) to try it, or run `make demo` in a clone of the series.")


TERMINAL_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def for_the_web(output):
    """A cell's output as a web page can show it: a live page served by the notebook becomes a sentence; text loses
    its terminal colours, and Rich's coloured HTML (Keras's model summaries) gives way to its text: those colours
    are too faint on the site's background."""
    if output.get("output_type") == "stream":
        output["text"] = TERMINAL_COLOUR.sub("", output["text"])
        return output
    data = output.get("data", {})
    html = "".join(data.get("text/html", ""))
    if '<iframe src="http://127.0.0.1' in html:
        output["data"] = {"text/markdown": LIVE_PAGE}
    elif "white-space:pre;overflow-x:auto;line-height:normal" in html and "text/plain" in data:
        del data["text/html"]
    if "text/plain" in data:
        data["text/plain"] = TERMINAL_COLOUR.sub("", "".join(data["text/plain"]))
    return output


def lesson(path, release):
    """The notebook at `path`, its Markdown linked into the site, with the exercises' note."""
    notebook = nbformat.read(path, as_version=4)
    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = with_site_links(cell.source, f"notebooks/{path.name}", release)
        else:
            cell.outputs = [for_the_web(output) for output in cell.get("outputs", [])]
        cells.append(cell)
        if cell.get("id") == "exercises-title":
            cells.append(nbformat.v4.new_markdown_cell(EXERCISES_NOTE))
    notebook.cells = cells
    return notebook


def exercises_page(release):
    """Every exercise's question, by notebook, with a link to where it is answered."""
    sections = []
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        title = notebook.cells[0].source.splitlines()[0].lstrip("# ")
        questions = [with_site_links(cell.source, f"notebooks/{path.name}", release) for cell in notebook.cells
                     if re.fullmatch(r"exercise-\d+-question", cell.get("id", ""))]
        sections.append(f"## {title}\n\n[Answer them in the lesson]({path.name}#exercises).\n\n" + "\n\n".join(questions))
    return ("# The exercises\n\nEvery lesson ends with exercises, from reading an output to writing the code; the "
            "notebook checks each answer and explains a wrong one in the reader's own numbers.\n\n"
            + EXERCISES_NOTE + "\n\n" + "\n\n".join(sections) + "\n")


def stage(release):
    shutil.rmtree(SOURCE, ignore_errors=True)
    SOURCE.mkdir(parents=True)
    (SOURCE / "index.md").write_text(landing_page(release))
    (SOURCE / "exercises.md").write_text(exercises_page(release))
    for source_file in ("GLOSSARY.md", "RESULTS.md", "benchmarks/speedrun.md"):
        (SOURCE / PAGES[source_file]).write_text(with_site_links((ROOT / source_file).read_text(), source_file, release))
    for path in NOTEBOOKS:
        nbformat.write(lesson(path, release), SOURCE / path.name)


def main():
    stage(current_release())
    shutil.rmtree(OUTPUT, ignore_errors=True)
    status = build_main(["-b", "html", "-q", "-W", "--keep-going", "-c", str(CONFIGURATION), str(SOURCE), str(OUTPUT)])
    if status == 0:
        print(f"The site is in {OUTPUT.relative_to(ROOT)}/: open {OUTPUT.relative_to(ROOT)}/index.html")
    return status


if __name__ == "__main__":
    sys.exit(main())
