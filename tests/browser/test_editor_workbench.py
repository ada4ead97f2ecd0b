"""An editor's journey in Chromium through the workbench of issue 20: write a news post in the admin,
scheduled with a publish and an unpublish time, read its readability figure, preview it, share the
preview with a colleague without an account (a second, anonymous browser), change the post twice,
compare the first and last versions and restore the first; then, with the clock moved (time-machine,
which the live server's thread shares), a visitor finds the post only between its two times. The pages
the colleague and the visitor see pass the quality gate (axe, Nu Html Checker)."""

import datetime
import re

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Version

from network.models import Network, ShareLink
from network.permissions import Role
from news.models import NewsPost
from tests.browser.quality import QualityGate, assert_reports_pass
from tests.factories import BRUSSELS, StaffFactory
from tests.helpers import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-lang-wachtwoord-voor-de-test"
HARD_SENTENCE = (
    "De beleidsmatige implementatie van armoedebestrijdingsmaatregelen vereist intersectorale samenwerking "
    "tussen verschillende overheidsinstanties en maatschappelijke organisaties."
)


def sign_in(page, base_url, user):
    page.goto(base_url + "/beheer/")
    form = page.locator("form.account-form")
    form.get_by_label("E-mailadres").fill(user.email)
    form.get_by_label("Wachtwoord").fill(PASSWORD)
    form.get_by_role("button", name="Aanmelden").click()
    page.locator("form.account-form").get_by_label("Code").fill(totp_code(user.totp_secret))
    page.locator("form.account-form").get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(base_url + "/beheer/")


def save_and_continue(page):
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Opslaan en opnieuw bewerken").click()


