"""The public archive of sent issues, per network, with constant queries, in the sitemap."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import NewsPost
from newsletter.models import Issue
from tests.factories import NewsPostFactory, make_issue, make_list, make_network

pytestmark = pytest.mark.django_db


def sent_issue(mailing_list, subject, days_ago=1, **fields):
    when = timezone.now() - datetime.timedelta(days=days_ago)
    return make_issue(mailing_list, subject=subject, status=Issue.Status.SENT, sent_at=when, **fields)


def news_post(network, slug, *, published=True):
    status = NewsPost.Status.PUBLISHED if published else NewsPost.Status.DRAFT
    return NewsPostFactory(network=network, title=f"Bericht {slug}", slug=slug, lead=f"Kern van {slug}", status=status)


def test_archive_shows_sent_issues_per_network_only(client, mailing_list):
    other = make_list(make_network("ander", 1), "nieuws")
    sent_issue(mailing_list, "Verstuurd nummer")
    sent_issue(other, "Nummer van elders")
    make_issue(mailing_list, subject="Concept nummer")
    make_issue(mailing_list, subject="Wordt verstuurd", status=Issue.Status.SENDING)
    response = client.get("/nieuwsbrief/archief/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Verstuurd nummer" in html and "Nummer van elders" in html
    assert "Concept nummer" not in html and "Wordt verstuurd" not in html
    assert [network.slug for network, _issues in response.context["groups"]] == ["eigen", "ander"]
    assert "/nieuwsbrief/archief/eigen/" in html


def test_archive_shows_the_latest_few_per_network_and_links_to_all(client, mailing_list):
    for number in range(8):
        sent_issue(mailing_list, f"Nummer {number}", days_ago=number + 1)
    response = client.get("/nieuwsbrief/archief/")
    [(_network, issues)] = response.context["groups"]
    assert [issue.subject for issue in issues] == [f"Nummer {number}" for number in range(5)]
    full = client.get("/nieuwsbrief/archief/eigen/")
    assert [issue.subject for issue in full.context["page"]] == [f"Nummer {number}" for number in range(8)]


def test_network_archive_paginates_and_refuses_unknown_networks(client, mailing_list):
    for number in range(25):
        sent_issue(mailing_list, f"Nummer {number}", days_ago=number + 1)
    first = client.get("/nieuwsbrief/archief/eigen/")
    assert len(first.context["page"].object_list) == 20
    assert 'href="/nieuwsbrief/archief/eigen/?pagina=2"' in first.content.decode()
    assert len(client.get("/nieuwsbrief/archief/eigen/", {"pagina": 2}).context["page"].object_list) == 5
    assert client.get("/nieuwsbrief/archief/eigen/", {"pagina": 9}).status_code == 404
    assert client.get("/nieuwsbrief/archief/bestaat-niet/").status_code == 404


def test_issue_page_shows_its_content_but_never_drafts(client, mailing_list, network):
    post, hidden = news_post(network, "getoond"), news_post(network, "later-ingetrokken")
    issue = sent_issue(mailing_list, "Het nummer", intro="Eerste alinea.\n\nTweede <alinea>.")
    issue.news_posts.set([post, hidden])
    NewsPost.objects.filter(pk=hidden.pk).update(status=NewsPost.Status.DRAFT)  # unpublished after sending
    response = client.get(issue.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Het nummer</h1>" in html
    assert "<p>Eerste alinea.</p><p>Tweede &lt;alinea&gt;.</p>" in html
    assert post.get_absolute_url() in html and "later-ingetrokken" not in html
    draft = make_issue(mailing_list, subject="Concept")
    assert client.get(f"/nieuwsbrief/archief/eigen/{draft.pk}/").status_code == 404
    assert client.get(f"/nieuwsbrief/archief/ander/{issue.pk}/").status_code == 404


def test_archive_queries_do_not_grow_with_the_number_of_issues_and_posts(client, mailing_list, network):
    """Each issue names its list and network, and each post its network: fetched with them, not per item."""
    issue = sent_issue(mailing_list, "Eerste")
    issue.news_posts.add(news_post(network, "een"))
    paths = ["/nieuwsbrief/archief/", "/nieuwsbrief/archief/eigen/", issue.get_absolute_url()]
    for path in paths:
        client.get(path)  # warms the site network cache
    few = {}
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        few[path] = len(queries.captured_queries)
    other = make_list(make_network("ander", 1), "nieuws")
    for number in range(6):
        sent_issue(mailing_list, f"Nummer {number}")
        sent_issue(other, f"Elders {number}")
        issue.news_posts.add(news_post(network, f"post-{number}"))
    client.get("/")  # a new network dropped the cached site network
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        assert len(queries.captured_queries) == few[path], path


def test_sitemap_lists_the_form_the_archives_and_sent_issues(client, mailing_list):
    issue = sent_issue(mailing_list, "In de sitemap")
    draft = make_issue(mailing_list, subject="Concept")
    xml = client.get("/sitemap.xml").content.decode()
    for path in ["/nieuwsbrief/", "/nieuwsbrief/archief/", "/nieuwsbrief/archief/eigen/", issue.get_absolute_url()]:
        assert f"{path}</loc>" in xml, path
    assert f"/nieuwsbrief/archief/eigen/{draft.pk}/" not in xml
