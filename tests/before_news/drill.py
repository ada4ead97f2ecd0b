"""The news move (news/migrations/0001_initial.py) run on a database made before it, in three steps.

    python -m tests.before_news.drill before   # DATABASE_URL: an empty database
    python -m tests.before_news.drill after    # the same database, then migrated as a deployment would be
    python -m tests.before_news.drill schema   # any database: its tables, columns, indexes and keys

`before` builds the schema of the commit before the move from a frozen copy of that commit's
network and newsletter migrations (tests/before_news/migrations/) and fills it the way that
site would have: posts with links, themes, associations and a campaign, a newsletter issue
naming them, their content types and permissions with a group holding them, admin history and
audit entries. Each step prints JSON; tests/test_news_move.py compares.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

BEFORE = {
    "network": "tests.before_news.migrations.network",
    "newsletter": "tests.before_news.migrations.newsletter",
}


def before():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    targets = [leaf for leaf in executor.loader.graph.leaf_nodes() if leaf[0] != "news"]
    executor.migrate(targets)
    apps = executor.loader.project_state(targets).apps

    def model(label):
        return apps.get_model(*label.split("."))

    user = model("auth.User").objects.create(username="redacteur", email="redacteur@example.org")
    network = model("network.Network").objects.create(
        name="Netwerk tegen Armoede", short_name="NTA", slug="nta", region="vlaanderen", mission="x"
    )
    theme = model("network.Theme").objects.create(name="Wonen", slug="wonen")
    association = model("associations.Association").objects.create(
        network=network, name="De Schakel", slug="de-schakel", municipality="Puurs", postcode="2870", intro="x"
    )
    campaign = model("campaigns.Campaign").objects.create(
        network=network, title="Lokaal sociaal", slug="lokaalsociaal", starts_on="2026-01-01", ends_on="2026-12-31"
    )
    NewsPost = model("network.NewsPost")
    posts = [
        NewsPost.objects.create(
            network=network,
            title="Huurprijzen stijgen opnieuw",
            slug="huurprijzen",
            status="published",
            publish_at="2026-03-01T10:00:00Z",
            lead="Wonen wordt duurder.",
            body="<p>Verenigingen vragen betaalbare woningen.</p>",
            author=user,
            campaign=campaign,
        ),
        NewsPost.objects.create(
            network=network, title="Een ontwerp", slug="ontwerp", lead="Nog niet klaar.", body="<p>Later.</p>"
        ),
    ]
    posts[0].themes.set([theme])
    posts[0].associations.set([association])
    model("network.NewsLink").objects.create(post=posts[0], label="Meer", url="https://example.org/meer")
    mailing_list = model("newsletter.MailingList").objects.create(network=network, name="Nieuwsbrief", slug="nb")
    issue = model("newsletter.Issue").objects.create(mailing_list=mailing_list, subject="Maart", intro="x")
    issue.news_posts.set(posts)

    # What the site's post_migrate made: the content types and permissions of the network app's posts.
    ContentType = model("contenttypes.ContentType")
    Permission = model("auth.Permission")
    group = model("auth.Group").objects.create(name="Netwerkredacteur")
    for name, verbose in (("newspost", "news post"), ("newslink", "external link")):
        content_type = ContentType.objects.create(app_label="network", model=name)
        for action in ("add", "change", "delete", "view"):
            group.permissions.add(
                Permission.objects.create(
                    content_type=content_type, codename=f"{action}_{name}", name=f"Can {action} {verbose}"
                )
            )
    post_type = ContentType.objects.get(app_label="network", model="newspost")
    model("admin.LogEntry").objects.create(
        user=user,
        content_type=post_type,
        object_id=str(posts[0].pk),
        object_repr=posts[0].title,
        action_flag=2,
        change_message="[]",
    )
    model("auditlog.LogEntry").objects.create(
        content_type=post_type,
        object_pk=str(posts[0].pk),
        object_id=posts[0].pk,
        object_repr=posts[0].title,
        action=1,
        changes={"title": ["Huurprijzen", "Huurprijzen stijgen opnieuw"]},
        actor=user,
        additional_data={"network_id": network.pk},
    )
    return {
        "posts": [post.pk for post in posts],
        "content_type": post_type.pk,
        "permissions": sorted(group.permissions.values_list("pk", flat=True)),
    }


def after():
    from auditlog.models import LogEntry as AuditEntry
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from core.search import registered_kinds, search_kind
    from news.models import NewsPost
    from newsletter.models import Issue
    from privacy.registry import Subject, kinds

    post = NewsPost.objects.get(slug="huurprijzen")
    user = User.objects.get(username="redacteur")
    group = Group.objects.get(name="Netwerkredacteur")
    kind = next(kind for kind in registered_kinds() if kind.slug == "nieuws")
    written = next(kind for kind in kinds() if kind.key == "news.newspost")
    return {
        "posts": sorted(NewsPost.objects.values_list("pk", flat=True)),
        "post": [post.title, post.network.slug, post.campaign.slug, post.author.username],
        "themes": list(post.themes.values_list("slug", flat=True)),
        "associations": list(post.associations.values_list("slug", flat=True)),
        "links": list(post.links.values_list("label", "url")),
        "issue": sorted(Issue.objects.get().news_posts.values_list("pk", flat=True)),
        "content_type": ContentType.objects.get_for_model(NewsPost).pk,
        "content_types": sorted(
            f"{t.app_label}.{t.model}" for t in ContentType.objects.filter(model__in=["newspost", "newslink"])
        ),
        "permissions": sorted(group.permissions.values_list("pk", flat=True)),
        "permission_names": sorted(
            f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.filter(codename__contains="news")
        ),
        "group_may_change_posts": group.permissions.filter(
            content_type__app_label="news", codename="change_newspost"
        ).exists(),
        "admin_history": [entry.get_edited_object().slug for entry in LogEntry.objects.all()],
        "audit_trail": [(e.object_repr, e.additional_data) for e in AuditEntry.objects.get_for_object(post)],
        "privacy": [record.slug for record in written.find(Subject(email=user.email))],
        "search": [post.slug for post in search_kind(kind, "betaalbare woningen")[1]],
    }


FLAGS = ("primary_key", "unique", "index")


def _name(name, constraint):
    """SQLite names foreign keys by their place in the table (fk_0, ...): name them by their target instead."""
    if constraint["foreign_key"] and name.startswith("fk_"):
        return "foreign key to {}.{}".format(*constraint["foreign_key"])
    return name


def schema():
    from django.db import connection

    with connection.cursor() as cursor:
        introspection = connection.introspection
        tables = sorted(t for t in introspection.table_names(cursor) if t != "django_migrations")
        found = {}
        for table in tables:
            columns = sorted(
                (column.name, column.type_code, column.null_ok)
                for column in introspection.get_table_description(cursor, table)
            )
            constraints = sorted(
                (_name(name, c), sorted(map(str, c["columns"] or [])), *(bool(c[key]) for key in FLAGS))
                for name, c in introspection.get_constraints(cursor, table).items()
                # SQLite names its own keys and unique constraints by their place in the table.
                if not name.startswith("__")
            )
            found[table] = {"columns": [list(c) for c in columns], "constraints": [list(c) for c in constraints]}
    return found


if __name__ == "__main__":
    step = sys.argv[1]
    import django
    from django.conf import settings

    if step == "before":
        settings.MIGRATION_MODULES = BEFORE
    django.setup()
    print(json.dumps({"before": before, "after": after, "schema": schema}[step](), default=str))
