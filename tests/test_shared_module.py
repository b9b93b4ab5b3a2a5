"""The shared module, notebooks/fmnist_series.py: made from its sources (series/ and the notebooks) in layers whose
dependencies run one way, the one home of what the notebooks share, and released under one tag, with links that
work from Colab."""

import ast
import builtins
import re
from collections import defaultdict

import nbformat
import pytest

import fmnist_series
from tools import export_module
from tools.notebook_code import shared_definitions
from tools.project import MODULE, NOTEBOOKS, REPOSITORY, ROOT, SOURCES_DIR, sha256
from tools.release import DOCUMENTS_WITH_LINKS, at_release, released_notebook, setup_cell, with_new_terms

BLOCKS = list(export_module.blocks())


def defined_names(source):
    """The names a block defines at its top level: its functions, classes, assigned names and imports."""
    names = set()
    for node in ast.parse(source).body:
        statements = [node, *node.body] if isinstance(node, ast.Try) else [node]  # `try: import ...`
        statements += node.handlers[0].body if isinstance(node, ast.Try) and node.handlers else []
        for statement in statements:
            if isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
                names.add(statement.name)
            elif isinstance(statement, ast.Assign):
                names.update(name.id for target in statement.targets for name in ast.walk(target)
                             if isinstance(name, ast.Name) and isinstance(name.ctx, ast.Store))
            elif isinstance(statement, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in statement.names)
    return names


def used_names(source):
    """The names a block reads (`series.NAME` counts as NAME), and every name it binds anywhere, locals included."""
    tree = ast.parse(source)
    used, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "series":
            used.add(node.attr)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):  # a parameter of a function or lambda
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
    return used, bound


def module_origins():
    """Each name the module defines: the number of the notebook it comes from, or the source file in series/."""
    origins = {}
    for origin, source in BLOCKS:
        for name in defined_names(source):
            origins.setdefault(name, origin[len("notebooks/"):][:2] if origin.startswith("notebooks/") else origin)
    return origins


def test_the_module_is_made_from_its_sources():
    """As nbdev's CI does: make the module again from series/ and the notebooks, and fail on any difference."""
    assert MODULE.read_text() == export_module.module_text(), "run make module"


def test_each_block_uses_only_what_it_or_the_blocks_above_it_define():
    """The layers' dependencies run one way: configuration, downloads, measurement, the lessons, the earlier
    notebooks' models, the checker, the exercises. A name from a later block, or from nowhere, fails."""
    everywhere = set().union(*(defined_names(source) for _, source in BLOCKS))
    above = set(dir(builtins)) | {"__file__", "__name__"}
    for origin, source in BLOCKS:
        used, bound = used_names(source)
        here = defined_names(source)
        from_below = sorted(name for name in used - above - here - bound if name in everywhere)  # not a local's name
        assert not from_below, f"{origin} uses {from_below}, defined only in blocks below it"
        undefined = sorted(used - above - here - bound - everywhere)
        assert not undefined, f"{origin} uses {undefined}, which no block defines"
        above |= here


def test_no_source_of_the_shared_code_is_longer_than_600_lines():
    lengths = {path.relative_to(ROOT).as_posix(): len(path.read_text().splitlines())
               for path in SOURCES_DIR.rglob("*.py")}
    assert max(lengths.values()) <= 600, lengths


def test_no_name_is_defined_twice_across_the_module_the_tools_and_the_benchmarks():
    """Each definition has one home: the shared module's blocks, a tool or a benchmark (each script's `main` aside)."""
    homes = defaultdict(list)
    for origin, source in BLOCKS:
        for name in defined_names(source):
            homes[name].append(origin)
    for path in sorted((ROOT / "tools").glob("*.py")) + sorted((ROOT / "benchmarks").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.Assign) and getattr(getattr(node.value, "func", None), "id", None) == "configured":
                continue  # read from the configuration, its one home
            names = [node.name] if isinstance(node, (ast.FunctionDef, ast.ClassDef)) else [
                target.id for target in getattr(node, "targets", []) if isinstance(target, ast.Name)]
            for name in names:
                homes[name].append(path.relative_to(ROOT).as_posix())
    twice = {name: places for name, places in homes.items() if len(places) > 1 and name not in {"main", "__all__"}}
    assert twice == {}, twice


