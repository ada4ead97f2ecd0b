"""One way to register, for every app: its AppConfig.ready() calls the `register()` of its own
search.py, sections.py, sitemaps.py, personal_data.py, revisions.py, previews.py and dashboard.py,
which add to core's registries (core/search.py, core/home.py, core/sitemaps.py, core/personaldata.py,
core/previews.py, core/dashboard.py) only what belongs to that app. Nothing registers when a module is
imported, and no app registers another's entries.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps

from core import dashboard, home, personaldata, previews, sitemaps
from core import search as site_search
from tests.helpers import project_apps

REGISTERING_MODULES = ["search", "sections", "sitemaps", "personal_data", "revisions", "previews", "dashboard"]
# The privacy app covers the personal data held by the other projects' apps (Django's accounts,
# sessions and admin log, allauth, django-auditlog, django-tasks).
COVERS_OTHER_PROJECTS = "privacy"

APPS = [config.label for config in project_apps() if config.label != "core"]


def registering_modules(app):
    return [name for name in REGISTERING_MODULES if (Path(apps.get_app_config(app).path) / f"{name}.py").exists()]


def ready_function(app):
    tree = ast.parse((Path(apps.get_app_config(app).path) / "apps.py").read_text(encoding="utf-8"))
    return next(node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "ready")


def test_the_project_apps_are_found():
    assert sorted(APPS) == sorted(
        [
            "network",
            "news",
            "associations",
            "events",
            "campaigns",
            "redirects",
            "newsletter",
            "audit",
            "privacy",
            "linkcheck",
        ]
    )


@pytest.mark.parametrize("app", APPS)
def test_ready_calls_the_register_of_each_of_the_apps_own_registering_modules(app):
    ready = ready_function(app)
    called = {
        node.func.value.id
        for node in ast.walk(ready)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "register"
        and isinstance(node.func.value, ast.Name)
    }
    assert called == set(registering_modules(app))
    imported_from = {
        node.module
        for node in ast.walk(ready)
        if isinstance(node, ast.ImportFrom) and any(alias.name in REGISTERING_MODULES for alias in node.names)
    }
    assert imported_from <= {app}, f"{app}'s ready() imports another app's registering module"


@pytest.mark.parametrize(
    ("app", "module"), [(app, module) for app in APPS for module in registering_modules(app)], ids=str
)
def test_a_registering_module_registers_nothing_when_imported(app, module):
    tree = ast.parse((Path(apps.get_app_config(app).path) / f"{module}.py").read_text(encoding="utf-8"))
    top_level_calls = [
        node.lineno for node in tree.body if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    ]
    decorated = [
        node.lineno for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.decorator_list
    ]
    assert top_level_calls == [] and decorated == []
    assert any(isinstance(node, ast.FunctionDef) and node.name == "register" for node in tree.body)


def empty(monkeypatch):
    """Empty core's registries for the test (monkeypatch puts them back after it)."""
    monkeypatch.setattr(site_search, "_KINDS", {})
    monkeypatch.setattr(home, "HOME_SECTIONS", [])
    monkeypatch.setattr(home, "THEME_SECTIONS", [])
    monkeypatch.setattr(sitemaps, "SITEMAPS", {})
    monkeypatch.setattr(personaldata, "_KINDS", {})
    monkeypatch.setattr(previews, "_RENDERERS", {})
    monkeypatch.setattr(previews, "_QUERYSETS", {})
    monkeypatch.setattr(dashboard, "_SECTIONS", {panel: [] for panel in dashboard.PANELS})


@pytest.fixture
def empty_registries(monkeypatch):
    empty(monkeypatch)


def snapshot():
    return {
        "search": list(site_search._KINDS),
        "home": list(home.HOME_SECTIONS),
        "theme": list(home.THEME_SECTIONS),
        "sitemaps": list(sitemaps.SITEMAPS.items()),
        "personal data": sorted(personaldata._KINDS),  # erasure runs them in their own order
        "previews": sorted(previews._RENDERERS),
        "dashboard": dashboard.sections(),
    }


def register(app):
    """Call the `register()` of each of the app's registering modules, as its ready() does."""
    for module in registering_modules(app):
        __import__(f"{app}.{module}", fromlist=["register"]).register()


def registered_entries():
    """Every entry in core's registries, each with the app it belongs to."""
    entries = [(f"search:{kind.slug}", kind.queryset().model._meta.app_label) for kind in site_search._KINDS.values()]
    entries += [
        (f"section:{function.__name__}", function.__module__.split(".")[0])
        for _order, function in home.HOME_SECTIONS + home.THEME_SECTIONS
    ]
    entries += [
        (f"dashboard:{function.__name__}", function.__module__.split(".")[0])
        for functions in dashboard.sections().values()
        for _order, function in functions
    ]
    entries += [(f"sitemap:{name}", section.__module__.split(".")[0]) for name, section in sitemaps.SITEMAPS.items()]
    entries += [
        (f"personal data:{kind.key}", label.split(".")[0] if label.split(".")[0] in APPS else "another project")
        for kind in personaldata._KINDS.values()
        for label in kind.models
    ]
    entries += [(f"preview:{label}", label.split(".")[0]) for label in previews.registered_models()]
    return entries


def wrong_room(app, entries):
    allowed = {app, "another project"} if app == COVERS_OTHER_PROJECTS else {app}
    return [name for name, owner in entries if owner not in allowed]


@pytest.mark.django_db
@pytest.mark.parametrize("app", APPS)
def test_an_app_registers_only_its_own_entries(app, empty_registries):
    register(app)
    assert wrong_room(app, registered_entries()) == []


def test_an_entry_of_another_app_is_noticed(empty_registries):
    from associations.models import Association

    site_search.register_kind(
        "verenigingen", label="x", queryset=Association.objects.all, fields={"A": ["name"]}, describe=str
    )
    assert wrong_room("network", registered_entries()) == ["search:verenigingen"]


def test_the_registries_hold_exactly_what_the_apps_register_in_the_order_of_installed_apps(monkeypatch):
    live = snapshot()
    empty(monkeypatch)
    for app in APPS:
        register(app)
    assert snapshot() == live
