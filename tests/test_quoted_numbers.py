"""Every measured number the prose quotes comes from a run: a notebook's markdown, and the alt text of its
figures, from that notebook's outputs; in README.md, RESULTS.md and GLOSSARY.md, each section from the sources that its comment
`<!-- source: 06, benchmarks/results.md -->` names (notebooks by number, other files by path), and
from nothing else. A section runs from its source comment to the next one; text before the first
comment may quote nothing.

A quoted number is a decimal, a number with a thousands separator, or one with a unit (%, ×, s,
min, MB, ...). It is found when some output or code number rounds to it at the precision the prose
gives (0.91 for 0.9072; 92 % for 0.9184); dimensions (24 × 24), versions, links, code spans and
calculations shown in full (≈ 0.49) are not quotes.
"""

import json
import re

import nbformat
import pytest

from tools.project import NOTEBOOKS, ROOT
from tools.run_series import README_TIMES, RUN_TIMES, readme_time, readme_time_cells
from tools.write_results import RESULTS, with_findings

NUMBER = r"\d+(?:[,_]\d{3})*(?:\.\d+)?"
UNIT = r"\s?(?:%|×(?!\s?\d)|x\b|s\b|ms\b|min\b|minutes|seconds|MiB|KiB|MB|GFLOP/s)"
VERSION = r"(?<!Python )(?<!Keras )(?<!TensorFlow )"
QUOTE = re.compile(rf"(?<![\w.\-/^·≈=+−])(?<![≈=·]\s){VERSION}{NUMBER}(?:{UNIT})?(?!·10)(?!\.\d)")
SOURCE_COMMENT = re.compile(r"<!-- source: (.*?) -->")

# Constants and facts the prose may state without an output to show them; each is not a measurement.
NOT_MEASURED = {
    "70,000", "60,000", "48,000", "12,000", "10,000",  # Fashion-MNIST's images and the lesson's split
    "20 %", "80 %",  # the lesson's validation split
    "507,530", "7,744",  # the lesson CNN's parameters, and its flattened feature maps
    "0.001",  # Adam's default learning rate
    "92 %",  # the blog's accuracy, which notebook 10 sets out to beat
    "30 MB",  # Fashion-MNIST's download
    "0.934", "0.949", "0.954", "0.967", "768,000", "8.9",  # published results and sizes that notebook 10 cites
    "0.03", "0.95",  # rates that notebook 08 derives on paper
    "1.5 ×",  # the measurement method's stall factor (series.STALL_FACTOR), a setting
    "2.21", "3.10", "3.13", "3.15",  # versions of TensorFlow and Keras
    "15 minutes",  # the time limit of the test command, a budget
    "50,000", "20,000",  # notebook 12's limits on the tiny CNN's and its capstone's parameters, targets
}


def numbers_in(text: str) -> set[float]:
    return {float(number.replace(",", "").replace("_", "")) for number in re.findall(NUMBER, text)}


def output_text(notebook) -> str:
    """The code and every text output of a notebook's code cells."""
    parts = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            parts.append(cell.source)
            for output in cell.outputs:
                parts.append(output.get("text", ""))
                parts += [str(value) for kind, value in output.get("data", {}).items() if kind.startswith("text/")]
    return "\n".join(parts)


def quotes(prose: str):
    prose = re.sub(r"\]\([^)]*\)", "]", prose)  # link targets
    prose = re.sub(r"`[^`]*`", "", prose)  # code spans
    for match in QUOTE.finditer(prose):
        quote = match.group()
        number = re.match(NUMBER, quote).group()
        if ("." in number or "," in number or quote != number) and quote not in NOT_MEASURED:
            yield quote


def unfounded(prose: str, sources: set[float]) -> list[str]:
    """The measured numbers of `prose` that no number of `sources` rounds to."""
    missing = []
    for quote in quotes(prose):
        number = re.match(NUMBER, quote).group()
        value = float(number.replace(",", ""))
        decimals = len(number.split(".")[1]) if "." in number else 0
        percent = quote.endswith("%")
        if not any(round(source, decimals) == value or (percent and round(100 * source, decimals) == value)
                   for source in sources):
            missing.append(quote)
    return missing


def test_a_number_that_no_output_contains_is_found():
    sources = numbers_in("best validation accuracy 0.9184 at epoch 14; 40 epochs took 28.7 min; 1,125 images/s")
    prose = "It reached 0.9184 (about 0.92, or 92 %) in 28.9 min, at 1,125 images/s, 2.0× faster, on 24 × 24 maps."
    assert unfounded(prose, sources) == ["28.9 min", "2.0×"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_prose_quotes_only_its_own_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    sources = numbers_in(output_text(notebook))
    # An exercise's question states the data of its problem (a given, not a measurement).
    prose = [cell.source for cell in notebook.cells if cell.cell_type == "markdown" and not cell.id.startswith("exercise-")]
    prose += [cell.metadata["mystnb"]["image"]["alt"] for cell in notebook.cells  # the figures' alt text, for the site
              if "alt" in cell.metadata.get("mystnb", {}).get("image", {})]
    missing = {quote for source in prose for quote in unfounded(source, sources)}
    assert not missing, f"numbers in the prose that no output of {path.name} shows: {sorted(missing)}"


def source_numbers(name: str) -> set[float]:
    """The numbers of a source: a notebook's code and outputs (`06`), or a file of the repository."""
    if re.fullmatch(r"\d\d", name):
        notebook = next(path for path in NOTEBOOKS if path.name.startswith(name + "_"))
        return numbers_in(output_text(nbformat.read(notebook, as_version=4)))
    return numbers_in((ROOT / name).read_text())


def sections(text: str):
    """(source names, text) of each section of a document; the text before the first comment has none."""
    parts = SOURCE_COMMENT.split(text)
    yield [], parts[0]
    for names, section in zip(parts[1::2], parts[2::2]):
        yield [name.strip() for name in names.split(",")], section


def test_a_section_is_checked_against_its_own_sources_only():
    text = "Before: 0.9122.\n<!-- source: 06 -->\nSix: 0.9072 ± 0.0057 and 0.9423."
    (_, before), (names, section) = sections(text)
    assert list(quotes(before)) == ["0.9122"] and names == ["06"]
    assert unfounded(section, source_numbers("06")) == ["0.9423"]  # 10's figure, not 06's


@pytest.mark.parametrize("document", ["README.md", "RESULTS.md", "GLOSSARY.md"])
def test_each_section_of_the_documents_quotes_only_its_sources(document):
    missing = []
    for names, section in sections((ROOT / document).read_text()):
        numbers = set().union(*(source_numbers(name) for name in names))
        missing += [f"{quote} (sources: {', '.join(names) or 'none'})" for quote in unfounded(section, numbers)]
    assert not missing, f"numbers in {document} that the sources named above them do not show: {missing}"


def test_the_readme_run_times_are_those_that_make_series_recorded():
    """The README's "full run" column is written from benchmarks/run_times.json, which `make series` writes."""
    times = json.loads(RUN_TIMES.read_text())
    assert readme_time_cells(README_TIMES.read_text()) == {name: readme_time(entry["minutes"])
                                                           for name, entry in times.items()}


def test_the_findings_in_results_md_are_the_notebooks_own():
    """RESULTS.md's findings are the Markdown that each notebook's `finding` cell generated (make results)."""
    assert RESULTS.read_text() == with_findings(RESULTS.read_text()), "run make results"
