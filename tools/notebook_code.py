"""Read the code of the notebooks, so that tests and benchmarks use what the notebooks really define."""

import ast
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

NOTEBOOKS_DIR = Path(__file__).parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


def notebook_path(number: int) -> Path:
    return next(path for path in NOTEBOOKS if path.name.startswith(f"{number:02d}_"))


def code_of(path: Path) -> str:
    """A notebook's code cells as one Python source.

    Cell magics (%%writefile) leave their cell out; line magics (%pip) become the Python calls
    IPython would make.
    """
    notebook = nbformat.read(path, as_version=4)
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code" and not cell.source.startswith("%%")]
    return "\n\n".join(TransformerManager().transform_cell(source) for source in cells)


def shared_definitions(path: Path):
    """(name, source) of each top-level function, class and UPPER_CASE constant a notebook defines."""
    source = code_of(path)
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            yield node.name, ast.get_source_segment(source, node)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id.isupper():
                yield target.id, ast.get_source_segment(source, node)


def load_definitions(path: Path, *names: str) -> dict:
    """Run a notebook's imports and the named top-level definitions; return the resulting namespace.

    Imports inside a top-level `try` (an import with a friendlier error message) count as imports.
    """
    source = code_of(path)
    wanted = [
        node
        for node in ast.parse(source).body
        if isinstance(node, (ast.Import, ast.ImportFrom))
        or (isinstance(node, ast.Try) and all(isinstance(inner, (ast.Import, ast.ImportFrom)) for inner in node.body))
        or (isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names)
        or (isinstance(node, ast.Assign) and any(getattr(target, "id", None) in names for target in node.targets))
    ]
    found = {getattr(node, "name", None) for node in wanted} | {
        target.id for node in wanted if isinstance(node, ast.Assign) for target in node.targets
    }
    missing = set(names) - found
    assert not missing, f"{path.name} does not define {missing}"
    namespace = {}
    exec(compile(ast.Module(body=wanted, type_ignores=[]), str(path), "exec"), namespace)
    return namespace
