"""The staff pages pass the same quality gate as public pages: the dashboard (every panel filled),
the readability list and the broken links, in Chromium with axe, the Nu Html Checker and one <h1>."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from events.models import Registration
from network.models import Network, Page
from network.permissions import Role
from news.models import NewsPost
from newsletter.models import Delivery, Issue, MailingList
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


def test_staff_pages_pass_the_quality_gate(browser, live_server):
    call_command("load_demo", verbosity=0)
    nta = Network.objects.get(slug="netwerk-tegen-armoede")
    fill_every_panel(nta)
    reports = []
    for user, paths in [
        (SuperuserFactory(), [*STAFF_PAGES, "/beheer/?netwerk=netwerk-tegen-armoede"]),
        (StaffFactory(role=Role.NETWORK_EDITOR, networks=[nta]), STAFF_PAGES),
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
