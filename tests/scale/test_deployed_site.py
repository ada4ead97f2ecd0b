"""The deployment fixture itself: several workers behind a proxy, Redis, mail over SMTP."""

import pytest

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_deployed_site_answers_through_the_proxy_header(deployed_site):
    response = deployed_site.client("203.0.113.7").get(deployed_site.url + "/healthz", timeout=10)
    assert response.status_code == 200
