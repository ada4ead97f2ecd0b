"""The home on the demo weighs at most 100 KB before content images: everything else Chromium fetches for
it (HTML, stylesheets, scripts, fonts, icons), counted as the test server sends it, uncompressed, so
an upper bound of what a phone on prepaid data gets through the compressing proxy."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIMIT = 100 * 1024


def test_the_home_weighs_at_most_100_kb_before_content_images(browser_context, live_server):
    call_command("load_demo", verbosity=0)
    page = browser_context.new_page()
    fetched = []

    def keep(response):
        request = response.request
        content_image = request.resource_type == "image" and "/media/" in request.url
        if not content_image:
            fetched.append((request.url, request.resource_type, int(response.headers.get("content-length") or 0)))

    page.on("response", keep)
    response = page.goto(live_server.url + "/", wait_until="load")
    assert response.status == 200
    assert {kind for _url, kind, _size in fetched} >= {"document", "stylesheet"}
    assert all(size > 0 for _url, _kind, size in fetched), fetched
    total = sum(size for _url, _kind, size in fetched)
    assert total <= LIMIT, fetched
    print(f"home before content images: {total / 1024:.1f} KB in {len(fetched)} responses")
