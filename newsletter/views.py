"""The newsletter's public pages: sign-up, confirmation, leaving, preferences and the archive; a
preview for staff; the health of the background worker that sends the issues, for monitoring."""

import logging
from functools import wraps

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from core.forms import PublicPost, check_public_post
from core.listing import paginate
from core.mail import MailNotSent
from core.pagecache import token_page
from core.sites import site_network
from core.tokens import TokenError
from network.models import Network
from network.permissions import can_preview
from newsletter import numbers, subscribing, worker
from newsletter.forms import PreferencesForm, SubscribeForm
from newsletter.models import CONSENT_TEXT, Issue, MailingList, Subscription
from newsletter.sending import issue_content
from newsletter.subscribing import PREFERENCES, preferences_url

logger = logging.getLogger(__name__)

# Issues per network on /nieuwsbrief/archief/; the network's own archive page has them all.
ARCHIVE_LATEST = 5
PER_PAGE = 20


def _open_lists():
    return MailingList.objects.filter(is_open=True).select_related("network")


def _preselected(request, lists):
    """The list to tick beforehand: the first of the network named by ?netwerk=, else of the site's network."""
    slug = request.GET.get("netwerk", "")
    network = site_network(request)
    network_id = next((item.network_id for item in lists if item.network.slug == slug), network and network.pk)
    return [item.pk for item in lists if item.network_id == network_id][:1]


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """The full form; the footer's GET form leads here with the address filled in."""
    lists = _open_lists()
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST, lists=lists)
        outcome = check_public_post(request, form, scope="subscription")
        if outcome is PublicPost.INVALID:
            status = 400
        elif outcome is PublicPost.BOT:
            return redirect("newsletter:thanks")
        elif outcome is PublicPost.LIMITED:
            form.add_error(None, _("Too many sign-ups from here in a short time. Please try again in an hour."))
            status = 429
        else:
            data = form.cleaned_data
            subscriber, to_confirm = subscribing.record_subscription(
                email=data["email"], name=data["name"], lists=list(data["lists"])
            )
            try:
                subscribing.send_subscription_mail(request, subscriber, to_confirm)
            except MailNotSent:
                form.add_error(
                    None, _("We could not send you the confirmation mail just now. Please try again later.")
                )
                status = 503
            else:
                return redirect("newsletter:thanks")
    else:
        cached = list(lists)
        initial = {"email": request.GET.get("email", "").strip()[:254], "lists": _preselected(request, cached)}
        form = SubscribeForm(initial=initial, lists=lists)
    return render(request, "newsletter/subscribe.html", {"form": form, "consent_text": CONSENT_TEXT}, status=status)


@require_safe
def thanks(request):
    return render(request, "newsletter/thanks.html")


def _link_error(request, error):
    return render(request, "newsletter/link_error.html", {"message": error.message}, status=400)


def _gone(request):
    return render(request, "newsletter/gone.html", status=404)


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_subscription(request, token):
    """GET names the lists the link confirms, with one button; only the POST confirms them (a mail
    scanner opening the link changes nothing). Confirming again is harmless: it stays confirmed once."""
    try:
        subscriber, list_ids = subscribing.confirmation_for_token(token)
    except TokenError as error:
        return _link_error(request, error)
    if subscriber is None:
        return _gone(request)
    if request.method != "POST":
        to_confirm = subscribing.pending_lists(subscriber, list_ids)
        if to_confirm:
            return render(request, "newsletter/confirm.html", {"lists": to_confirm})
        newly_confirmed = []
    else:
        newly_confirmed = subscribing.confirm(subscriber, list_ids)
    subscriptions = list(
        Subscription.objects.confirmed().filter(subscriber=subscriber).select_related("mailing_list__network")
    )
    context = {
        "newly_confirmed": newly_confirmed,
        "subscriptions": subscriptions,
        "preferences_url": preferences_url(subscriber, request),
    }
    return render(request, "newsletter/confirmed.html", context)


