"""The page cache's exceptions to what each model's owner declaration implies (core/pagecache.py
holds the cache, the rule kinds and the rule a declaration implies).

Declared from NetworkConfig.ready(), with how the cache finds a network's parent and every network.
"""

from core import pagecache
from core.pagecache import EveryPage, Narrow


def _signature_counts(signature):
    # Pending signatures are counted and named nowhere; confirming one goes through
    # campaigns.signing.confirm (an update(), no signal), which calls key_changed itself.
    return signature.confirmed_at is not None


# By label: the models whose changes reach further or less far than their network's pages.
RULES = {
    # Network names and colours, and the funders, are in every page's header or footer.
    "network.network": EveryPage(),
    "network.partner": EveryPage(),
    # Confirmed signatures show as the campaign's count, names and tally (campaign page and list).
    "campaigns.signature": Narrow("campaign", "campaign_id", shown=_signature_counts),
}


def _parent_id(network_id):
    # The parent's pages show this network's content too (Network.with_regional_networks).
    from network.models import Network

    return Network.objects.filter(pk=network_id).values_list("parent_id", flat=True).first()


def _all_ids():
    from network.models import Network

    return Network.objects.values_list("pk", flat=True)


def declare():
    pagecache.declare(RULES)
    pagecache.use_networks(parent_id=_parent_id, all_ids=_all_ids)
