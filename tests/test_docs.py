"""The README and docs/ stay true to the code: every setting documented, every link leads somewhere."""

import re

import pytest

from tests.helpers import PROJECT_DIR

DOCUMENTS = [PROJECT_DIR / "README.md", *sorted((PROJECT_DIR / "docs").glob("*.md"))]
READS_A_VARIABLE = re.compile(
    r"""(?:environ(?:\.get)?\s*[\[(]|env_bool\(|env_list\(|getenv\()\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def configuration_table():
    """The variables named in the first column of the README's configuration table."""
    readme = (PROJECT_DIR / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    first_cells = re.findall(r"^\|([^|]+)\|", section, re.M)
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}


def test_every_environment_variable_the_site_reads_is_in_the_readme_configuration_table():
    """The site's code (config/ and the apps; not tests/ or the benchmark script) against the table's first column."""
    read = set()
    for path in PROJECT_DIR.glob("*/**/*.py"):
        top = path.relative_to(PROJECT_DIR).parts[0]
        if top in {".venv", "node_modules", "tests", "scripts", "var"}:
            continue
        read |= set(READS_A_VARIABLE.findall(path.read_text()))
    read.add("DATABASE_URL")  # read by dj-database-url
    assert {"DJANGO_SECRET_KEY", "SITE_URL", "WEB_CONCURRENCY", "EMAIL_USE_TLS"} <= read
    assert sorted(read - configuration_table()) == []


def github_anchor(heading):
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_link_between_the_documents_leads_somewhere(document):
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", document.read_text()):
        if re.match(r"^[a-z]+:", target):  # https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", linked.read_text(), re.M)
            if anchor not in {github_anchor(heading) for heading in headings}:
                broken.append(target)
    assert broken == []
