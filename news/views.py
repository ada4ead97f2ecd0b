"""The news: a filtered list, one post with its neighbours (also as a preview, news/previews.py)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from core import sites
from core.listing import paginate, script_json
from core.sites import list_query
from network.sharing import staff_preview
from news.forms import NewsFilterForm
from news.models import NewsPost

PER_PAGE = 10


def _public_posts():
    return NewsPost.objects.published().cards()


@require_safe
def news_list(request):
    """Public news of every network, newest first, filtered by network, theme and year."""
    form = NewsFilterForm(list_query(request), request=request, years=list(NewsPost.objects.public_years()))
    posts, status = form.apply(_public_posts())
    return render(
        request, "news/news_list.html", {"form": form, "page": paginate(request, posts, PER_PAGE)}, status=status
    )


def _shown_relations(post, *, public):
    """The themes, links, attachments and associations the page lists.

    A post from `with_page_relations()` says which relations it has rows in (`has_themes` ...):
    a query only for those (most posts have no links, attachments or associations). A preview's
    post comes with all four prefetched (news/previews.py), its draft attachments included."""

    def rows(name, queryset):
        return list(queryset) if getattr(post, f"has_{name}", True) else []

    return {
        "themes": rows("themes", post.themes.all()),
        "links": rows("links", post.links.all()),
        "attachments": rows("attachments", post.attachments.published() if public else post.attachments.all()),
        "associations": rows("associations", post.associations.all()),
    }


def render_post(request, post, preview=None):
    """A post's page; `preview` (core/previews.py) marks it as a preview."""
    sites.canonical(request, post.network, path=post.get_absolute_url())
    relations = _shown_relations(post, public=preview is None)
    public = NewsPost.objects.published()
    # A semi-join on the themes instead of DISTINCT over whole rows (6 ms on 10,000 posts).
    on_its_themes = NewsPost.themes.through.objects.filter(theme__in=relations["themes"]).values("newspost_id")
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
        **relations,
        "network": post.network,
        "related": related,
        "newer": newer,
        "older": older,
        "absolute_url": absolute,
        "structured_data": script_json(structured),
        "preview": preview,
    }
    return render(request, "news/news_detail.html", context)


@require_safe
def news_detail(request, year, slug):
    """A public post; drafts and scheduled posts are not found, and the year must match."""
    post = get_object_or_404(NewsPost.objects.published().select_related("network").with_page_relations(), slug=slug)
    if timezone.localtime(post.publish_at).year != year:
        raise Http404
    return render_post(request, post)


def news_preview(request, pk):
    """The admin's "view on site" of a post: the staff preview every kind of content shares."""
    return staff_preview(request, "news.newspost", pk)
