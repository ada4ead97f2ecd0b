"""Which changes make which pages stale: the page cache's rule for every model of the apps
whose content shows on public pages (core/pagecache.py holds the cache and the rule kinds).

Declared from NetworkConfig.ready(), with how the cache finds a network's parent and every network.
"""

from core import pagecache
from core.pagecache import EveryPage, Narrow, NoPublicPage, OfNetwork, SiteWide

# The apps whose models can show on public pages: each of their models has a rule in RULES.
APPS = {"network", "news", "associations", "events", "campaigns", "newsletter"}


def _signature_counts(signature):
    # Pending signatures are counted and named nowhere; confirming one goes through
    # campaigns.signing.confirm (an update(), no signal), which calls key_changed itself.
    return signature.confirmed_at is not None


# Every model of APPS, by label. A new model needs a line here (tests/test_pagecache.py says so).
RULES = {
    "network.network": EveryPage(),
    "network.partner": EveryPage(),
    "network.theme": SiteWide(),
    "network.page": OfNetwork(),
    "network.document": OfNetwork(),
    "news.newspost": OfNetwork(),
    "news.newslink": OfNetwork("post.network_id"),
    "network.networkmembership": NoPublicPage(),
    "associations.association": OfNetwork(),
    "associations.activity": OfNetwork("association.network_id"),
    "associations.photo": OfNetwork("association.network_id"),
    "associations.story": OfNetwork("association.network_id"),
    "associations.associationmembership": NoPublicPage(),
    # An editor's proposed change: public only once staff apply it to the association.
    "associations.profilechange": NoPublicPage(),
    "events.event": OfNetwork(),
    # Registrations show only as the free seats on their event's page (events.views.event_detail).
    # A save cannot tell whether the confirmed seats changed (a pending post changes nothing, a
    # cancellation of a confirmed seat does), so events/registrations.py says so itself:
    # `_seats_changed` calls key_changed("event", pk) exactly when the confirmed seats change.
    "events.registration": NoPublicPage(),
    "campaigns.campaign": OfNetwork(),
    "campaigns.keydate": OfNetwork("campaign.network_id"),
    "campaigns.face": OfNetwork("campaign.network_id"),
    "campaigns.campaigndocument": OfNetwork("campaign.network_id"),
    # Confirmed signatures show as the campaign's count, names and tally (campaign page and list).
    "campaigns.signature": Narrow("campaign", "campaign_id", shown=_signature_counts),
    "newsletter.mailinglist": OfNetwork(),
    "newsletter.issue": OfNetwork("mailing_list.network_id"),
    "newsletter.subscriber": NoPublicPage(),
    "newsletter.subscription": NoPublicPage(),
    "newsletter.delivery": NoPublicPage(),
    "newsletter.workerheartbeat": NoPublicPage(),
}


def _parent_id(network_id):
    from network.models import Network

    return Network.objects.filter(pk=network_id).values_list("parent_id", flat=True).first()


def _all_ids():
    from network.models import Network

    return Network.objects.values_list("pk", flat=True)


def declare():
    pagecache.declare(APPS, RULES)
    pagecache.use_networks(parent_id=_parent_id, all_ids=_all_ids)
