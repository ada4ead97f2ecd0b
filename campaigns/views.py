from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.forms import CampaignFilterForm, SignatureForm
from campaigns.models import Campaign
from campaigns.signing import (
    CONFIRM,
    ERASE,
    confirm,
    links,
    record_signature,
    send_signature_mail,
    signature_for_token,
)
from core import pagecache, sites
from core.forms import PublicPost, check_public_post
from core.mail import MailNotSent
from core.pagecache import token_page
from core.publication import window_q
from core.sites import list_query
from core.tokens import TokenError
from network.models import Document
from news.models import NewsPost

LATEST_NAMES = 12
TALLY_PLACES = 15


def campaign_list(request):
    form = CampaignFilterForm(list_query(request), request=request)
    campaigns, status = form.apply(
        Campaign.objects.published()
        .select_related("network")
        .annotate(signature_count=Count("signatures", filter=Q(signatures__confirmed_at__isnull=False)))
    )
    today = timezone.localdate()
    groups = {state: [] for state in Campaign.Status}
    for campaign in campaigns:
        groups[campaign.status(today)].append(campaign)
    groups[Campaign.Status.RUNNING].sort(key=lambda campaign: campaign.ends_on)
    groups[Campaign.Status.UPCOMING].sort(key=lambda campaign: campaign.starts_on)
    groups[Campaign.Status.ENDED].sort(key=lambda campaign: campaign.ends_on, reverse=True)
    # Every card shows its campaign's count: a confirmed signature changes this page.
    pagecache.depends_on_keys(request, *(pagecache.key("campaign", campaign.pk) for campaign in campaigns))
    context = {
        "form": form,
        "running": groups[Campaign.Status.RUNNING],
        "upcoming": groups[Campaign.Status.UPCOMING],
        "ended": groups[Campaign.Status.ENDED],
    }
    return render(request, "campaigns/campaign_list.html", context, status=status)


def _campaign(slug):
    return get_object_or_404(Campaign.objects.published().select_related("network"), slug=slug)


def signature_summary(campaign):
    """The confirmed count, the latest names shown publicly and the tally per place: three queries."""
    confirmed = campaign.signatures.confirmed()
    tally = list(confirmed.values("place").annotate(count=Count("pk")).order_by("-count", "place"))
    return {
        "count": sum(row["count"] for row in tally),
        "latest_names": list(
            confirmed.filter(show_name=True).order_by("-confirmed_at", "-pk").values("name", "place")[:LATEST_NAMES]
        ),
        "tally": tally[:TALLY_PLACES],
        "other_places": max(len(tally) - TALLY_PLACES, 0),
    }


def _post_signature(request, campaign, form):
    """Handle a posted signature: the status to show the form again with, or None for the thanks page.

    A bot's post goes to the thanks page too, so it learns nothing.
    """
    if not campaign.accepts_signatures:
        form.add_error(None, _("This campaign does not collect signatures (any more)."))
        return 400
    outcome = check_public_post(request, form, scope="signature")
    if outcome is PublicPost.INVALID:
        return 400
    if outcome is PublicPost.BOT:
        return None
    if outcome is PublicPost.LIMITED:
        form.add_error(None, _("Too many signatures from here in a short time. Please try again in an hour."))
        return 429
    signature = record_signature(campaign, form.cleaned_data)
    try:
        send_signature_mail(request, signature)
    except MailNotSent:
        form.add_error(None, _("We could not send you the confirmation mail just now. Please try again later."))
        return 503
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_detail(request, slug):
    campaign = _campaign(slug)
    form = SignatureForm()
    status = 200
    if request.method == "POST":
        form = SignatureForm(request.POST)
        status = _post_signature(request, campaign, form)
        if status is None:
            return redirect("campaigns:thanks", slug=campaign.slug)
    return render_campaign(request, campaign, form=form, status=status)


def render_campaign(request, campaign, preview=None, *, form=None, status=200):
    """A campaign's page with its signature form; `preview` (core/previews.py) marks it as a preview."""
    pagecache.depends_on(request, campaign.network)
    pagecache.depends_on_keys(request, pagecache.key("campaign", campaign.pk))
    sites.canonical(request, campaign.network)
    context = {
        "preview": preview,
        "campaign": campaign,
        "network": campaign.network,
        "form": form or SignatureForm(),
        "key_dates": list(campaign.key_dates.all()),
        "faces": list(campaign.faces.filter(consent_recorded=True)),
        "documents": list(
            campaign.campaigndocument_set.filter(document__published=True)
            .filter(window_q(Document, prefix="document__"))
            .select_related("document")
        ),
        "news": list(NewsPost.objects.published().filter(campaign=campaign).select_related("network")[:6]),
        "themes": list(campaign.themes.all()),
        **signature_summary(campaign),
    }
    return render(request, "campaigns/campaign_detail.html", context, status=status)


def thanks(request, slug):
    campaign = _campaign(slug)
    return render(request, "campaigns/thanks.html", {"campaign": campaign, "network": campaign.network})


def _link_error(request, campaign, error):
    return render(
        request,
        "campaigns/link_error.html",
        {"campaign": campaign, "network": campaign.network, "message": error.message},
        status=400,
    )


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_signature(request, slug, token):
    """GET shows what the link confirms and one button; only the POST confirms (a mail scanner
    opening the link changes nothing). Confirming again is harmless: it stays confirmed once."""
    campaign = _campaign(slug)
    try:
        signature = signature_for_token(CONFIRM, token, campaign)
    except TokenError as error:
        return _link_error(request, campaign, error)
    context = {"campaign": campaign, "network": campaign.network, "signature": signature}
    if signature is None:
        return render(request, "campaigns/signature_gone.html", context, status=404)
    if not signature.is_confirmed and campaign.is_ended:
        return render(request, "campaigns/confirm_too_late.html", context, status=410)
    if request.method != "POST" and not signature.is_confirmed:
        return render(request, "campaigns/confirm.html", context)
    context["newly_confirmed"] = request.method == "POST" and confirm(signature)
    context["erase_url"] = links(request, signature)["erase_url"]
    return render(request, "campaigns/confirmed.html", context)


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def erase_signature(request, slug, token):
    """GET shows one button; POST erases the signature for good. The link never expires."""
    campaign = _campaign(slug)
    try:
        signature = signature_for_token(ERASE, token, campaign, max_age=0)
    except TokenError as error:
        return _link_error(request, campaign, error)
    context = {"campaign": campaign, "network": campaign.network, "signature": signature}
    if request.method == "POST":
        # Erasing twice is harmless: the second time there is simply nothing left.
        if signature is not None:
            signature.delete()
        return render(request, "campaigns/erased.html", context)
    if signature is None:
        return render(request, "campaigns/signature_gone.html", context, status=404)
    return render(request, "campaigns/erase.html", context)
