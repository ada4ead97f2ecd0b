"""Production settings with the URLs of tests/scale/failing_urls.py: the site plus one view that fails.

The app server of tests/scale/test_error_reports.py runs with these, so error reporting is set up
by config/settings.py exactly as in production; only the URLconf differs.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.scale.failing_urls"
