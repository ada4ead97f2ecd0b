"""The staff dashboard, the admin's start page (core/dashboard.py): per user, per network, behind the
second factor, with a constant number of queries."""

import datetime
import html as html_module
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import dashboard
from events.models import Event, Registration
from network.permissions import Role
from news.models import NewsPost
from newsletter.models import Delivery, Issue
from tests.factories import (
    BRUSSELS,
    EVENTS_NOW,
    DeliveryFactory,
    HeldChangeFactory,
    LinkUseFactory,
    NewsPostFactory,
    PageFactory,
    RegistrationFactory,
    SignatureFactory,
    StaffFactory,
    StoryFactory,
    SubscriptionFactory,
    SuperuserFactory,
    make_association,
    make_campaign,
    make_event,
    make_issue,
    make_list,
    make_network,
)

pytestmark = pytest.mark.django_db

INDEX = "/beheer/"


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(EVENTS_NOW, tick=False):
        yield


@pytest.fixture
def networks():
    return make_network("netwerk-tegen-armoede", 1), make_network("brussels-platform-armoede", 2)


def drafts_of(network, label):
    """One draft of every kind in `network`, each titled after `label`."""
    NewsPostFactory(network=network, title=f"Conceptbericht {label}")
    PageFactory(network=network, title=f"Conceptpagina {label}", published=False)
    make_event(network, f"concept-activiteit-{label.lower()}", title=f"Conceptactiviteit {label}", published=False)
    make_campaign(network, f"concept-actie-{label.lower()}", title=f"Conceptactie {label}", is_published=False)
    StoryFactory(
        association=make_association(network, f"Vereniging {label}"), title=f"Conceptverhaal {label}", published=False
    )


def panel(html, key):
    """The text of one panel of the dashboard, tags removed."""
    match = re.search(rf'<section[^>]*id="paneel-{key}".*?</section>', html, re.S)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split()) if match else ""


def test_an_editor_sees_the_drafts_of_their_network_only(client, networks):
    nta, bpa = networks
    drafts_of(nta, "NTA")
    drafts_of(bpa, "BPA")
    editor = StaffFactory(role=Role.NETWORK_EDITOR, networks=[bpa])
    client.force_login(editor)
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    drafts = panel(html, "drafts")
    for kind in ["Conceptbericht", "Conceptpagina", "Conceptactiviteit", "Conceptactie", "Conceptverhaal"]:
        assert f"{kind} BPA" in drafts
        assert f"{kind} NTA" not in html
    assert drafts.startswith("Concepten Nieuws Conceptbericht BPA BRUSS · gewijzigd 1 oktober 2026 Pagina's")
    # Each draft links to its change page.
    post = NewsPost.objects.get(title="Conceptbericht BPA")
    assert f'href="{reverse("admin:news_newspost_change", args=[post.pk])}"' in html
    # One network: no choice of networks, but its name; the admin's parts stay reachable.
    assert "<title>Wat op je wacht | Beheer van de site</title>" in html and "<h1>Wat op je wacht</h1>" in html
    assert "Jouw netwerk: Netwerk brussels-platform-armoede." in html
    assert 'id="alle-onderdelen"' in html and 'href="/beheer/news/newspost/"' in html


