"""Code flows one way: the kernel knows no app, providers know nothing of contracts.

``commissioning/`` (settings, root URLs and the small kernel every app uses)
imports nothing from ``providers``, ``contracts``, ``outcomes`` or ``reports``;
``providers`` imports nothing from ``contracts``. Every import statement in
every module counts, those inside functions included. (The root URLconf names
the apps' URL modules as strings for ``include()``; that is routing, not an
import, and is allowed.)
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "commissioning": {"providers", "contracts", "outcomes", "reports"},
    "providers": {"contracts"},
}


def imported_modules(path, package, root=ROOT):
    """Every module a file imports, relative imports resolved, as dotted names."""
    tree = ast.parse(path.read_text(), filename=str(path))
    module_parts = [package, *path.relative_to(root / package).with_suffix("").parts]
    if module_parts[-1] == "__init__":
        module_parts.pop()
        here = module_parts
    else:
        here = module_parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            if node.module:
                yield ".".join([*base, node.module])
            else:  # from .. import name
                yield from (".".join([*base, alias.name]) for alias in node.names)


def forbidden_imports(package):
    paths = sorted((ROOT / package).rglob("*.py"))
    assert paths, f"no modules found under {ROOT / package}"
    found = []
    for path in paths:
        for module in imported_modules(path, package):
            if module.split(".")[0] in FORBIDDEN[package]:
                found.append(f"{path.relative_to(ROOT)} imports {module}")
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_nothing_from_the_apps_above_it(package):
    assert forbidden_imports(package) == []


def test_the_walk_finds_absolute_relative_and_function_level_imports(tmp_path):
    # The check above is only as good as the walk: show it sees each kind of import.
    package = tmp_path / "kernel"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "mod.py").write_text(
        "import contracts.models\n"
        "from reports import charts\n"
        "from .. import sibling\n"
        "def later():\n"
        "    from providers.models import Provider\n"
    )
    modules = set(imported_modules(package / "sub" / "mod.py", "kernel", root=tmp_path))
    assert modules == {"contracts.models", "reports", "kernel.sibling", "providers.models"}
