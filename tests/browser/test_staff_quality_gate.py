"""The staff pages pass the same quality gate as public pages: the dashboard (every panel filled),
the readability list, the broken links, the redirects and missing addresses, and a post's revisions,
a comparison, a restore and its preview with the content checks, in Chromium with axe, the Nu Html
Checker and one <h1>."""

import datetime

import pytest
import reversion
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Version

from events.models import Registration
from network.models import Network, Page
from network.permissions import Role
from news.models import NewsPost
from newsletter.models import Delivery, Issue, MailingList
from redirects.models import MissingPath, Redirect
from tests.browser.quality import STAFF_PAGES, QualityGate, sign_in_staff, validate_html
from tests.factories import (
    DeliveryFactory,
    LinkUseFactory,
    NewsPostFactory,
    RegistrationFactory,
    SignatureFactory,
    StaffFactory,
    SuperuserFactory,
    make_campaign,
    make_event,
    make_issue,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_every_panel(network):
    """The demo, plus what makes each panel of the dashboard show in `network`."""
    now = timezone.now()
    NewsPostFactory(network=network, title="Een bericht dat nog klaar moet")
    NewsPostFactory(
        network=network,
        title="Straks online",
        status=NewsPost.Status.PUBLISHED,
        publish_at=now + datetime.timedelta(days=2),
    )
    Page.objects.filter(network=network).update(last_reviewed=datetime.date(2020, 1, 1))
    event = make_event(
        network, "vormingsdag-gate", title="Vormingsdag", days=90, registration_mode="formulier", capacity=4
    )
    RegistrationFactory(event=event, people=4, status=Registration.Status.CONFIRMED)
    RegistrationFactory(event=event, people=1, status=Registration.Status.WAITING)
    issue = make_issue(
        MailingList.objects.filter(network=network).first(), subject="Wordt verstuurd", status=Issue.Status.SENDING
    )
    for status in [Delivery.Status.SENT, Delivery.Status.PENDING]:
        DeliveryFactory(issue=issue, status=status)
    LinkUseFactory(used_in=NewsPostFactory(network=network, title="Bericht met een dode link"))
    campaign = make_campaign(network, "gate-actie")
    for days in (0, 8, 15):
        SignatureFactory(campaign=campaign, confirmed_at=now - datetime.timedelta(days=days))


def post_with_two_revisions(network):
    """A post saved twice through reversion, as the admin saves it: its staff pages' addresses."""
    post = NewsPostFactory(network=network, title="Ons standpunt", body="<p>Klik hier voor meer.</p>")
    for title in ["Ons standpunt", "Ons nieuwe standpunt"]:
        with reversion.create_revision():
            post.title = title
            post.save()
    first, second = Version.objects.get_for_object(post).order_by("revision_id")
    Redirect.objects.create(network=network, old_path="/nieuws/oud/", new_path=post.get_absolute_url())
    now = timezone.now()
    MissingPath.objects.create(path="/verdwenen/", count=3, first_seen=now, last_seen=now)
    change = f"/beheer/news/newspost/{post.pk}/"
    # (Not the change form itself: Django's own widgets there, the two-list theme chooser, the
    # searchable selects and the split date and time fields, fail axe; its checks panel is the
    # same include the preview below shows.)
    return [
        f"{change}versies/",
        f"{change}versies/vergelijk/?a={first.pk}&b={second.pk}",
        f"{change}versies/{first.pk}/herstellen/",
        f"/voorbeeld/news.newspost/{post.pk}/",
        "/beheer/redirects/redirect/",
        "/beheer/redirects/missingpath/",
    ]


def test_staff_pages_pass_the_quality_gate(browser, live_server):
    call_command("load_demo", verbosity=0)
    nta = Network.objects.get(slug="netwerk-tegen-armoede")
    fill_every_panel(nta)
    post_pages = post_with_two_revisions(nta)
    reports = []
    for user, paths in [
        (SuperuserFactory(), [*STAFF_PAGES, "/beheer/?netwerk=netwerk-tegen-armoede"]),
        (StaffFactory(role=Role.NETWORK_EDITOR, networks=[nta]), [*STAFF_PAGES, *post_pages]),
    ]:
        gate = QualityGate(browser, live_server.url)
        try:
            sign_in_staff(gate, live_server.url, user)
            reports += [gate.check(live_server.url + path) for path in paths]
        finally:
            gate.close()
    dashboard = reports[0].html
    for panel in ["drafts", "scheduled", "review", "events", "newsletter", "links", "charts"]:
        assert f'id="paneel-{panel}"' in dashboard, panel
    assert "<progress" in dashboard and "<svg" in dashboard and 'id="alle-onderdelen"' in dashboard
    html_errors = validate_html({report.url: report.html for report in reports})
    failures = {
        report.url: report.problems + html_errors[report.url]
        for report in reports
        if report.problems or html_errors[report.url]
    }
    assert not failures, "\n".join(f"{url}:\n  " + "\n  ".join(problems) for url, problems in failures.items())
