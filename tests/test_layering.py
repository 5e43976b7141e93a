"""The import direction of DESIGN.md: lower layers never import upper ones."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("core", "permissions", "schema", "subscriptions", "project")
# module prefix -> prefixes of ours it may import (most specific first)
ALLOWED = {
    "core.identity": (),
    "core.models": ("core.models", "core.identity"),
    "permissions": ("permissions", "core.models", "core.identity"),
    "core.services": ("core", "permissions", "subscriptions.publish"),
    "core.selectors": ("core", "permissions", "subscriptions.publish"),
    "core": ("core", "permissions"),
}


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return [n for n in names if n.split(".")[0] in OURS]


def _rule(module: str) -> tuple[str, ...] | None:
    for prefix, allowed in ALLOWED.items():
        if module == prefix or module.startswith(prefix + "."):
            return allowed
    return None


def _violations() -> list[str]:
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        if path.parts[len(ROOT.parts)] not in OURS or "migrations" in path.parts:
            continue
        module = _module_name(path)
        allowed = _rule(module)
        if allowed is None:
            continue
        found += [
            f"{module} imports {name}"
            for name in _imports(path)
            if not any(name == a or name.startswith(a + ".") for a in allowed)
        ]
    return found


def test_lower_layers_do_not_import_upper_layers():
    # when
    violations = _violations()

    # then
    assert violations == []


@pytest.mark.parametrize(
    ("module", "expected"),
    [("core.models.roster", ("core.models", "core.identity")), ("schema.service", None)],
)
def test_rules_are_found_by_module_prefix(module, expected):
    # when / then
    assert _rule(module) == expected
