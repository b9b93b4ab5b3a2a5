"""Read the code of the notebooks: which they are, and what each defines at its top level."""

import ast
import re
from pathlib import Path

import nbformat


def models_loaded(path: Path) -> set[str]:
    """The models of earlier notebooks that a notebook loads: "lesson" (03's) and "better" (10's)."""
    source = path.read_text()
    return {model for model, call in (("lesson", "load_lesson_model()"), ("better", "load_better_model()")) if call in source}


def code_of(path: Path) -> str:
    """A notebook's code cells as one Python source.

    Cell magics (%%writefile) leave their cell out; a line magic or shell command (%pip, !ls) becomes
    `pass`, at its indentation: only the definitions matter here.
    """
    notebook = nbformat.read(path, as_version=4)
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code" and not cell.source.startswith("%%")]
    return "\n\n".join(re.sub(r"^(\s*)[%!].*$", r"\1pass", source, flags=re.M) for source in cells)


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
