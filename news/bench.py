"""The news' part of `manage.py bench_data` (core/benchdata.py): 10,000 posts, most of them by the
main network, a few drafts and scheduled ones, linked to themes; the associations' part, which
comes after, links some of them to associations."""

from core.benchdata import BATCH, Slugs, link_themes
from news.models import NewsPost

SIZES = {"news": 10_000}

NEWS_TITLES = [
    "{network} vraagt werk te maken van {object}", "Nieuw dossier over {object}",
    "Terugblik op de trefdag over {theme}",
    "Verenigingen in {place} praten over {object}", "Reactie op het actieplan: {object} moet beter",
    "Verenigingen brengen {object} in kaart", "Zo verliep het overleg over {theme} in {place}",
    "Vijf vragen over {object}", "Wat betekent de nieuwe regeling voor {object}?",
]  # fmt: skip


def fill(bench):
    bench.top_up("news", SIZES["news"], NewsPost, add_posts)


def add_posts(bench, count):
    slugs = Slugs(NewsPost, 200)
    # The main network writes most of the news.
    weights = [3 if index == 0 else 1 for index in range(len(bench.networks))]
    rows = []
    for _ in range(count):
        network = bench.rng.choices(bench.networks, weights=weights)[0]
        title = bench.writer.fill(bench.writer.pick(NEWS_TITLES), network=network.short_name)
        title = title[0].upper() + title[1:]
        draft, scheduled = bench.rng.random() < 0.03, bench.rng.random() < 0.01
        rows.append(
            NewsPost(
                network=network,
                title=title,
                slug=slugs(title),
                status=NewsPost.Status.DRAFT if draft else NewsPost.Status.PUBLISHED,
                publish_at=bench.moment(0, 30) if scheduled else bench.moment(8 * 365, 0),
                lead=bench.writer.sentences(2, 2)[:500],
                body=bench.writer.body(),
            )
        )
    NewsPost.objects.bulk_create(rows, batch_size=BATCH)
    link_themes(NewsPost.themes.through, "newspost", [(post, bench.some_themes()) for post in rows])
    bench.news_posts = rows
