"""The import rules of the rooms (docs/architecture.md, "Rooms"): config → apps → core, core → nothing.

Each rule names a room (a package) and the packages its code must never import, at module
level or inside a function alike; config, which knows the apps, may import only their URLs,
views and app configs (never their models). The checker reads the source with `ast`, so a
rule holds for code that is never run by a test too.
"""

import ast
import graphlib
from pathlib import Path

import pytest

from tests.helpers import PROJECT_DIR, project_apps

# Every Django app of the project but core (found in INSTALLED_APPS: a new app is covered at once).
APPS = [config.name for config in project_apps() if config.name != "core"]

RULES = [
    # The infrastructure serves every app and knows none of them, nor the composition root.
    ("core", [*APPS, "config"]),
    # The networks come first: every other app builds on them, and they build on none but the audit trail.
    ("network", ["news", "associations", "events", "campaigns", "newsletter", "privacy"]),
    # The composition root (settings, urls, checks) knows the apps; no app knows it.
    *[(app, ["config"]) for app in APPS],
    # The content apps stand side by side on the networks: each knows the networks (and the news
    # it shows), none knows the newsletter that gathers them, nor a sibling it does not show.
    ("news", ["associations", "events", "campaigns", "newsletter", "privacy"]),
    # An association's page shows its news; it does not depend on campaigns, events or the newsletter.
    ("associations", ["campaigns", "events", "newsletter"]),
    ("events", ["news", "associations", "campaigns", "newsletter"]),
    ("campaigns", ["associations", "events", "newsletter"]),
    # The audit trail knows the networks (to scope its entries) and nothing of their content.
    ("audit", ["news", "associations", "events", "campaigns", "newsletter", "privacy"]),
    # Privacy reads the personal-data registry (core); it imports no app.
    ("privacy", [app for app in APPS if app != "privacy"]),
    # The redirects follow the content apps' addresses; no content app knows of them.
    *[(app, ["redirects"]) for app in APPS if app != "redirects"],
]

# The composition root wires each app in through these modules of it, never through its models.
CONFIG_MAY_IMPORT = ["urls", "views", "apps"]


def imported_modules(source):
    """(line, dotted name) of every absolute import in this source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def imported_names(source):
    """(line, dotted name) of every absolute import, down to the name imported: `from events
    import views` is events.views, `from network.models import Network` network.models.Network."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def forbidden_imports(room, forbidden):
    """Every import in the package directory `room` of a package named in `forbidden`."""
    found = []
    for path in sorted(Path(room).rglob("*.py")):
        for line, module in imported_modules(path.read_text(encoding="utf-8")):
            if module.split(".")[0] in forbidden:
                found.append(f"{path}:{line} imports {module}")
    return found


def app_imports_outside(room, apps, allowed):
    """Every import in the package directory `room` of an app's module other than `<app>.<allowed>`."""
    found = []
    for path in sorted(Path(room).rglob("*.py")):
        for line, name in imported_names(path.read_text(encoding="utf-8")):
            app, _, rest = name.partition(".")
            if app in apps and rest.split(".")[0] not in allowed:
                found.append(f"{path}:{line} imports {name}")
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


def test_config_imports_the_apps_only_through_their_urls_views_and_app_configs():
    assert app_imports_outside(PROJECT_DIR / "config", APPS, CONFIG_MAY_IMPORT) == []


def test_the_checker_finds_an_app_module_config_may_not_import(tmp_path):
    """An app's models (or any module but urls, views, apps) imported by config, in any spelling, is reported."""
    room = tmp_path / "config"
    room.mkdir()
    (room / "urls.py").write_text(
        "from core import media\nfrom events import views as event_views\nimport network.urls\n"
        "from newsletter.views import healthz_worker\nfrom campaigns.apps import CampaignsConfig\n"
    )
    (room / "views.py").write_text(
        "def media(request):\n    from network.models import Document\n    from newsletter import views, worker\n"
    )
    (room / "checks.py").write_text("import privacy\nimport audit.models\n")

    assert app_imports_outside(room, APPS, CONFIG_MAY_IMPORT) == [
        f"{room / 'checks.py'}:1 imports privacy",
        f"{room / 'checks.py'}:2 imports audit.models",
        f"{room / 'views.py'}:2 imports network.models.Document",
        f"{room / 'views.py'}:3 imports newsletter.worker",
    ]
    assert app_imports_outside(room, ["associations"], CONFIG_MAY_IMPORT) == []


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


def test_core_has_no_models():
    """The infrastructure holds no data of its own: every table belongs to an app."""
    from django.apps import apps

    assert list(apps.get_app_config("core").get_models()) == []
    assert not (PROJECT_DIR / "core" / "models.py").exists()
    assert not (PROJECT_DIR / "core" / "migrations").exists()


def application_lines(package):
    """Lines of Python in a package of the project, migrations left out."""
    return sum(
        len(path.read_text(encoding="utf-8").splitlines())
        for path in (PROJECT_DIR / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_the_networks_app_holds_its_own_domain_only():
    """network/ once held a third of the code (the infrastructure and the news); it keeps its
    domain only: at most 15% of the application code (core, config and the apps)."""
    lines = {package: application_lines(package) for package in ["core", "config", *APPS]}
    assert lines["network"] <= 0.15 * sum(lines.values())
