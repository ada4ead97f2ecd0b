"""The import rules of the rooms (docs/architecture.md, "Rooms"): config → apps → core, core → nothing.

Each rule names a room (a package) and the packages its code must never import, at module
level or inside a function alike. The checker reads the source with `ast`, so a rule holds for
code that is never run by a test too.
"""

import ast
import graphlib
from pathlib import Path

import pytest

from tests.helpers import PROJECT_DIR

# Every Django app of the project (INSTALLED_APPS without the other projects' apps).
APPS = ["network", "news", "associations", "events", "campaigns", "newsletter", "audit", "privacy"]

RULES = [
    # The infrastructure serves every app and knows none of them, nor the composition root.
    ("core", [*APPS, "config"]),
    # The composition root (settings, urls, checks) knows the apps; no app knows it.
    *[(app, ["config"]) for app in APPS],
    # An association's page does not depend on the campaigns or the newsletter.
    ("associations", ["campaigns", "newsletter"]),
]


def imported_modules(source):
    """(line, dotted name) of every absolute import in this source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def forbidden_imports(room, forbidden):
    """Every import in the package directory `room` of a package named in `forbidden`."""
    found = []
    for path in sorted(Path(room).rglob("*.py")):
        for line, module in imported_modules(path.read_text(encoding="utf-8")):
            if module.split(".")[0] in forbidden:
                found.append(f"{path}:{line} imports {module}")
    return found


@pytest.mark.parametrize(("room", "forbidden"), RULES, ids=[f"{room}-imports-no-{'-'.join(f)}" for room, f in RULES])
def test_import_rule_holds(room, forbidden):
    assert (PROJECT_DIR / room).is_dir()
    assert forbidden_imports(PROJECT_DIR / room, forbidden) == []


def test_the_checker_finds_a_forbidden_import(tmp_path):
    """A forbidden import anywhere in a room, in any spelling, is reported with its place."""
    room = tmp_path / "core"
    (room / "templatetags").mkdir(parents=True)
    (room / "clean.py").write_text("import django.db\nfrom django.conf import settings\nfrom . import cache\n")
    (room / "eager.py").write_text("from network.models import Network\n")
    (room / "templatetags" / "lazy.py").write_text(
        "def f():\n    import campaigns.models\n    from config import settings\n"
    )

    assert forbidden_imports(room, ["network", "campaigns", "config"]) == [
        f"{room / 'eager.py'}:1 imports network.models",
        f"{room / 'templatetags' / 'lazy.py'}:2 imports campaigns.models",
        f"{room / 'templatetags' / 'lazy.py'}:3 imports config",
    ]
    assert forbidden_imports(room, ["privacy"]) == []


# Migrations ------------------------------------------------------------------------------------


def migration_dependencies(apps):
    """{app: {apps its migrations depend on}} among `apps`, read from the migration files."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    depends = {app: set() for app in apps}
    for (app, _name), migration in loader.disk_migrations.items():
        if app in depends:
            depends[app].update(dep[0] for dep in migration.dependencies if dep[0] in depends and dep[0] != app)
    return depends


def cycle(depends):
    """A cycle of apps in `depends` ({app: {apps}}) as a list, or None."""
    try:
        tuple(graphlib.TopologicalSorter(depends).static_order())
    except graphlib.CycleError as error:
        return error.args[1]
    return None


def test_no_migration_cycle_between_apps():
    depends = migration_dependencies(APPS)
    assert cycle(depends) is None
    # The rooms' arrows hold in the migrations too: the networks come first, the news after the content it links.
    assert depends["network"] == set()
    assert depends["news"] == {"network", "associations", "campaigns"}


def test_the_cycle_check_finds_a_cycle():
    assert cycle({"network": {"associations"}, "associations": {"network"}, "events": {"network"}}) in (
        ["network", "associations", "network"],
        ["associations", "network", "associations"],
    )
    assert cycle({"network": set(), "associations": {"network"}}) is None