def test_every_generated_definition_says_where_it_is_defined():
    origins = module_origins()
    generated = {name: number for name, number in origins.items() if not number.startswith("series/")}
    assert {"build_lesson_cnn": "02", "save_atomically": "03", "photo_to_model_input": "14"}.items() <= generated.items()
    for name, number in generated.items():
        defined_there = {defined for defined, _ in shared_definitions(next(p for p in NOTEBOOKS if p.name[:2] == number))}
        assert name in defined_there, f"{name}: notebook {number} does not define it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_a_notebook_defines_nothing_that_the_module_takes_from_elsewhere(path):
    origins = module_origins()
    bootstrap = {"KEEP_MODELS_IN_DRIVE", "RELEASE", "SERIES_MODULE_SHA256"}  # the setup cell's, before the module loads
    for name, _ in shared_definitions(path):
        if name in bootstrap:
            continue
        assert origins.get(name, path.name[:2]) == path.name[:2], \
            f"{name} comes from {origins[name]} in fmnist_series.py: use series.{name}"


def test_no_function_or_class_is_defined_in_two_notebooks():
    defined = defaultdict(list)
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code" and not cell.source.startswith("%%"):
                for node in ast.parse(re.sub(r"^(\s*)[%!].*$", r"\1pass", cell.source, flags=re.M)).body:
                    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                        defined[node.name].append(path.name[:2])
    assert {name: numbers for name, numbers in defined.items() if len(numbers) > 1} == {}


def test_make_release_of_the_current_release_changes_nothing():
    """Every notebook carries the release, the module's SHA-256, absolute links and its glossary line as `make release`
    writes them, and so do the READMEs' links: making the same release again leaves `git diff` empty."""
    module_sha256 = sha256(MODULE)
    for path in NOTEBOOKS:
        assert path.read_text() == released_notebook(path, fmnist_series.RELEASE, module_sha256), (
            f"{path.name}: run make release VERSION={fmnist_series.RELEASE}")
    for document in DOCUMENTS_WITH_LINKS:
        assert document.read_text() == at_release(document.read_text(), fmnist_series.RELEASE), document.name


def test_the_setup_cell_stays_short():
    assert len(setup_cell(fmnist_series.RELEASE, sha256(MODULE)).splitlines()) <= 15


def test_every_notebook_names_the_glossary_terms_it_explains_first():
    for path in NOTEBOOKS:
        title = nbformat.read(path, as_version=4).cells[0]
        assert title.source == with_new_terms(title.source, int(path.name[:2]), fmnist_series.RELEASE), (
            f"{path.name}: run make release VERSION={fmnist_series.RELEASE}")


def test_every_link_into_the_repository_points_at_a_file_that_exists_in_the_release():
    """Links from notebooks are absolute (Colab cannot follow relative ones); the README's may be relative."""
    absolute = re.compile(r"https://(?:colab\.research\.google\.com/github/|github\.com/)" + re.escape(REPOSITORY)
                          + r"/blob/([\w.-]+)/([^)\s#]+)")
    checked = 0
    documents = [(path, "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells
                                  if cell.cell_type == "markdown")) for path in NOTEBOOKS]
    documents += [(ROOT / "README.md", (ROOT / "README.md").read_text())]
    for path, text in documents:
        for release, target in absolute.findall(text):
            assert release == fmnist_series.RELEASE, f"{path.name}: {target} at {release}"
            assert (ROOT / target).exists(), f"{path.name}: {target} does not exist"
            checked += 1
        for target in re.findall(r"\]\((?!https?://|mailto:|#)([^)\s#]+)", text):
            assert path.name == "README.md", f"{path.name}: relative link {target} does not work from Colab"
            assert (ROOT / target).exists(), f"README.md: {target} does not exist"
    assert checked >= 2 * len(NOTEBOOKS)


def test_every_figure_after_the_setup_cell_draws_in_the_colour_blind_safe_palette(tmp_path, monkeypatch):
    import matplotlib

    monkeypatch.chdir(tmp_path)
    fmnist_series.start(fmnist_series.RELEASE)
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"] == list(fmnist_series.PALETTE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name[:2])
def test_figures_name_colours_from_the_palette_and_uniform_colour_maps(path):
    code = "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code")
    assert not re.findall(r"tab:\w+|plt\.cm\.tab10|cmap=\"(?:jet|rainbow|hsv)\"", code)
