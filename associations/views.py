"""What visitors see of the member associations: the directory, profiles, stories and open data."""

import re

from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from associations import cards, hours, opendata, svgmap
from associations.forms import DirectoryFilterForm
from associations.models import Association, Province, Story
from associations.places import Place, distance_km
from core import sites
from core.csvexport import write_csv
from core.listing import PAGE_PARAMETER, paginate, script_json
from core.opendata import LICENCE, load_schema, open_data, schema_fields, schema_response
from core.sites import list_query
from news.models import NewsPost

# What the map and its list show of an association: the rest (descriptions) would only weigh.
MAP_FIELDS = ["name", "slug", "municipality", "province", "latitude", "longitude", "is_example"]


def phone_href(phone):
    """A tel: link for a phone number as people write it: "03 889 12 34" -> "tel:038891234"."""
    digits = re.sub(r"\D", "", phone)
    return f"tel:{'+' if phone.strip().startswith('+') else ''}{digits}" if digits else ""


def organization_json_ld(request, association):
    """The association as a schema.org Organization, for search engines."""
    address = {
        "@type": "PostalAddress",
        "postalCode": association.postcode,
        "addressLocality": association.municipality,
        "addressCountry": "BE",
    }
    if association.street_address:
        address["streetAddress"] = association.street_address
    if association.province:
        address["addressRegion"] = str(association.province_label)
    data = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": association.name,
        "url": request.build_absolute_uri(association.get_absolute_url()),
        "description": association.intro,
        "address": address,
        "memberOf": {
            "@type": "Organization",
            "name": association.network.name,
            "url": request.build_absolute_uri(association.network.get_absolute_url()),
        },
    }
    if association.email:
        data["email"] = association.email
    if association.phone:
        data["telephone"] = association.phone
    if association.latitude is not None and association.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(association.latitude),
            "longitude": float(association.longitude),
        }
    own_place = {"@type": "Place", "name": association.name, "address": address}
    if locations := hours.json_ld_places(association, timezone.localdate(), own_place):
        data["location"] = locations
    same_as = [url for url in [association.website, *(url for _label, url in association.social_links)] if url]
    if same_as:
        data["sameAs"] = same_as
    return data


def distance_text(kilometres):
    """ "3 km": whole kilometres, as a postcode's centre is no more precise a starting point."""
    if kilometres < 1:
        return _("less than 1 km")
    return _("%(distance)s km") % {"distance": number_format(round(kilometres))}


@require_safe
def association_list(request):
    """The directory of active associations, filtered by province, place, network, theme and search words;
    with `waar`, the nearest first and each one's distance."""
    form = DirectoryFilterForm(list_query(request), request=request)
    associations = Association.objects.active().order_by("name", "pk")
    if form.is_bound and not form.is_valid():
        return render(request, "associations/association_list.html", {"form": form, "page": None}, status=400)
    if form.is_bound:
        associations = form.filter(associations)
    page = cards.page_of_cards(request, associations)
    hours.show_today(page.object_list)
    if form.is_bound and form.place:
        for card in page.object_list:
            if card.latitude is not None and card.longitude is not None:
                point = Place("", float(card.latitude), float(card.longitude))
                card.distance = distance_text(distance_km(form.place, point))
    context = {
        "form": form,
        "page": page,
        "cards": cards.render_cards(page.object_list),
        "map_url": same_filters_url(request, "associations:map"),
    }
    return render(request, "associations/association_list.html", context)


def same_filters_url(request, name):
    """The other view of the directory (map or list) with the same filters, so they are one link apart."""
    query = request.GET.copy()
    query.pop(PAGE_PARAMETER, None)
    return f"{reverse(name)}?{query.urlencode()}" if query else reverse(name)


def by_province(associations):
    """[(province label, associations)] in the order of the provinces' choices, each by name."""
    order = {value: position for position, value in enumerate(Province.values)}
    groups = {}
    for association in sorted(associations, key=lambda a: (order.get(a.province, len(order)), a.name, a.pk)):
        label = association.province_label if association.province else _("Elsewhere")
        groups.setdefault(label, []).append(association)
    return list(groups.items())


def map_drawing(associations, place=None):
    """What the template needs to draw the map: the pins of those with coordinates, a cross on `place`
    if it lies on the drawing."""
    pins = svgmap.pins([a for a in associations if a.latitude is not None and a.longitude is not None])
    points = [(float(pin.x), float(pin.y)) for pin in pins]
    drawing = {"map": svgmap.drawing(), "pins": pins, "pin_radius": f"{svgmap.PIN_RADIUS:g}"}
    x, y = svgmap.project(place.latitude, place.longitude) if place else (-1, -1)
    if svgmap.on_drawing(x, y):  # a place in Wallonia would only stretch the map
        drawing["place_mark"] = {"label": place.label, "x": f"{x:.1f}", "y": f"{y:.1f}"}
        points.append((x, y))
    return drawing | {"view_box": svgmap.view_box(points)}


