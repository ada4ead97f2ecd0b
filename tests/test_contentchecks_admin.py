"""The content checks in the admin: the panel "Leesbaarheid en toegankelijkheid" on the change forms
of the public content with rich text, computed from the saved text, never blocking a save."""

import datetime

import pytest
from django.urls import reverse

from associations.models import Story
from network.permissions import Role
from tests.factories import (
    AssociationFactory,
    CampaignFactory,
    EventFactory,
    IssueFactory,
    MailingListFactory,
    NetworkFactory,
    NewsPostFactory,
    PageFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

HARD_TEXT = (
    "<h3>Beleid</h3><p>De beleidsmatige implementatie van armoedebestrijdingsmaatregelen vereist "
    'intersectorale samenwerking tussen overheidsinstanties. <a href="https://example.org/a">klik hier</a></p>'
)


def story(association, **fields):
    return Story.objects.create(
        association=association,
        title="In beeld",
        slug="in-beeld",
        quote="Samen",
        date=datetime.date(2026, 1, 5),
        **fields,
    )


CONTENT = {
    "news_newspost": lambda network: NewsPostFactory(network=network, body=HARD_TEXT),
    "network_page": lambda network: PageFactory(network=network, body=HARD_TEXT),
    "events_event": lambda network: EventFactory(network=network, description=HARD_TEXT),
    "campaigns_campaign": lambda network: CampaignFactory(network=network, body=HARD_TEXT),
    "associations_association": lambda network: AssociationFactory(network=network, description=HARD_TEXT),
    "associations_story": lambda network: story(AssociationFactory(network=network), body=HARD_TEXT),
}


@pytest.fixture
def network():
    return NetworkFactory()


@pytest.fixture
def editor(client, network):
    user = StaffFactory(role=Role.NETWORK_EDITOR, networks=[network])
    client.force_login(user)
    return user


@pytest.mark.parametrize("admin_name", CONTENT)
def test_the_change_form_shows_the_checks_of_the_saved_text(client, editor, network, admin_name):
    obj = CONTENT[admin_name](network)
    response = client.get(reverse(f"admin:{admin_name}_change", args=[obj.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Leesbaarheid en toegankelijkheid" in html
    assert "Leesbaarheid (LIX): <strong>" in html
    assert "zeer moeilijk" in html
    assert "De eerste kop is een kop 3" in html
    assert "De linktekst “klik hier” zegt niet waar de link naartoe gaat." in html


def test_a_newsletter_issue_is_checked_on_its_introduction(client, network):
    """The introduction is plain paragraphs (the issue's own words): checked as the web version shows it."""
    intro = (
        "Beste lezer,\n\nDe beleidsmatige implementatie van armoedebestrijdingsmaatregelen vereist "
        "intersectorale samenwerking tussen overheidsinstanties."
    )
    issue = IssueFactory(mailing_list=MailingListFactory(network=network), intro=intro)
    client.force_login(StaffFactory(role=Role.NEWSLETTER_MANAGER, networks=[network]))
    response = client.get(reverse("admin:newsletter_issue_change", args=[issue.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Leesbaarheid (LIX): <strong>" in html
    assert "zeer moeilijk" in html


def test_the_add_form_has_no_panel(client, editor):
    response = client.get(reverse("admin:news_newspost_add"))
    assert response.status_code == 200
    assert "Leesbaarheid en toegankelijkheid" not in response.content.decode()


def test_an_empty_text_says_there_is_nothing_to_check(client, editor, network):
    page = PageFactory(network=network, body="")
    html = client.get(reverse("admin:network_page_change", args=[page.pk])).content.decode()
    assert "Er is nog geen tekst om te controleren." in html


def test_the_checks_never_stop_a_save(client, editor, network):
    page = PageFactory(network=network, body="<p>Tekst</p>")
    form = client.get(reverse("admin:network_page_change", args=[page.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "themes"}
    data.update(body=HARD_TEXT, network=network.pk, published="on")
    response = client.post(reverse("admin:network_page_change", args=[page.pk]), data)
    assert response.status_code == 302
    page.refresh_from_db()
    assert "klik hier" in page.body
