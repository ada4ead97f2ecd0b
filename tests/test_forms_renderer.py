"""The form renderer (core/forms.py) writes the same forms as Django's template renderer, only faster."""

import re

import pytest
from django import forms
from django.contrib.auth.models import User
from django.core.management import call_command
from django.forms.renderers import DjangoTemplates
from django.test import Client
from django.utils import timezone

from campaigns.models import Campaign
from core.forms import FormRenderer, PlainSelect
from events.forms import EventFilterForm
from events.models import Event
from tests.factories import ThemeFactory, make_network
from tests.helpers import one_quote_escaping, with_mfa

pytestmark = pytest.mark.django_db

DJANGO_RENDERER = "django.forms.renderers.DjangoTemplates"
BETWEEN_TAGS = re.compile(r">\s+<")
# The CSRF token differs per request; the rest of the form must not.
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
CLOCK = re.compile(r"\b\d\d:\d\d:\d\d\b")


def normalised(response):
    html = TOKEN.sub('name="csrfmiddlewaretoken"', response.content.decode())
    html = one_quote_escaping(html)
    html = CLOCK.sub("hh:mm:ss", html)  # an add form's initial time is "now"
    return BETWEEN_TAGS.sub("><", re.sub(r"\s+", " ", html))


@pytest.fixture
def site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)


def requests():
    campaign = Campaign.objects.running().first()
    event = Event.objects.filter(registration_mode=Event.RegistrationMode.FORM, starts_at__gt=timezone.now()).first()
    pages = [
        "/verenigingen/?netwerk=netwerk-tegen-armoede&thema=wonen",
        "/verenigingen/?provincie=nergens",  # a filter with an error
        "/nieuws/?thema=wonen",
        "/agenda/?formaat=online",
        "/acties/",
        "/zoeken/?q=armoede",
        "/nieuwsbrief/",
        "/accounts/login/",
        "/accounts/password/reset/",
        campaign.get_absolute_url(),
        event.get_absolute_url(),
    ]
    posts = [
        ("/nieuwsbrief/", {"email": "geen adres"}),
        ("/accounts/login/", {"login": "", "password": ""}),
        (campaign.get_absolute_url(), {"name": "", "email": "x"}),
    ]
    admin_pages = [
        "/beheer/news/newspost/add/",
        "/beheer/associations/association/add/",
        "/beheer/events/event/add/",
        "/beheer/campaigns/campaign/add/",
    ]
    return pages, posts, admin_pages


def render_all(pages, posts, admin_pages, staff):
    visitor = Client()
    answers = [visitor.get(path) for path in pages]
    answers += [visitor.post(path, data) for path, data in posts]
    answers += [staff.get(path) for path in admin_pages]
    return answers


def test_every_form_renders_as_with_djangos_own_renderer(site, settings):
    staff = Client()
    staff.force_login(with_mfa(User.objects.create_superuser("r@example.org", "r@example.org", "x")))
    pages, posts, admin_pages = requests()

    ours = render_all(pages, posts, admin_pages, staff)
    settings.FORM_RENDERER = DJANGO_RENDERER
    djangos = render_all(pages, posts, admin_pages, staff)

    assert [answer.status_code for answer in ours] == [answer.status_code for answer in djangos]
    assert sum(answer.status_code == 400 for answer in ours) == 1 + len(posts)
    for path, mine, theirs in zip([*pages, *(path for path, _ in posts), *admin_pages], ours, djangos, strict=True):
        assert "<form" in normalised(mine), path
        assert normalised(mine) == normalised(theirs), path


CHOICES = [("", "Alle"), ("a&b", 'De "Kring" & <Co>'), ("c'd", "L'été"), ("e", "Gewoon")]
GROUPED = [("", "Geen"), ("Groep & co", [("x", "X'x"), ("y", "Y")]), ("z", "Z")]


@pytest.mark.parametrize(
    "choices, value, attrs",
    [
        (CHOICES, None, {"id": "id_keuze"}),
        (CHOICES, "a&b", {"id": "id_keuze", "aria-describedby": "id_keuze_helptext"}),
        (CHOICES, "c'd", {"required": True, "disabled": False, "data-x": 'een "waarde"'}),
        (GROUPED, "y", {}),
        (GROUPED, "nergens", None),
    ],
)
def test_a_plain_select_is_the_select_of_the_jinja2_templates_to_the_byte(choices, value, attrs):
    renderer = FormRenderer()
    plain = PlainSelect(choices=choices).render("keuze", value, attrs, renderer)
    templated = forms.Select(choices=choices).render("keuze", value, attrs, renderer)
    assert plain == templated
    assert "<option" in plain


def test_a_plain_select_with_djangos_own_renderer_uses_its_templates():
    renderer = DjangoTemplates()
    assert PlainSelect(choices=CHOICES).render("keuze", "a&b", None, renderer) == forms.Select(choices=CHOICES).render(
        "keuze", "a&b", None, renderer
    )


@pytest.mark.parametrize("query", [{}, {"netwerk": "bpa", "formaat": "online"}, {"thema": "nergens"}])
def test_the_calendars_filters_are_written_as_with_the_templates(db, query):
    make_network("bpa", 0)
    ThemeFactory(name="Wonen & werk", slug="wonen")
    form = EventFilterForm(query or None)
    assert all(isinstance(field.widget, PlainSelect) for field in form.fields.values())
    plain = [str(field) for field in form]
    for field in form.fields.values():
        field.widget.__class__ = forms.Select
    assert plain == [str(field) for field in form]
