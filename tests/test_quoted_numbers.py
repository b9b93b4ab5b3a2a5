"""Every measured number the prose quotes comes from a run: a notebook's markdown from that notebook's
outputs, the README, RESULTS.md and GLOSSARY.md from the outputs of the notebooks and of the benchmarks.

A quoted number is a decimal, a number with a thousands separator, or one with a unit (%, ×, s,
min, MB, ...). It is found when some output or code number rounds to it at the precision the prose
gives (0.91 for 0.9072; 92 % for 0.9184); dimensions (24 × 24), versions, links, code spans and
calculations shown in full (≈ 0.49) are not quotes.
"""

import re
from pathlib import Path

import nbformat
import pytest

from tools.notebook_code import NOTEBOOKS

ROOT = Path(__file__).parent.parent
BENCHMARK_RESULTS = sorted((ROOT / "benchmarks").glob("*.md"))  # results.md and ablation.md
NUMBER = r"\d+(?:[,_]\d{3})*(?:\.\d+)?"
UNIT = r"\s?(?:%|×(?!\s?\d)|x\b|s\b|ms\b|min\b|minutes|seconds|MiB|KiB|MB|GFLOP/s)"
VERSION = r"(?<!Python )(?<!Keras )(?<!TensorFlow )"
QUOTE = re.compile(rf"(?<![\w.\-/^·≈=+−])(?<![≈=·]\s){VERSION}{NUMBER}(?:{UNIT})?(?!·10)")

# Constants and facts the prose may state without an output to show them; each is not a measurement.
NOT_MEASURED = {
    "70,000", "60,000", "48,000", "12,000", "10,000",  # Fashion-MNIST's images and the lesson's split
    "20 %", "80 %",  # the lesson's validation split
    "507,530", "7,744",  # the lesson CNN's parameters, and its flattened feature maps
    "0.001",  # Adam's default learning rate
    "92 %",  # the blog's accuracy, which notebook 10 sets out to beat
    "30 MB",  # Fashion-MNIST's download
    "0.934", "0.947", "0.956",  # published results that notebook 10 cites
    "0.03", "0.95",  # rates that notebook 08 derives on paper
    "1.5 ×",  # the measurement method's stall factor (series.STALL_FACTOR), a setting
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
    missing = {quote for source in prose for quote in unfounded(source, sources)}
    assert not missing, f"numbers in the prose that no output of {path.name} shows: {sorted(missing)}"


@pytest.mark.parametrize("document", ["README.md", "RESULTS.md", "GLOSSARY.md"])
def test_the_documents_quote_only_outputs_of_the_notebooks_and_the_benchmarks(document):
    sources = {number for path in BENCHMARK_RESULTS for number in numbers_in(path.read_text())}
    for path in NOTEBOOKS:
        sources |= numbers_in(output_text(nbformat.read(path, as_version=4)))
    missing = unfounded((ROOT / document).read_text(), sources)
    assert not missing, f"numbers in {document} that no notebook or benchmark output shows: {missing}"