def test_a_superuser_sees_every_network_and_can_narrow_it_to_one(client, networks):
    nta, bpa = networks
    drafts_of(nta, "NTA")
    drafts_of(bpa, "BPA")
    client.force_login(SuperuserFactory())
    html = client.get(INDEX).content.decode()
    assert "Conceptbericht NTA" in html and "Conceptbericht BPA" in html
    assert '<strong aria-current="page">Al je netwerken</strong>' in html
    assert '<a href="?netwerk=brussels-platform-armoede">Netwerk brussels-platform-armoede</a>' in html
    response = client.get(INDEX, {"netwerk": "brussels-platform-armoede"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Conceptbericht BPA" in html and "Conceptbericht NTA" not in html
    assert '<strong aria-current="page">Netwerk brussels-platform-armoede</strong>' in html


def test_an_editor_cannot_narrow_the_dashboard_to_another_network(client, networks):
    nta, bpa = networks
    drafts_of(nta, "NTA")
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[bpa]))
    response = client.get(INDEX, {"netwerk": "netwerk-tegen-armoede"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Je werkt niet voor een netwerk met dat adres; het overzicht toont al je netwerken." in html
    assert "Conceptbericht NTA" not in html


def test_a_role_sees_only_the_panels_of_its_permissions(client, networks):
    nta, _bpa = networks
    drafts_of(nta, "NTA")
    make_issue(make_list(nta), subject="Oktobernummer")
    client.force_login(StaffFactory(role=Role.NEWSLETTER_MANAGER, networks=[nta]))
    html = client.get(INDEX).content.decode()
    assert "Conceptbericht NTA" not in html and 'id="paneel-drafts"' not in html
    assert panel(html, "newsletter").startswith("Nieuwsbrief Concepten van nummers Oktobernummer")


def test_the_second_factor_guards_the_dashboard(client, networks):
    _nta, bpa = networks
    drafts_of(bpa, "BPA")
    assert client.get(INDEX)["Location"].startswith("/beheer/login/")
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[bpa], mfa=False))
    response = client.get(INDEX)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_scheduled_posts_show_until_their_time(client, networks):
    nta, _bpa = networks
    NewsPostFactory(
        network=nta,
        title="Straks online",
        status=NewsPost.Status.PUBLISHED,
        publish_at=datetime.datetime(2026, 10, 5, 9, 0, tzinfo=BRUSSELS),
    )
    NewsPostFactory(network=nta, title="Al online", status=NewsPost.Status.PUBLISHED)
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[nta]))
    assert panel(client.get(INDEX).content.decode(), "scheduled") == (
        "Gepland Nieuws Straks online NETWE · vanaf 5 oktober 2026 09:00"
    )
    with time_machine.travel(datetime.datetime(2026, 10, 5, 9, 0, 1, tzinfo=BRUSSELS), tick=False):
        assert 'id="paneel-scheduled"' not in client.get(INDEX).content.decode()


def test_scheduled_pages_events_campaigns_and_stories_show_until_their_time(client, networks):
    nta, bpa = networks
    later = datetime.datetime(2026, 10, 6, 14, 30, tzinfo=BRUSSELS)
    PageFactory(network=nta, title="Pagina straks", publish_at=later)
    make_event(nta, "straks", title="Activiteit straks", publish_at=later)
    make_campaign(nta, "straks", title="Actie straks", publish_at=later)
    StoryFactory(association=make_association(nta, "De Schakel"), title="Verhaal straks", publish_at=later)
    PageFactory(network=bpa, title="Brusselse pagina straks", publish_at=later)
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[nta]))

    assert panel(client.get(INDEX).content.decode(), "scheduled") == (
        "Gepland Pagina's Pagina straks NETWE · vanaf 6 oktober 2026 14:30"
        " Activiteiten Activiteit straks NETWE · vanaf 6 oktober 2026 14:30"
        " Acties Actie straks NETWE · vanaf 6 oktober 2026 14:30"
        " Verhalen Verhaal straks NETWE · vanaf 6 oktober 2026 14:30"
    )
    with time_machine.travel(later, tick=False):
        assert 'id="paneel-scheduled"' not in client.get(INDEX).content.decode()


