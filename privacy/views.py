"""The admin page that finds, exports and erases everything stored about email addresses (superusers only).

Addresses travel in POST bodies, never in URLs, so they end up in no access log or browser history.
"""

import io
import zipfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacy import registry
from privacy.forms import AddressesForm, AddressForm

STEPS = {"lookup", "export", "confirm", "erase"}


def can_use(user):
    """Personal data of every network: for superusers alone."""
    return user.is_active and user.is_superuser


def personal_data(request, admin_site):
    """The form for an address, then its summary, the JSON export, and erasure after a confirmation."""
    if not can_use(request.user):
        raise PermissionDenied
    if request.method not in {"GET", "HEAD", "POST"}:
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    step = request.POST.get("step") if request.method == "POST" else None
    if step is None:
        return _page(request, admin_site, AddressForm())
    if step not in STEPS:
        return _page(request, admin_site, AddressForm(), status=400)
    if step == "lookup":
        form = AddressForm(request.POST)
        if not form.is_valid():
            return _page(request, admin_site, form, status=400)
        return summary(request, admin_site, [form.cleaned_data["email"]])
    carried = AddressesForm(request.POST)
    if not carried.is_valid():
        return _page(request, admin_site, AddressForm(), status=400, errors=carried.errors["addresses"])
    addresses = carried.cleaned_data["addresses"]
    if step == "export":
        return export_download(addresses)
    if step == "confirm":
        return summary(request, admin_site, addresses, confirm=True)
    return erase(request, addresses)


def _page(request, admin_site, form, *, template="privacy/admin/personal_data.html", status=200, errors=(), **context):
    context = {
        **admin_site.each_context(request),
        "title": _("Personal data of an email address"),
        "form": form,
        "errors": errors,
        **context,
    }
    return TemplateResponse(request, template, context, status=status)


def summary(request, admin_site, addresses, *, confirm=False):
    """Per address, how many records of each kind are stored and what erasure does with them."""
    results = []
    for email in addresses:
        _subject, findings = registry.find(email)
        results.append(
            {
                "email": email,
                "findings": [finding for finding in findings if finding.records],
                "total": sum(finding.count for finding in findings),
                "refusals": registry.refusals(findings),
            }
        )
    return _page(
        request,
        admin_site,
        AddressForm(initial={"email": addresses[0]} if len(addresses) == 1 else None),
        template="privacy/admin/confirm_erase.html" if confirm else "privacy/admin/personal_data.html",
        **({"title": _("Erase everything about these addresses?")} if confirm else {}),
        results=results,
        addresses=addresses,
        kinds_checked=len(registry.kinds()),
        refused=any(result["refusals"] for result in results),
    )


def export_download(addresses):
    """One address: its JSON document. Several: a ZIP with one document per address, to send each person their own."""
    if len(addresses) == 1:
        response = HttpResponse(registry.export_json(addresses[0]), content_type="application/json; charset=utf-8")
        filename = "persoonsgegevens.json"
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for email in addresses:
                archive.writestr(f"{email}.json", registry.export_json(email))
        response = HttpResponse(buffer.getvalue(), content_type="application/zip")
        filename = "persoonsgegevens.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def erase(request, addresses):
    """Erase each address (each all or nothing), then say what happened, without the addresses."""
    done, refused = [], []
    for email in addresses:
        try:
            done.extend(registry.erase(email, actor=request.user))
        except registry.ErasureRefused as reason:
            refused.append(str(reason))
    erased = len(addresses) - len(refused)
    if erased:
        message = ngettext(
            "Everything about %(count)d address was erased: %(summary)s.",
            "Everything about %(count)d addresses was erased: %(summary)s.",
            erased,
        ) % {"count": erased, "summary": registry.summary_line(_merged(done))}
        messages.success(request, message)
    for reason in refused:
        messages.error(request, _("Nothing was erased for one address: %(reason)s") % {"reason": reason})
    return redirect("admin:privacy_personal_data")


def _merged(done):
    """[(kind, count)] with one line per kind, over several addresses, in erasure order."""
    counts = {}
    for kind, count in done:
        counts[kind] = counts.get(kind, 0) + count
    return sorted(counts.items(), key=lambda item: (item[0].order, item[0].key))
