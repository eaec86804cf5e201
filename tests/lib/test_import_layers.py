"""The apps depend one way (.importlinter, also run by `make lint`), and no import inside a
function hides a dependency between apps: such an import is invisible at the top of the module,
so a reader (and a cycle) would miss it."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["trustcentre", "dpa", "subprocessors", "rights_requests", "exports"]


def app_of(module: str) -> str | None:
    """The app a module belongs to: a folder holding apps.py (the innermost one)."""
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        if (ROOT.joinpath(*parts[:length]) / "apps.py").exists():
            return ".".join(parts[:length])
    if parts[0] == "trustcentre" and len(parts) > 1:
        return ".".join(parts[:2])  # trustcentre.lib and the project modules
    return None


def imports_inside_functions_between_apps() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            here = app_of(module)
            source = path.read_text()
            lines = source.splitlines()
            for function in ast.walk(ast.parse(source)):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if not (isinstance(node, ast.ImportFrom) and node.module and not node.level):
                        continue
                    other = app_of(node.module)
                    if other is None or other == here or "#" in lines[node.lineno - 1]:
                        continue  # another library, the same app, or a comment says why
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}")
    return found


def test_no_import_inside_a_function_hides_a_dependency_between_apps():
    assert imports_inside_functions_between_apps() == []


def test_the_layers_of_apps_hold():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--config", ".importlinter"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