@require_safe
def association_map(request):
    """The active associations on a drawn map of Flanders and Brussels, a pin (a link) each, with the same
    associations listed by province as its text alternative; the directory's filters apply.

    The pins come in the order of the list, so the keyboard meets them in that order.
    """
    form = DirectoryFilterForm(list_query(request), request=request)
    context = {"form": form, "list_url": same_filters_url(request, "associations:list")}
    if form.is_bound and not form.is_valid():
        return render(request, "associations/association_map.html", context, status=400)
    associations = Association.objects.active().only(*MAP_FIELDS)
    if form.is_bound:
        associations = form.filter(associations)
    groups = by_province(associations)
    listed = [association for _label, members in groups for association in members]
    for association in listed:
        association.url = association.get_absolute_url()
    context |= {"groups": groups, "count": len(listed), **map_drawing(listed, form.place)}
    context["has_examples"] = any(association.is_example for association in listed)
    return render(request, "associations/association_map.html", context)


@require_safe
def association_detail(request, slug):
    """An active association's profile: opening hours, activities, contact, address, photos, themes, stories
    and news."""
    association = get_object_or_404(profile_associations(Association.objects.active()), slug=slug)
    return render_association(request, association)


def profile_associations(queryset=None):
    """Associations with everything their profile shows."""
    queryset = Association.objects.all() if queryset is None else queryset
    return queryset.select_related("network").prefetch_related(
        "opening_hours",
        hours.upcoming_closures(timezone.localdate()),
        "activities",
        "photos",
        "themes",
        Prefetch("stories", queryset=Story.objects.published(), to_attr="published_stories"),
    )


def render_association(request, association, preview=None):
    """An association's profile; `preview` (core/previews.py) marks it as a preview."""
    now = timezone.localtime()
    # What the profile lists of a post: its title and address (year and slug); not its network's whole row.
    news = NewsPost.objects.published().filter(associations=association).only("title", "slug", "publish_at")[:5]
    sites.canonical(request, association.network)
    return render(
        request,
        "associations/association_detail.html",
        {
            "association": association,
            "news": news,
            "phone_href": phone_href(association.phone),
            "open_today": hours.today_text(association, now),
            "week": hours.week(association),
            "closures": hours.closures_text(association),
            "json_ld": script_json(organization_json_ld(request, association)),
            "preview": preview,
        },
    )


@require_safe
def story_list(request):
    """Associations in the spotlight: the published stories, newest first."""
    stories = Story.objects.published().select_related("association").order_by("-date", "title", "pk")
    return render(request, "associations/story_list.html", {"page": paginate(request, stories)})


@require_safe
def story_detail(request, slug):
    """One published story of an association, in the words of its members."""
    story = get_object_or_404(Story.objects.published().select_related("association__network"), slug=slug)
    return render_story(request, story)


def render_story(request, story, preview=None):
    """A story's page; `preview` (core/previews.py) marks it as a preview."""
    sites.canonical(request, story.association.network)
    return render(request, "associations/story_detail.html", {"story": story, "preview": preview})


@open_data("associations:open_data_schema")
def open_data_json(request):
    """The active associations as JSON (associations/schemas/open-data.schema.json)."""
    rows = opendata.rows(request, timezone.localdate())
    document = {
        "licence": LICENCE,
        "schema": request.build_absolute_uri(reverse("associations:open_data_schema")),
        "count": len(rows),
        "associations": rows,
    }
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


@open_data("associations:open_data_schema")
def open_data_csv(request):
    """The active associations as CSV, one row each (core/csvexport.py: byte order mark, formulas neutralised)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verenigingen.csv"'
    rows = opendata.rows(request, timezone.localdate())
    return write_csv(response, opendata.FIELDS, (opendata.csv_row(row) for row in rows))


@open_data()
def open_data_schema(request):
    """The JSON Schema of the open data, at a fixed address."""
    return schema_response(opendata.SCHEMA_FILE)


@require_safe
def open_data_page(request):
    """What the open data holds, field by field, its licence and where to fetch it."""
    schema = load_schema(opendata.SCHEMA_FILE)
    context = {
        "licence": LICENCE,
        "schema": schema,
        "file_fields": schema_fields(schema),
        "fields": schema_fields(schema, "associations"),
    }
    return render(request, "associations/open_data.html", context)
