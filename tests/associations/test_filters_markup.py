"""The directory's filters from one Jinja2 template (DirectoryFilterForm.fields_html) are the fields Django's own
form templates write, value for value: the same markup, only cheaper."""

import re

import pytest
from django.http import QueryDict
from django.utils import translation

from associations.forms import DirectoryFilterForm, fast
from network.models import Theme
from tests.factories import NetworkFactory

pytestmark = pytest.mark.django_db

BETWEEN_TAGS = re.compile(r">\s+<")


def djangos(form):
    return "".join(f'<div class="field">{field.as_field_group()}</div>' for field in form)


def normalised(html):
    return BETWEEN_TAGS.sub("><", str(html).strip())


@pytest.mark.parametrize(
    "query",
    [
        None,
        "",
        "netwerk=nta&provincie=antwerpen&thema=wonen",
        "netwerk=alle&thema=",
        "q=%22%3E%3Cscript%3E%27&gemeente=Sint-Niklaas+%26+co&open=za",
        "waar=2870&open=zo",
        "q=++spaties++",
    ],
)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_filters_are_written_as_djangos_templates_write_them(query, language):
    NetworkFactory(name="Netwerk <tegen> Armoede", short_name="NTA", slug="nta")
    Theme.objects.create(name="Wonen & werk", slug="wonen")
    data = None if query is None else QueryDict(query)
    with translation.override(language):
        form = DirectoryFilterForm(data)
        assert not form.errors
        assert all(map(fast, form))  # none left to Django's templates
        assert "<select" in form.fields_html() and 'class="helptext"' in form.fields_html()
        assert normalised(form.fields_html()) == normalised(djangos(form))


def test_filters_with_an_error_are_djangos_own_with_the_error_beside_the_field():
    form = DirectoryFilterForm(QueryDict("provincie=atlantis&q=x"))
    assert form.errors
    html = str(form.fields_html())
    assert '<ul class="errorlist" id="id_provincie_error">' in html
    assert normalised(html) == normalised(djangos(form))
