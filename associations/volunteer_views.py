""" "Mijn vereniging": a volunteer's own page (signed in by a mailed code) and the yearly "klopt dit nog?" link."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from associations import checkup
from associations.forms import PhotoRemovalForm, VolunteerPhotoForm, VolunteerProfileForm, volunteer_formsets
from associations.models import HeldChange, HeldPhoto
from associations.volunteers import (
    FIELDS,
    changed_parts,
    description_html,
    description_text,
    profile_data,
    submit_change,
    volunteered_associations,
)
from core.pagecache import token_page
from core.tokens import TokenError


def _sign_in_first(request):
    return redirect(reverse("account_request_login_code") + "?" + urlencode({"next": request.get_full_path()}))


@never_cache
@require_http_methods(["GET", "HEAD"])
def home(request):
    """The associations a volunteer keeps, with what waits for review; one association opens at once."""
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    associations = list(volunteered_associations(request.user).order_by("name"))
    if len(associations) == 1:
        return redirect("volunteers:edit", slug=associations[0].slug)
    pending = set(
        HeldChange.objects.pending().filter(association__in=associations).values_list("association_id", flat=True)
    )
    return render(request, "associations/volunteer_home.html", {"associations": associations, "pending": pending})


def _profile_forms(request, association, initial):
    data = request.POST if request.method == "POST" else None
    fields = dict(initial["fields"], description=description_text(initial["fields"]["description"]))
    return VolunteerProfileForm(data, initial=fields), volunteer_formsets(data, initial=initial)


def _proposal(association, live, form, formsets):
    """The cleaned forms as a proposal; an untouched description keeps its live markup."""
    fields = {name: form.cleaned_data[name] for name in FIELDS}
    if form.cleaned_data["description"] == description_text(live["fields"]["description"]):
        fields["description"] = live["fields"]["description"]
    else:
        fields["description"] = description_html(form.cleaned_data["description"])

    def rows(formset, convert):
        kept = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        return [convert(row) for row in kept]

    return {
        "fields": fields,
        "opening_hours": sorted(
            rows(
                formsets["opening_hours"],
                lambda row: {
                    "weekday": row["weekday"],
                    "opens": row["opens"].isoformat(timespec="minutes"),
                    "closes": row["closes"].isoformat(timespec="minutes"),
                    "what": row["what"],
                    "place": row["place"],
                },
            ),
            key=lambda row: (row["weekday"], row["opens"]),
        ),
        "closures": sorted(
            rows(
                formsets["closures"],
                lambda row: {
                    "starts_on": row["starts_on"].isoformat(),
                    "ends_on": row["ends_on"].isoformat(),
                    "reason": row["reason"],
                },
            ),
            key=lambda row: row["starts_on"],
        ),
        "activities": rows(formsets["activities"], lambda row: {key: row[key] for key in ("what", "when", "where")}),
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, slug):
    """Propose changes to one's association: what is live, what waits, and the form starting from what waits."""
    if not request.user.is_authenticated:
        return _sign_in_first(request)
    association = get_object_or_404(
        volunteered_associations(request.user).prefetch_related("opening_hours", "closures", "activities", "photos"),
        slug=slug,
    )
    pending = HeldChange.objects.pending().filter(association=association).first()
    # The reason of a returned change shows until the next proposal or decision.
    latest = (
        HeldChange.objects.filter(association=association)
        .exclude(status=HeldChange.Status.PENDING)
        .order_by("-reviewed_at", "-pk")
        .first()
    )
    returned = latest if latest and latest.status == HeldChange.Status.RETURNED else None
    if returned and pending and pending.submitted_at > returned.reviewed_at:
        returned = None
    live = profile_data(association)
    basis = pending.proposed if pending else live
    form, formsets = _profile_forms(request, association, basis)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    photo_form = VolunteerPhotoForm(data, files, prefix="foto")
    removal = PhotoRemovalForm(
        data, photos=association.photos.all(), prefix="fotos", initial={"remove": basis.get("photos_removed", [])}
    )
    held_photos = HeldPhoto.objects.filter(association=association, pk__in=basis.get("photos_added", []))
    status = 200
    if request.method == "POST":
        forms_valid = [form.is_valid(), photo_form.is_valid(), removal.is_valid()]
        if all(forms_valid) and all(formset.is_valid() for formset in formsets.values()):
            proposal = _proposal(association, live, form, formsets)
            proposal["photos_removed"] = sorted(removal.cleaned_data["remove"])
            proposal["photos_added"] = [photo.pk for photo in held_photos]
            if photo_form.has_photo():
                photo_form.instance.association = association
                proposal["photos_added"].append(photo_form.save().pk)
            if proposal == live:
                messages.info(request, _("Nothing changed compared with your page as it is online."))
            else:
                submit_change(association=association, user=request.user, proposed=proposal, request=request)
                messages.success(
                    request,
                    _("Thank you. Your changes wait for an editor of %(network)s; you get a mail once they are live.")
                    % {"network": association.network.name},
                )
            return redirect("volunteers:edit", slug=association.slug)
        status = 400
    context = {
        "association": association,
        "form": form,
        "formsets": formsets,
        "photo_form": photo_form,
        "removal": removal,
        "held_photos": held_photos,
        "pending": pending,
        "pending_parts": changed_parts(association, pending.proposed) if pending else [],
        "returned": returned,
        "has_errors": status == 400,
    }
    return render(request, "associations/volunteer_edit.html", context, status=status)


@token_page
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def check_confirm(request, token):
    """The "ja" of the yearly "klopt dit nog?" mail: a page with one button; pressing it notes today's date."""
    try:
        association = checkup.association_for_token(token)
    except TokenError as error:
        return render(request, "associations/check_confirm.html", {"error": error.message}, status=400)
    except Http404:
        return render(
            request,
            "associations/check_confirm.html",
            {"error": _("This association is no longer listed.")},
            status=404,
        )
    if request.method == "POST":
        checkup.confirm(association)
        return redirect(reverse("volunteers:check", kwargs={"token": token}) + "?bevestigd=1")
    return render(
        request,
        "associations/check_confirm.html",
        {"association": association, "just_confirmed": "bevestigd" in request.GET},
    )