def test_editor_writes_previews_shares_changes_compares_and_restores_a_post(browser, live_server):
    call_command("load_demo", verbosity=0)
    network = Network.objects.get(slug="netwerk-tegen-armoede")
    editor = StaffFactory(
        username="redacteur", email="redacteur@example.org", password=PASSWORD, role=Role.NETWORK_EDITOR
    )
    editor.network_memberships.create(network=network)
    base = live_server.url
    context = browser.new_context(locale="nl-BE", timezone_id="Europe/Brussels")
    page = context.new_page()
    gate = QualityGate(browser, base)  # the colleague's browser: no account, no cookie
    reports = []
    try:
        sign_in(page, base, editor)

        # 1. Write the post in the admin, with its text in the rich-text editor, scheduled: it goes
        # online in two days at 10:00 and offline a day later.
        today = timezone.localdate()
        opens = datetime.datetime.combine(today + datetime.timedelta(days=2), datetime.time(10), BRUSSELS)
        closes = opens + datetime.timedelta(days=1)
        page.goto(base + "/beheer/news/newspost/add/", wait_until="load")
        page.locator("#id_network").select_option(label=network.name)
        page.locator("#id_title").fill("Eerste versie van ons standpunt")
        page.locator("#id_lead").fill("Wat wij vragen aan de nieuwe regering.")
        page.locator(".ProseMirror").locator("visible=true").first.click()
        page.keyboard.type(HARD_SENTENCE)
        page.locator("#id_status").select_option(NewsPost.Status.PUBLISHED)
        page.locator("#id_publish_at_0").fill(opens.strftime("%d-%m-%Y"))
        page.locator("#id_publish_at_1").fill("10:00")
        page.locator("#id_unpublish_at_0").fill(closes.strftime("%d-%m-%Y"))
        page.locator("#id_unpublish_at_1").fill("10:00")
        save_and_continue(page)
        post = NewsPost.objects.get(title="Eerste versie van ons standpunt")
        assert "armoedebestrijdingsmaatregelen" in post.body
        assert (post.status, post.publish_at, post.unpublish_at) == (NewsPost.Status.PUBLISHED, opens, closes)
        assert not post.is_public

        # 2. The change form shows the readability figure of the saved text.
        panel = page.locator(".content-checks-report").first
        assert "Leesbaarheid (LIX)" in panel.inner_text()
        assert "zeer moeilijk" in panel.inner_text()

        # 3. The preview: the public page, marked, with the same figure for the editor.
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("link", name="Voorbeeld", exact=True).click()
        assert page.url == f"{base}/voorbeeld/news.newspost/{post.pk}/"
        assert page.locator("h1").inner_text() == "Eerste versie van ons standpunt"
        assert "Voorbeeld:" in page.locator(".preview-banner").inner_text()
        assert "Leesbaarheid (LIX)" in page.locator(".content-checks").inner_text()
        page.go_back(wait_until="load")

        # 4. A share link, for three days, made from the change form.
        page.get_by_label("Nieuwe link werkt").select_option("3")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Maak een deellink").click()
        assert "Deellink gemaakt" in page.locator(".messagelist").inner_text()
        share = page.locator(".share-links a").first.get_attribute("href")
        assert re.fullmatch(rf"{re.escape(base)}/voorbeeld/gedeeld/[^/]+/", share)
        assert ShareLink.objects.get().created_by == editor

        # 5. The colleague opens it in another browser, without an account: the post, no staff parts.
        reports.append(gate.check(share))
        assert gate.page.locator("h1").inner_text() == "Eerste versie van ons standpunt"
        assert "deellink" in gate.page.locator(".preview-banner").inner_text()
        assert gate.page.locator(".content-checks").count() == 0
        assert gate.page.locator("a[href^='/beheer/']").count() == 0
        assert not gate.context.cookies()

        # 6. Two changes, each kept as a version.
        page.goto(f"{base}/beheer/news/newspost/{post.pk}/change/", wait_until="load")
        page.locator("#id_title").fill("Tweede versie van ons standpunt")
        save_and_continue(page)
        page.locator("#id_title").fill("Derde versie van ons standpunt")
        save_and_continue(page)
        versions = list(Version.objects.get_for_object(post).order_by("revision_id"))
        assert len(versions) == 3
        first, last = versions[0], versions[-1]

        # 7. Compare the first and the last version, field by field.
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("link", name="Versies").click()
        page.locator(f"#a-{first.pk}").check()
        page.locator(f"#b-{last.pk}").check()
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Vergelijken").click()
        assert page.locator("del").filter(has_text="Eerste").count() == 1
        assert page.locator("ins").filter(has_text="Derde").count() == 1

        # 8. Restore the first version, after a confirmation, as a new version.
        page.goto(f"{base}/beheer/news/newspost/{post.pk}/versies/{first.pk}/herstellen/", wait_until="load")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Ja, zet deze versie terug").click()
        post.refresh_from_db()
        assert post.title == "Eerste versie van ons standpunt"
        assert Version.objects.get_for_object(post).count() == 4

        # 9. The colleague's link shows the restored post; revoked, it answers 410 with a Dutch page.
        reports.append(gate.check(share))
        assert gate.page.locator("h1").inner_text() == "Eerste versie van ons standpunt"
        page.goto(f"{base}/beheer/news/newspost/{post.pk}/change/", wait_until="load")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="Intrekken").click()
        assert "De deellink is ingetrokken" in page.locator(".messagelist").inner_text()
        reports.append(gate.check(share, expected_status=410))
        assert gate.page.locator("h1").inner_text() == "Deze voorbeeldlink werkt niet meer"

        # 10. A visitor finds the restored post on the news list, the home, the feed, the sitemap, the
        # search and its own address only between its two times (the restore kept the schedule of the
        # first version).
        post.refresh_from_db()
        assert (post.publish_at, post.unpublish_at) == (opens, closes)
        address = post.get_absolute_url()
        for moment, expected in [
            (opens - datetime.timedelta(minutes=1), False),
            (opens + datetime.timedelta(minutes=1), True),
            (closes + datetime.timedelta(minutes=1), False),
        ]:
            with time_machine.travel(moment, tick=False):
                for path in ["/nieuws/", "/"]:
                    report = gate.check(base + path)
                    reports.append(report)
                    assert (address in report.html) is expected, (moment, path)
                for path in ["/nieuws/feed/", "/sitemap.xml", "/zoeken/?q=standpunt"]:
                    response = gate.page.request.get(base + path)
                    assert response.status == 200, path
                    assert (address in response.text()) is expected, (moment, path)
                report = gate.check(base + address, expected_status=200 if expected else 404)
                if expected:
                    reports.append(report)
                    assert gate.page.locator("h1").inner_text() == "Eerste versie van ons standpunt"
    finally:
        gate.close()
        context.close()
    assert_reports_pass(reports)
