"""Indexes on PostgreSQL: stored search vectors (core/searchindex.py) and the news years, used by the queries."""

import datetime
import re

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.state import ProjectState
from django.utils import timezone

from core import search as site_search
from core.searchindex import COLUMN, InlineSearchVector, vector_sql
from news.models import NewsPost
from tests.factories import (
    AssociationFactory,
    DocumentFactory,
    NetworkFactory,
    NewsPostFactory,
    PageFactory,
    make_campaign,
    make_event,
)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

YESTERDAY = timezone.now() - datetime.timedelta(days=1)


@pytest.fixture
def nta():
    return NetworkFactory(name="Netwerk tegen Armoede", short_name="NTA", slug="nta")


def news(network, title, **fields):
    return NewsPostFactory(network=network, title=title, status="published", publish_at=YESTERDAY, **fields)


def real_kinds():
    """The kinds the apps register (tests may add their own for a while)."""
    return [kind for kind in site_search.registered_kinds() if kind.slug != "themas"]


def stale_rows(kind):
    """Rows whose stored vector differs from the vector of the fields the kind registers now."""
    model = kind.queryset().model
    columns = {weight: [model._meta.get_field(name).column for name in names] for weight, names in kind.fields.items()}
    expected = vector_sql(connection.ops.quote_name, columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE {COLUMN} IS DISTINCT FROM ({expected})) FROM {table}")  # noqa: S608
        return cursor.fetchone()


def test_every_kind_of_the_site_has_a_stored_vector_of_exactly_its_registered_fields(nta):
    news(nta, "Lokaal sociaal beleid", lead="Armoede in de gemeente.", body="<p>Een <strong>lange</strong> tekst.</p>")
    PageFactory(
        network=nta, title="Wie wij zijn", intro="Een netwerk.", body="<p>Verenigingen waar armen het woord nemen.</p>"
    )
    DocumentFactory(network=nta, title="Memorandum", description="Onze vragen aan de gemeenten.")
    AssociationFactory(network=nta, name="De Schakel", intro="Wij komen samen.", description="<p>Elke dinsdag.</p>")
    make_event(nta, "vorming", title="Vorming", intro="Over huren.", place_name="Zaal", description="<p>x</p>")
    make_campaign(nta, body="<p>Teken de oproep.</p>")

    kinds = real_kinds()

    assert {kind.slug for kind in kinds} == {"nieuws", "acties", "verenigingen", "paginas", "agenda", "documenten"}
    for kind in kinds:
        assert kind.stored, kind.slug
        rows, stale = stale_rows(kind)
        assert (kind.slug, rows, stale) == (kind.slug, rows, 0)
        assert rows >= 1


def test_every_stored_vector_has_a_gin_index_the_search_uses(nta):
    news(nta, "Bericht", lead="Over wonen.")
    for kind in real_kinds():
        matches, _ranked = site_search.search_kind(kind, "wonen")
        assert "to_tsvector" not in str(matches.query), kind.slug
        assert f'"{COLUMN}" @@' in str(matches.query), kind.slug
        table = connection.ops.quote_name(kind.queryset().model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            query = f"EXPLAIN SELECT 1 FROM {table} WHERE {COLUMN} @@ websearch_to_tsquery('dutch', 'wonen')"  # noqa: S608
            cursor.execute(query)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "_search_gin" in plan, (kind.slug, plan)


def column_storage(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s", [table, COLUMN]
        )
        return cursor.fetchone()[0]


def test_every_stored_vector_is_kept_in_its_row_not_in_the_toast_table():
    """'m' (MAIN): in the row, compressed only when the row would not fit otherwise."""
    tables = {kind.slug: kind.queryset().model._meta.db_table for kind in real_kinds()}

    assert {slug: column_storage(table) for slug, table in tables.items()} == dict.fromkeys(tables, "m")


def test_inline_search_vector_moves_the_vectors_of_existing_rows(nta):
    post = news(nta, "Bericht", lead="Over wonen.")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the factory's rows: no pending checks before ALTER TABLE
        cursor.execute(f"ALTER TABLE network_newspost ALTER COLUMN {COLUMN} SET STORAGE EXTENDED")
        cursor.execute("SELECT xmin::text FROM network_newspost WHERE id = %s", [post.pk])
        (version_before,) = cursor.fetchone()
    assert column_storage("network_newspost") == "x"

    state = ProjectState.from_apps(apps)
    with connection.schema_editor() as editor:
        InlineSearchVector("NewsPost").database_forwards("news", editor, state, state)

    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM network_newspost WHERE id = %s", [post.pk])
        (version_after,) = cursor.fetchone()
    assert column_storage("network_newspost") == "m"
    assert version_after != version_before  # the row was written anew, its vector with it
    assert list(NewsPost.objects.filter(pk=post.pk).values_list("title", flat=True)) == ["Bericht"]


def test_the_years_of_the_news_list_come_from_their_index(nta):
    news(nta, "Bericht", lead="Over wonen.")
    years = NewsPost.objects.public_years()
    sql, params = years.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # From the index alone: the end of the publication window is in it, so no row is read to check it.
    assert re.search(r"Index Only Scan (Backward )?using newspost_public_year_window", plan), plan
    assert list(years) == [timezone.localtime(YESTERDAY).year]
