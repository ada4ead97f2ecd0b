"""The demo's "Vereniging in beeld": De Schakel is real, so words written for the demo are marked as such."""

import pytest
from django.core.management import call_command

from associations.models import Story

pytestmark = pytest.mark.django_db

STORY = "/verenigingen/in-beeld/drie-sterke-vrouwen-van-de-schakel/"
MARK = '<p class="example-mark">Voorbeeldtekst'


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def test_the_de_schakel_story_is_example_text_and_no_quote_of_real_people(demo):
    story = Story.objects.get(slug="drie-sterke-vrouwen-van-de-schakel")
    assert story.association.name == "De Schakel" and not story.association.is_example
    assert story.is_example


@pytest.mark.parametrize("path", ["/", "/verenigingen/in-beeld/", STORY])
def test_every_page_showing_the_de_schakel_quote_marks_it_as_example_text(client, demo, path):
    quote = Story.objects.get(slug="drie-sterke-vrouwen-van-de-schakel").quote
    page = html(client.get(path))
    shown = f'<blockquote class="quote"><p>{quote}</p></blockquote>'
    assert shown in page
    assert MARK in page and page.index(MARK) < page.index(shown)
