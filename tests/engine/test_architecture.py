"""The engine's architecture is enforced, not described: its layers, its one builder
adapter, and the privacy of each module's helpers.

The layer contract lives in ``pyproject.toml`` (``[tool.importlinter]``) and is checked by
import-linter, the tool made for it; the test also shows the contract can fail, by running
it over a copy of the package with a violation added.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "toulmin"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(src: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(src))
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=300,
    )


def test_import_contract_holds(tmp_path):
    result = _lint_imports(ROOT / "src", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # a lower layer reaching up: the reference base importing a check
        ("bibliography/__init__.py", "from toulmin.checks import citations", "layers"),
        # the core importing the builder
        ("scan/__init__.py", "import mkdocs.plugins", "builder"),
        # the build reaching the network
        ("render/__init__.py", "from toulmin.registries import client", "network"),
    ],
)
def test_import_contract_fails_on_a_violation(tmp_path, module, line, contract):
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "toulmin", ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / "toulmin" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    result = _lint_imports(copy, tmp_path)
    assert result.returncode != 0
    broken = [ln for ln in result.stdout.splitlines() if ln.endswith("BROKEN")]
    assert len(broken) == 1, result.stdout
    names = {"layers": "layers", "builder": "builder", "network": "network"}
    assert names[contract] in broken[0].lower(), broken


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def test_no_module_imports_another_modules_private_names():
    """A name with a leading underscore belongs to its module: another module that needs it
    needs it public (the reaches across layers that this rule ended were all of this kind)."""
    modules = _modules()
    offences = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if not node.module.startswith("toulmin"):
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        offences.append(f"{name}: from {node.module} import {alias.name}")
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                    and not node.attr.startswith("__") and isinstance(node.value, ast.Name):
                # module._helper where the name was imported as a toulmin module
                offences.extend(
                    f"{name}: {node.value.id}.{node.attr}"
                    for imported in _imported_modules(tree)
                    if imported == node.value.id
                )
    assert not offences, "\n".join(sorted(set(offences)))


def _imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("toulmin"):
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names
                         if a.name.startswith("toulmin"))
    return names


def test_every_module_is_small_and_every_package_says_what_it_owns():
    """Modules stay under 600 lines (a table may be longer); every package's docstring
    says what it owns."""
    too_long = []
    for name, path in _modules().items():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines >= 600 and not name.endswith(("rules", "table")) and ".rules." not in name:
            too_long.append(f"{name}: {lines} lines")
        if path.name == "__init__.py":
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
            assert doc and len(doc) > 40, f"{name} has no docstring saying what it owns"
    assert not too_long, too_long
