"""Private by design: reading the site sets no cookie; only a page with a POST form may set the CSRF cookie."""

import re

import pytest
from django.core.management import call_command
from django.test import Client

from tests.browser.quality import public_urls

pytestmark = pytest.mark.django_db

POST_FORM = re.compile(r"<form[^>]*method=\"post\"", re.IGNORECASE)


def test_anonymous_reading_sets_no_cookie_on_any_page_without_a_post_form(client):
    call_command("load_demo", verbosity=0)
    # The staff sign-in pages are linked from nowhere public; they are walked too.
    paths = [*public_urls(client), "/accounts/login/", "/accounts/password/reset/"]
    with_form = []
    for path in paths:
        response = Client().get(path)
        html = response.content.decode()
        if POST_FORM.search(html):
            with_form.append(path)
            assert set(response.cookies) <= {"csrftoken"}, path
        else:
            assert not response.cookies, f"{path} sets {list(response.cookies)}"
    # The walk covers the whole site, and the pages with a form are the ones expected to have one.
    assert len(paths) > 150
    assert "/" in paths and "/nieuwsbrief/" in with_form and "/acties/zorg-voor-iedereen/" in with_form
    assert "/acties/lokaalsociaal/" not in with_form  # an ended campaign has no form
    assert "/accounts/login/" in with_form