# The one-click POST of RFC 8058 comes from a mail provider, without a cookie or CSRF token; the link is the secret.
@csrf_exempt
@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET shows one button; any POST (also the empty one-click POST of RFC 8058) leaves the list. Never expires."""
    try:
        subscription = subscribing.subscription_for_unsubscribe_token(token)
    except TokenError as error:
        return _link_error(request, error)
    if request.method == "POST":
        # Leaving twice is harmless; after an erasure there is simply nothing left to leave.
        if subscription is not None:
            subscribing.unsubscribe(subscription)
        context = {
            "subscription": subscription,
            "preferences_url": preferences_url(subscription.subscriber, request) if subscription else "",
        }
        return render(request, "newsletter/unsubscribed.html", context)
    if subscription is None:
        return _gone(request)
    return render(request, "newsletter/unsubscribe.html", {"subscription": subscription})


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request, token):
    """Change lists and name, leave every list, or erase everything. The link never expires."""
    try:
        subscriber = subscribing.subscriber_for_token(PREFERENCES, token, max_age=0)
    except TokenError as error:
        return _link_error(request, error)
    if subscriber is None:
        return _gone(request)
    lists = (
        MailingList.objects.filter(Q(is_open=True) | Q(subscriptions__subscriber=subscriber))
        .distinct()
        .select_related("network")
    )
    status, saved = 200, ""
    form = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "erase":
            subscribing.erase(subscriber)
            return render(request, "newsletter/erased.html")
        if action == "leave":
            subscribing.leave_all(subscriber)
            saved = _("You no longer receive any newsletter from us.")
        else:
            form = PreferencesForm(request.POST, lists=lists)
            if form.is_valid():
                subscribing.update_preferences(
                    subscriber, lists=list(form.cleaned_data["lists"]), name=form.cleaned_data["name"]
                )
                saved = _("Your choices are saved.")
                form = None
            else:
                status = 400
    if form is None:
        current = list(subscriber.subscriptions.confirmed().values_list("mailing_list_id", flat=True))
        form = PreferencesForm(initial={"name": subscriber.name, "lists": current}, lists=lists)
    context = {"subscriber": subscriber, "form": form, "saved": saved, "consent_text": CONSENT_TEXT}
    return render(request, "newsletter/preferences.html", context, status=status)


@require_safe
def archive(request):
    """The latest sent issues of every network (one query, whatever the number of issues)."""
    latest = (
        Issue.objects.archived()
        .select_related("mailing_list__network")
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("mailing_list__network_id"), order_by=[F("sent_at").desc(), F("pk").desc()]
            )
        )
        .filter(rank__lte=ARCHIVE_LATEST)
        .order_by("mailing_list__network__position", "mailing_list__network__name", "-sent_at", "-pk")
    )
    groups = {}
    for issue in latest:
        groups.setdefault(issue.mailing_list.network, []).append(issue)
    return render(request, "newsletter/archive.html", {"groups": list(groups.items())})


@require_safe
def network_archive(request, network_slug):
    network = get_object_or_404(Network, slug=network_slug)
    issues = Issue.objects.archived().filter(mailing_list__network=network).select_related("mailing_list")
    page = paginate(request, issues, PER_PAGE)
    return render(request, "newsletter/network_archive.html", {"network": network, "page": page})


# Never stored by the page cache (nor a CDN), so that every load is counted (newsletter/numbers.py):
# the issue's numbers page says so. The count is one UPDATE, which makes no page stale.
@never_cache
@require_safe
def issue_detail(request, network_slug, pk):
    issue = get_object_or_404(
        Issue.objects.archived().select_related("mailing_list__network"),
        pk=pk,
        mailing_list__network__slug=network_slug,
    )
    if request.method == "GET":
        numbers.count_view(issue)
    return render_issue(request, issue)


def render_issue(request, issue, preview=None):
    """An issue's web version; `preview` (core/previews.py) marks it as a preview (and counts no view)."""
    return render(request, "newsletter/issue_detail.html", {**issue_content(issue), "preview": preview})


@never_cache
@staff_member_required
def preview(request, pk):
    """Staff see an issue as the mail will look (HTML, or plain text with ?tekst=1), if it is of their network."""
    issue = get_object_or_404(Issue.objects.select_related("mailing_list__network"), pk=pk)
    if not can_preview(request.user, issue):
        raise PermissionDenied
    context = {**issue_content(issue), "subject": issue.subject, "unsubscribe_url": "#", "preferences_url": "#"}
    if request.GET.get("tekst"):
        response = HttpResponse(
            render_to_string("newsletter/mail/issue.txt", context), content_type="text/plain; charset=utf-8"
        )
    else:
        response = HttpResponse(render_to_string("newsletter/mail/issue.html", context, request=request))
    response["X-Robots-Tag"] = "noindex"
    return response


def webhook_secret_required(view):
    """A mail provider's webhook (newsletter/urls.py) answers 404 while WEBHOOK_SECRET is not set: anymail
    alone would then only warn, and anyone could report a bounce that suspends a subscriber."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


@never_cache
@require_safe
def healthz_worker(request):
    """For monitoring, not for the load balancer: 200 while a background worker shows life, 503
    when none did for WORKER_MAX_WAIT_SECONDS or a task waits that long (newsletter/worker.py).
    The body is the short reason only."""
    try:
        problem = worker.worker_problem()
    except DatabaseError as error:
        logger.warning("Worker health check failed: %s", error)
        return HttpResponse("database unreachable\n", status=503, content_type="text/plain")
    if problem:
        return HttpResponse(f"{problem}\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
