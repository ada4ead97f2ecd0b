"""The editors' list "Leesbaarheid" (network/readability.py): their networks' published texts with
their content checks, hardest first; scoped per network like the rest of the admin."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from network.models import Page
from network.permissions import Role
from newsletter.models import Issue
from tests.factories import (
    AssociationFactory,
    CampaignFactory,
    IssueFactory,
    MailingListFactory,
    NetworkFactory,
    NewsPostFactory,
    PageFactory,
    StaffFactory,
    StoryFactory,
    SuperuserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("admin:network_network_readability")
EASY = "<p>Wij helpen mensen in armoede. Samen vragen wij betere regels aan de overheid.</p>"  # LIX 22
HARD = (  # LIX 80
    "<p>De beleidsmatige implementatie van armoedebestrijdingsmaatregelen vereist intersectorale "
    "samenwerking tussen overheidsinstanties.</p>"
)
# Intersectorale klik hier overheidsinstanties: 4/1 + 100*2/4 = 54, and a vague link text (a barrier).
MIDDLE = '<p>Intersectorale <a href="https://example.org/">klik hier</a> overheidsinstanties.</p>'


def published_post(network, title, body):
    return NewsPostFactory(
        network=network, title=title, body=body, status="published", publish_at=timezone.now() - datetime.timedelta(1)
    )


@pytest.fixture
def networks():
    return NetworkFactory(short_name="NTA"), NetworkFactory(short_name="TPA")


def rows(response):
    """The titles of the listed texts, in order."""
    return [text.title for text in response.context["texts"]]


def test_an_editor_sees_the_published_texts_of_their_network_hardest_first(client, networks):
    own, other = networks
    published_post(own, "Makkelijk bericht", EASY)
    published_post(own, "Moeilijk bericht", HARD)
    PageFactory(network=own, title="Middelste pagina", body=MIDDLE, published=True)
    NewsPostFactory(network=own, title="Ontwerp", body=HARD, status="draft")
    PageFactory(network=own, title="Verborgen pagina", body=HARD, published=False)
    published_post(other, "Bericht van een ander netwerk", HARD)
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[own]))
    response = client.get(URL)
    assert response.status_code == 200
    assert rows(response) == ["Moeilijk bericht", "Middelste pagina", "Makkelijk bericht"]
    middle = response.context["texts"][1]
    assert (middle.report.readability.lix, len(middle.report.warnings), middle.network) == (54, 1, "NTA")
    html = response.content.decode()
    assert "<caption>3 gepubliceerde teksten</caption>" in html
    assert '<th scope="col">drempels</th>' in html
    assert "Bericht van een ander netwerk" not in html and "Ontwerp" not in html
    assert reverse("admin:network_page_change", args=[Page.objects.get(title="Middelste pagina").pk]) in html


def test_every_kind_of_published_text_is_listed(client, networks):
    own, _other = networks
    published_post(own, "Een bericht", EASY)
    PageFactory(network=own, title="Een pagina", body=EASY, published=True)
    CampaignFactory(network=own, title="Een actie", body=EASY)
    association = AssociationFactory(network=own, name="Een vereniging", description=EASY)
    StoryFactory(association=association, title="Een verhaal", body=EASY)
    mailing_list = MailingListFactory(network=own)
    IssueFactory(mailing_list=mailing_list, subject="Een verstuurde nieuwsbrief", status=Issue.Status.SENT)
    IssueFactory(mailing_list=mailing_list, subject="Een ontwerp van een nieuwsbrief")
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[own]))
    response = client.get(URL)
    assert sorted(rows(response)) == ["Een actie", "Een bericht", "Een pagina", "Een vereniging", "Een verhaal"]
    assert {text.title: text.kind for text in response.context["texts"]}["Een verhaal"] == "Verhalen"
    # The newsletter is its managers' text: they see the sent issue (the draft is not published).
    client.force_login(StaffFactory(role=Role.NEWSLETTER_MANAGER, networks=[own]))
    (issue,) = client.get(URL).context["texts"]
    assert (issue.title, issue.kind) == ("Een verstuurde nieuwsbrief", "Nieuwsbrieven")


def test_a_newsletter_issue_is_checked_on_its_introduction_in_paragraphs(client, networks):
    own, _other = networks
    intro = "Wij helpen mensen in armoede.\n\nDe beleidsmatige implementatie vereist intersectorale samenwerking."
    IssueFactory(mailing_list=MailingListFactory(network=own), intro=intro, status=Issue.Status.SENT)
    client.force_login(StaffFactory(role=Role.NEWSLETTER_MANAGER, networks=[own]))
    (text,) = client.get(URL).context["texts"]
    assert (text.report.readability.words, text.report.readability.sentences) == (11, 2)


@pytest.mark.parametrize(
    ("role", "member_of", "status", "seen"),
    [
        (Role.NETWORK_EDITOR, "own", 200, ["Van ons"]),
        (Role.NETWORK_EDITOR, "other", 200, ["Van hen"]),
        (Role.NETWORK_EDITOR, None, 200, []),
        # Newsletter managers see the networks but none of these texts (theirs are the issues).
        (Role.NEWSLETTER_MANAGER, "own", 200, []),
        # Association editors never see the networks: the list is not theirs.
        (Role.ASSOCIATION_EDITOR, "own", 403, None),
    ],
)
def test_permission_matrix(client, networks, role, member_of, status, seen):
    own, other = networks
    published_post(own, "Van ons", HARD)
    published_post(other, "Van hen", HARD)
    member = {"own": [own], "other": [other], None: []}[member_of]
    client.force_login(StaffFactory(role=role, networks=member))
    response = client.get(URL)
    assert response.status_code == status
    if seen is not None:
        assert rows(response) == seen


def test_a_superuser_sees_every_network(client, networks):
    own, other = networks
    published_post(own, "Van ons", EASY)
    published_post(other, "Van hen", HARD)
    client.force_login(SuperuserFactory())
    assert rows(client.get(URL)) == ["Van hen", "Van ons"]


def test_signed_out_visitors_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_network_list_links_to_it(client, networks):
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[networks[0]]))
    assert URL in client.get(reverse("admin:network_network_changelist")).content.decode()


def test_queries_do_not_grow_with_the_amount_of_content(client, networks):
    """One query per kind of text, whatever the number of texts."""
    own, _other = networks
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[own]))
    published_post(own, "Eerste", HARD)
    PageFactory(network=own, body=HARD, published=True)
    client.get(URL)  # the session and permissions are warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for number in range(5):
        published_post(own, f"Bericht {number}", EASY)
        PageFactory(network=own, body=MIDDLE, published=True)
        CampaignFactory(network=own, body=EASY)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(response.context["texts"]) == 17
    assert len(many) == len(few)
