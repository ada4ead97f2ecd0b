"""Sections of a network's home page and of a theme page, contributed by every app.

Each app's sections.py has a `register()` that its AppConfig.ready() calls; it adds functions
with `register_home_section(order, function)` and `register_theme_section(order, function)`.
A function returns a dict with a "template" and its context, or None when it has nothing to
show, so an empty section vanishes without a trace.
"""

HOME_SECTIONS = []
THEME_SECTIONS = []


def _add(registry, order, function):
    if (order, function) in registry:  # ready() runs again when a test builds an app registry of its own
        return
    registry.append((order, function))
    registry.sort(key=lambda item: item[0])


def register_home_section(order, function):
    """Show `function(request, network)` on a network's home, sections sorted by `order`."""
    _add(HOME_SECTIONS, order, function)


def register_theme_section(order, function):
    """Show `function(request, theme)` on a theme page, sections sorted by `order`."""
    _add(THEME_SECTIONS, order, function)


def render_sections(registry, request, subject):
    sections = []
    for _order, function in registry:
        section = function(request, subject)
        if section:
            sections.append(section)
    return sections
