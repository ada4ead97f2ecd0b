"""The news moved from the network app to its own (news/migrations/0001_initial.py) without losing a row.

A database at the schema of the commit before the move (built from a frozen copy of that
commit's migrations, tests/before_news/) with posts, links, a newsletter issue naming them,
group permissions, admin history and audit entries is migrated as a deployment would be; every
row and every reference is still there, and its schema equals that of a database migrated from
scratch. Runs on the suite's database kind: PostgreSQL in one pass, SQLite in the other.
"""

import json
import os
import subprocess
import sys

from tests.helpers import PROJECT_DIR, empty_database, manage

ACTIONS = ("add", "change", "delete", "view")
DEVELOPMENT = {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"}


def drill(step, url):
    result = subprocess.run(
        [sys.executable, "-m", "tests.before_news.drill", step],
        cwd=PROJECT_DIR,
        env={**os.environ, **DEVELOPMENT, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_moving_the_news_keeps_every_post_and_what_points_at_it(tmp_path):
    with empty_database(tmp_path, prefix="before_news") as (url, _name):
        made = drill("before", url)
        found = drill("after", url)
        moved_schema = drill("schema", url)

    assert found.pop("posts") == made["posts"]
    # The same content type row: permissions, admin history and audit entries point at it.
    assert found.pop("content_type") == made["content_type"]
    assert set(made["permissions"]) <= set(found.pop("permissions"))
    assert found == {
        "post": ["Huurprijzen stijgen opnieuw", "nta", "lokaalsociaal", "redacteur"],
        "themes": ["wonen"],
        "associations": ["de-schakel"],
        "links": [["Meer", "https://example.org/meer"]],
        "issue": made["posts"],
        "content_types": ["news.newslink", "news.newspost"],
        "permission_names": [f"news.{action}_{model}" for action in ACTIONS for model in ("newslink", "newspost")],
        "group_may_change_posts": True,
        "admin_history": ["huurprijzen"],
        "audit_trail": [["Huurprijzen stijgen opnieuw", {"network_id": 1}]],
        "privacy": ["huurprijzen"],
        # The stored search vector (PostgreSQL) or word matching (SQLite) still finds the post.
        "search": ["huurprijzen"],
    }

    with empty_database(tmp_path, prefix="fresh") as (url, _name):
        result = manage("migrate", "--noinput", "-v", "0", env={**os.environ, **DEVELOPMENT, "DATABASE_URL": url})
        assert result.returncode == 0, result.stderr
        assert drill("schema", url) == moved_schema