def test_volunteers_proposals_wait_for_an_editor_of_the_network(client, networks):
    nta, bpa = networks
    HeldChangeFactory(
        association=make_association(nta, "De Schakel"),
        submitted_at=datetime.datetime(2026, 9, 28, 10, 0, tzinfo=BRUSSELS),
    )
    HeldChangeFactory(association=make_association(bpa, "Brusselse vereniging"))
    returned = HeldChangeFactory(association=make_association(nta, "Teruggestuurd"))
    returned.status = returned.Status.RETURNED
    returned.save()
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[nta]))

    text = panel(client.get(INDEX).content.decode(), "profile-changes")

    assert text.startswith("Na te kijken profielwijzigingen Voorgesteld door vrijwilligers De Schakel · 2026-09-28")
    assert text.endswith("NETWE · verstuurd op 28 september 2026")
    assert "Brusselse" not in text and "Teruggestuurd" not in text


def test_pages_not_reviewed_in_twelve_months(client, networks):
    nta, _bpa = networks
    PageFactory(network=nta, title="Oud nagekeken", last_reviewed=datetime.date(2025, 9, 30))
    PageFactory(network=nta, title="Net op tijd", last_reviewed=datetime.date(2025, 10, 1))
    PageFactory(network=nta, title="Oud maar offline", last_reviewed=datetime.date(2020, 1, 1), published=False)
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[nta]))
    assert panel(client.get(INDEX).content.decode(), "review") == (
        "Na te kijken pagina\N{RIGHT SINGLE QUOTATION MARK}s Niet nagekeken in de laatste 12 maanden "
        "Oud nagekeken NETWE · laatst nagekeken 30 september 2025"
    )


def test_upcoming_events_with_seats_registrations_and_waiting_list(client, networks):
    nta, _bpa = networks
    event = make_event(nta, "vormingsdag", title="Vormingsdag", registration_mode="formulier", capacity=10)
    for people in (3, 4):
        RegistrationFactory(event=event, people=people, status=Registration.Status.CONFIRMED)
    RegistrationFactory(event=event, people=2, status=Registration.Status.WAITING)
    RegistrationFactory(event=event, people=1, status=Registration.Status.PENDING)
    make_event(nta, "zonder-inschrijving", title="Zonder inschrijving")
    past = make_event(nta, "voorbij", title="Voorbij", days=-3, registration_mode="formulier")
    assert past.ends_at < EVENTS_NOW
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[nta]))
    html = client.get(INDEX).content.decode()
    assert panel(html, "events") == (
        "Komende activiteiten Met inschrijving op deze site activiteit bezette plaatsen inschrijvingen wachtlijst "
        "Vormingsdag NETWE · 11 oktober 2026 7 van 10 2 1"
    )
    assert f'href="/beheer/events/registration/?event__id__exact={event.pk}">2</a>' in html
    assert client.get(f"/beheer/events/registration/?event__id__exact={event.pk}").status_code == 200
    assert Event.objects.count() == 3


def test_newsletter_drafts_and_sending_progress(client, networks):
    nta, _bpa = networks
    mailing_list = make_list(nta)
    make_issue(mailing_list, subject="Concept december")
    sending = make_issue(mailing_list, subject="Oktobernummer", status=Issue.Status.SENDING)
    for status in [Delivery.Status.SENT] * 3 + [Delivery.Status.FAILED, Delivery.Status.PENDING]:
        DeliveryFactory(issue=sending, status=status)
    sent = make_issue(
        mailing_list,
        subject="Septembernummer",
        status=Issue.Status.SENT,
        sent_at=EVENTS_NOW - datetime.timedelta(days=2),
    )
    DeliveryFactory(issue=sent, status=Delivery.Status.SENT)
    make_issue(
        mailing_list,
        subject="Augustusnummer",
        status=Issue.Status.SENT,
        sent_at=EVENTS_NOW - datetime.timedelta(days=8),
    )
    client.force_login(StaffFactory(role=Role.NEWSLETTER_MANAGER, networks=[nta]))
    html = client.get(INDEX).content.decode()
    progress = f'<progress id="verzending-{sending.pk}" max="5" value="4" aria-label="Verzending van Oktobernummer">'
    assert progress + "4/5</progress>" in html
    assert "4 van 5 exemplaren afgehandeld, 3 verstuurd, 1 mislukt" in panel(html, "newsletter")
    assert "Concept december NETWE · Nieuwsbrief NETWE · gewijzigd 1 oktober 2026" in panel(html, "newsletter")
    # Issues on their way first, then those sent in the last 7 days.
    newsletter = panel(html, "newsletter")
    assert newsletter.index("Oktobernummer") < newsletter.index(
        "Septembernummer NETWE · verstuurd 29 september 2026 12:00"
    )
    assert "Augustusnummer" not in newsletter


