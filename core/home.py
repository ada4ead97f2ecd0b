"""Sections of a network's home page and of a theme page, contributed by every app.

Each app registers functions in its AppConfig.ready(); a function returns a dict
with a "template" and its context, or None when it has nothing to show, so an
empty section vanishes without a trace.
"""

HOME_SECTIONS = []
THEME_SECTIONS = []


def _registrar(registry):
    def section(order):
        def register(function):
            registry.append((order, function))
            registry.sort(key=lambda item: item[0])
            return function

        return register

    return section


home_section = _registrar(HOME_SECTIONS)
theme_section = _registrar(THEME_SECTIONS)


def render_sections(registry, request, subject):
    sections = []
    for _order, function in registry:
        section = function(request, subject)
        if section:
            sections.append(section)
    return sections
