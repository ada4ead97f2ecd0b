"""Demo newsletters: one list per network, a few made-up subscribers (example.org addresses) and two
sent issues in the archive: one of Netwerk tegen Armoede about the news of late 2017 (from the seeds),
and one clearly marked example of Trefpunt Armoede. Demo issues have no deliveries: they are only
marked sent."""

import datetime

from django.utils import timezone

from network.models import Network
from news.models import NewsPost
from newsletter.models import CONSENT_TEXT, CONSENT_VERSION, Issue, MailingList, Subscriber, Subscription

READERS = [
    ("voorbeeld.lezer1@example.org", "Voorbeeldlezer Een", ["netwerk-tegen-armoede"]),
    ("voorbeeld.lezer2@example.org", "Voorbeeldlezer Twee", ["netwerk-tegen-armoede", "trefpunt-armoede"]),
    ("voorbeeld.lezer3@example.org", "", ["brussels-platform-armoede"]),
    ("voorbeeld.lezer4@example.org", "Voorbeeldlezer Vier", ["trefpunt-armoede"]),
]

ISSUES = [
    {
        "network": "netwerk-tegen-armoede",
        "subject": "Nieuwsbrief december 2017: op weg naar de gemeenteraadsverkiezingen",
        "intro": (
            "Beste lezer,\n\n"
            "Over tien maanden kiezen we nieuwe gemeenteraden. De verenigingen waar armen het woord nemen "
            "bereiden zich daar samen op voor: wat moet een gemeente doen om armoede echt terug te dringen?\n\n"
            "Daarnaast lees je waarom we samen met Vluchtelingenwerk Vlaanderen en andere sociale bewegingen "
            "kritisch kijken naar het asielbeleid."
        ),
        "sent_at": datetime.datetime(2017, 12, 15, 10, 0),
        "posts": [
            "mensen-in-armoede-kijken-vooruit-naar-de-gemeenteraadsverkiezingen",
            "asielbeleid-wantrouwen-terugsturen-en-rechten-inperken",
        ],
    },
    {
        "network": "trefpunt-armoede",
        "subject": "Voorbeeldnieuwsbrief van Trefpunt Armoede",
        "intro": (
            "Dit is een verzonnen voorbeeld van een nieuwsbrief, om te tonen hoe het archief eruitziet.\n\n"
            "Een echte nieuwsbrief brengt hier het nieuws van de Limburgse verenigingen, de trefdagen en het "
            "overleg met de OCMW's."
        ),
        "sent_at": None,  # a month ago
        "posts": None,  # the network's two latest published posts
    },
]


def _lists(networks):
    created = 0
    lists = {}
    for network in networks.values():
        lists[network.slug], new = MailingList.objects.get_or_create(
            network=network,
            slug="nieuwsbrief",
            defaults={
                "name": f"Nieuwsbrief {network.short_name}",
                "description": (
                    f"Ongeveer één keer per maand het nieuws, de standpunten en de activiteiten van {network.name}."
                ),
            },
        )
        created += new
    return lists, created


def _readers(lists):
    created = 0
    now = timezone.now()
    for email, name, slugs in READERS:
        subscriber, new = Subscriber.objects.get_or_create(email=email, defaults={"name": name, "confirmed_at": now})
        created += new
        for slug in slugs:
            if slug not in lists:
                continue
            _subscription, new = Subscription.objects.get_or_create(
                subscriber=subscriber,
                mailing_list=lists[slug],
                defaults={
                    "status": Subscription.Status.CONFIRMED,
                    "consent_version": CONSENT_VERSION,
                    "consent_text": str(CONSENT_TEXT),
                    "consented_at": now,
                    "confirmed_at": now,
                },
            )
            created += new
    return created


def _issues(lists):
    created = 0
    for data in ISSUES:
        if data["network"] not in lists:
            continue
        sent_at = (
            timezone.make_aware(data["sent_at"]) if data["sent_at"] else timezone.now() - datetime.timedelta(days=30)
        )
        issue, new = Issue.objects.get_or_create(
            mailing_list=lists[data["network"]],
            subject=data["subject"],
            defaults={
                "intro": data["intro"],
                "status": Issue.Status.SENT,
                "sending_started_at": sent_at,
                "sent_at": sent_at,
            },
        )
        if new:
            posts = NewsPost.objects.published().filter(network=issue.mailing_list.network)
            if data["posts"]:
                posts = posts.filter(slug__in=data["posts"])
            issue.news_posts.set(posts.order_by("-publish_at")[:2])
        created += new
    return created


def load():
    networks = {network.slug: network for network in Network.objects.all()}
    lists, created = _lists(networks)
    return created + _readers(lists) + _issues(lists)