def test_broken_links_of_the_editors_networks(client, networks):
    nta, bpa = networks
    LinkUseFactory(
        used_in=NewsPostFactory(network=bpa, title="Bericht met dode link"), link__url="https://weg.example/"
    )
    LinkUseFactory(used_in=NewsPostFactory(network=nta, title="Bericht van NTA"), link__url="https://elders.example/")
    client.force_login(StaffFactory(role=Role.NETWORK_EDITOR, networks=[bpa]))
    assert panel(client.get(INDEX).content.decode(), "links") == (
        "Gebroken links In je inhoud Bericht met dode link https://weg.example/ · Gebroken (404)"
    )


def test_charts_of_signatures_and_sign_ups_per_week(client, networks):
    nta, bpa = networks
    campaign = make_campaign(nta)
    moments = [EVENTS_NOW, EVENTS_NOW - datetime.timedelta(days=1), EVENTS_NOW - datetime.timedelta(weeks=3)]
    for moment in [*moments, EVENTS_NOW - datetime.timedelta(weeks=12)]:  # the last is outside the 12 weeks
        SignatureFactory(campaign=campaign, confirmed_at=moment)
    SignatureFactory(campaign=campaign, confirmed=False)
    SignatureFactory(campaign=make_campaign(bpa, "elders"))
    SubscriptionFactory(mailing_list=make_list(nta), consented_at=EVENTS_NOW)
    client.force_login(SuperuserFactory())
    response = client.get(INDEX, {"netwerk": "netwerk-tegen-armoede"})
    html = response.content.decode()
    charts = panel(html, "charts")
    assert "Bevestigde handtekeningen per week, de laatste 12 weken 3 in totaal, hoogstens 2 in één week." in charts
    assert "Inschrijvingen op de nieuwsbrief per week, de laatste 12 weken 1 in totaal" in charts
    # The text alternative: every week with its number, from the Monday 11 weeks ago to this week's.
    table = re.search(
        r'<table class="dashboard-table">\s*<caption[^>]*>Bevestigde handtekeningen.*?</table>', html, re.S
    )
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table.group(0))
    assert rows[0] == ("13 juli 2026", "0") and rows[-1] == ("28 september 2026", "2") and len(rows) == 12
    assert ("7 september 2026", "1") in rows
    # Drawn on the server, no script and no style attribute (the CSP allows neither inline).
    assert 'role="img" aria-labelledby="grafiek-signatures-titel grafiek-signatures-uitleg"' in html
    assert len(re.findall(r'<rect class="dashboard-chart-bar"', html)) == 24
    assert " style=" not in html and "<script>" not in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("style-src")[1].split(";")[0]


def test_an_empty_dashboard_says_so(client, networks):
    client.force_login(StaffFactory(role=Role.ASSOCIATION_EDITOR))
    html = client.get(INDEX).content.decode()
    assert "Niets wacht op jou." in html


