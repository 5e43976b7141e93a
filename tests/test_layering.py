"""The import direction of docs/architecture.md: each layer imports only those below it.

Every module of ours falls under one row of `LAYERS` (the most specific
prefix wins), and may import its own layer and the layers the row names.
Relative imports count as what they resolve to. A module no row covers is
itself a failure, so a new package must take its place in the table.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ("core", "permissions", "schema", "subscriptions", "project")

MODELS = ("core.identity", "core.models")
RULES = (*MODELS, "permissions")
READS = (*RULES, "core.selectors")
WRITES = (*READS, "core.services", "core.events")
# layer -> the layers it may import besides itself, lowest first
LAYERS: dict[str, tuple[str, ...]] = {
    "core.identity": (),  # personal identity numbers: pure functions
    "core.events": (),  # telling sockets that something changed
    "core.models": ("core.identity",),
    "permissions": MODELS,  # who may read what: relations, grants, the policy table
    "core.selectors": RULES,  # reads
    "core.services": (*READS, "core.events"),  # writes, and the events after commit
    "core.importers": (*READS, "core.services"),  # SS 12000 and the demo municipality
    "core": (),  # the package's own module only (see PACKAGE_ONLY)
    "core.apps": ("core.services",),  # connects the services' signal receivers
    "core.admin": WRITES,
    "core.views": WRITES,  # media and CSV downloads
    "core.login": WRITES,  # the sign-in pages and the OpenID Connect relying party
    "core.management": (*WRITES, "core.importers"),
    "schema": WRITES,  # GraphQL: resolvers call selectors and services
    "subscriptions": (*WRITES, "schema"),  # the websocket transport of the schema
    "project": (
        *WRITES,
        "core.views",
        "core.login",
        "schema",
        "subscriptions",
    ),  # settings, URLs, ASGI
}

# Rows that cover their package's own module but nothing under it.
PACKAGE_ONLY = {"core"}


def module_name(root: Path, path: Path) -> str:
    return ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")


def imports(root: Path, path: Path) -> list[str]:
    """The modules of ours that `path` imports, relative imports resolved."""
    module = module_name(root, path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*parts, node.module] if node.module else parts)
            names += [base] if node.module else [f"{base}.{alias.name}" for alias in node.names]
    return [name for name in names if name.split(".")[0] in OURS]


def layer_of(module: str) -> str | None:
    """The most specific row of `LAYERS` that `module` falls under."""
    found = [
        layer
        for layer in LAYERS
        if module == layer or (module.startswith(layer + ".") and layer not in PACKAGE_ONLY)
    ]
    return max(found, key=len, default=None)


def violations(root: Path) -> list[str]:
    found = []
    for path in sorted(root.glob("*/**/*.py")):
        if path.relative_to(root).parts[0] not in OURS or "migrations" in path.parts:
            continue
        module = module_name(root, path)
        layer = layer_of(module)
        if layer is None:
            found.append(f"{module} is in no layer")
            continue
        allowed = (layer, *LAYERS[layer])
        found += [
            f"{module} ({layer}) imports {name} ({layer_of(name)})"
            for name in imports(root, path)
            if layer_of(name) not in allowed
        ]
    return found


def plant(root: Path, module: str, source: str) -> None:
    path = root.joinpath(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")


def test_every_module_imports_only_its_own_layer_and_those_below():
    # when
    found = violations(ROOT)

    # then
    assert found == []


def test_every_package_of_ours_has_a_row():
    # given
    packages = {
        module_name(ROOT, path.parent)
        for path in ROOT.glob("*/**/__init__.py")
        if path.relative_to(ROOT).parts[0] in OURS and "migrations" not in path.parts
    }

    # when
    layers = {package: layer_of(package) for package in packages}

    # then
    assert [package for package, layer in layers.items() if layer is None] == []
    assert {layer_of(name) for name in ("core.models.roster", "core.services.plans")} == {
        "core.models",
        "core.services",
    }


def test_a_planted_upward_import_fails_the_check(tmp_path):
    # given: a model that imports the schema, a service that imports a view
    # (relatively), a selector that imports a service's module by name, a
    # schema module that imports the websocket consumer
    plant(tmp_path, "core.models.planted", "from schema import schema\n")
    plant(tmp_path, "core.services.planted", "from ..views import media\n")
    plant(tmp_path, "core.selectors.planted", "from core.services import plans\n")
    plant(tmp_path, "schema.notices.planted", "import subscriptions.consumers\n")
    plant(tmp_path, "schema.fine", "from .context import viewer\nfrom core.models import User\n")

    # when
    found = violations(tmp_path)

    # then
    assert found == [
        "core.models.planted (core.models) imports schema (schema)",
        "core.selectors.planted (core.selectors) imports core.services (core.services)",
        "core.services.planted (core.services) imports core.views (core.views)",
        "schema.notices.planted (schema) imports subscriptions.consumers (subscriptions)",
    ]


def test_a_module_outside_every_layer_fails_the_check(tmp_path):
    # given
    plant(tmp_path, "core.reports.planted", "import datetime\n")

    # when
    found = violations(tmp_path)

    # then
    assert found == ["core.reports.planted is in no layer"]