def content(networks, count, first=0):
    """`count` of everything the dashboard lists, in both networks (numbered from `first`)."""
    for network in networks:
        mailing_list = network.mailing_lists.first() or make_list(network)
        for number in range(first, first + count):
            label = f"{network.slug[:3]}{number}"
            drafts_of(network, label)
            NewsPostFactory(
                network=network,
                status=NewsPost.Status.PUBLISHED,
                publish_at=EVENTS_NOW + datetime.timedelta(days=3),
            )
            PageFactory(network=network, last_reviewed=datetime.date(2024, 1, 1))
            later = EVENTS_NOW + datetime.timedelta(days=3)
            PageFactory(network=network, publish_at=later)
            make_event(network, f"gepland-{label}", publish_at=later)
            make_campaign(network, f"gepland-{label}", publish_at=later)
            StoryFactory(association=make_association(network, f"Gepland {label}"), publish_at=later)
            HeldChangeFactory(association=make_association(network, f"Voorstel {label}"))
            event = make_event(network, f"inschrijven-{label}", registration_mode="formulier", capacity=5)
            RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
            RegistrationFactory(event=event, status=Registration.Status.WAITING)
            issue = make_issue(mailing_list, subject=f"Nummer {label}", status=Issue.Status.SENDING)
            DeliveryFactory(issue=issue, status=Delivery.Status.SENT)
            LinkUseFactory(used_in=NewsPostFactory(network=network))
            SignatureFactory(campaign=make_campaign(network, f"teken-{label}"))
            SubscriptionFactory(mailing_list=mailing_list, consented_at=EVENTS_NOW)


@pytest.mark.parametrize("who", ["editor", "superuser"])
def test_the_queries_do_not_grow_with_the_amount_of_content(client, networks, django_assert_num_queries, who):
    """Each section runs one query, with 1 or with 20 objects of every kind: a fixed LIMIT per list,
    counts aggregated in SQL, the network of each row fetched with it (no query per row)."""
    user = SuperuserFactory() if who == "superuser" else StaffFactory(role=Role.NETWORK_EDITOR, networks=networks)
    content(networks, 1)
    client.force_login(user)
    client.get(INDEX)  # the first request of a process fills Django's caches (content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(INDEX).status_code == 200
    content(networks, 20, first=1)
    with CaptureQueriesContext(connection) as large:
        html = client.get(INDEX).content.decode()
    assert len(large) == len(small), [re.sub(r"\d+", "N", q["sql"][:90]) for q in large]
    # Every list is cut at LIMIT, with a link to the rest (the newsletter's only for the superuser).
    assert html.count('class="dashboard-more"') == {"editor": 14, "superuser": 15}[who]
    # 8 for the session, the user, the signed-in device and the second factor; then the editor's networks
    # and permissions (3) or nothing for a superuser; the choice of networks; one per section (15 of an
    # editor's, 18 of a superuser's: the newsletter's too).
    assert len(small) == 27


def test_every_section_is_registered_by_its_own_app():
    """The apps register their sections in their ready()."""
    registered = {
        panel: [f"{function.__module__}.{function.__name__}" for _order, function in functions]
        for panel, functions in dashboard.sections().items()
    }
    assert registered == {
        dashboard.PROFILE_CHANGES: ["associations.dashboard.profile_changes"],
        dashboard.DRAFTS: [
            "news.dashboard.draft_posts",
            "network.dashboard.draft_pages",
            "events.dashboard.draft_events",
            "campaigns.dashboard.draft_campaigns",
            "associations.dashboard.draft_stories",
        ],
        dashboard.SCHEDULED: [
            "news.dashboard.scheduled_posts",
            "network.dashboard.scheduled_pages",
            "events.dashboard.scheduled_events",
            "campaigns.dashboard.scheduled_campaigns",
            "associations.dashboard.scheduled_stories",
        ],
        dashboard.REVIEW: ["network.dashboard.pages_to_review"],
        dashboard.EVENTS: ["events.dashboard.upcoming_registrations"],
        dashboard.NEWSLETTER: ["newsletter.dashboard.draft_issues", "newsletter.dashboard.sending"],
        dashboard.LINKS: ["linkcheck.dashboard.broken_links"],
        dashboard.CHARTS: ["campaigns.dashboard.signatures_per_week", "newsletter.dashboard.signups_per_week"],
    }
