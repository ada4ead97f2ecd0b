"""Associations to and from spreadsheets (django-import-export), for the admin and `import_associations`.

Columns carry Dutch headers because staff fill them in. Every row passes the model's
full_clean(); an import is all or nothing; an editor reaches only their own networks.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.encoding import force_str
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import fields, resources, widgets

from associations.models import Association, province_for_postcode
from core.csvexport import restore, safe_value
from core.richtext import sanitize
from network.models import Network, Theme
from network.permissions import can_edit_network, network_ids

TRUE_WORDS = {"1", "ja", "j", "yes", "y", "true", "waar", "x"}
FALSE_WORDS = {"0", "nee", "n", "no", "false", "onwaar"}


def _text(value):
    # A cell this site exported with a formula neutralised (core/csvexport.py) reads as it was typed.
    return "" if value is None else restore(force_str(value).strip())


def _is_blank(values):
    return all(_text(value) == "" for value in values)


class TextWidget(widgets.CharWidget):
    """Text without the spaces around it that spreadsheets keep when people type them."""

    def clean(self, value, row=None, **kwargs):
        return _text(value)


class LowercaseWidget(TextWidget):
    """A code such as a province: "Antwerpen" is read as "antwerpen"."""

    def clean(self, value, row=None, **kwargs):
        return _text(value).lower()


class URLWidget(TextWidget):
    # Editors type "www.example.org"; https is what every site here speaks (as in the admin).
    def clean(self, value, row=None, **kwargs):
        url = _text(value)
        return f"https://{url}" if url and "://" not in url else url


class RichTextWidget(TextWidget):
    # Sanitised as the model field would on save, so an unchanged row compares equal.
    def clean(self, value, row=None, **kwargs):
        return sanitize(_text(value))


class CoordinateWidget(widgets.DecimalWidget):
    """A latitude or longitude with a decimal point or comma (Belgian Excel writes 51,0543)."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value).replace(",", ".")
        if not text:
            return None
        try:
            # The model keeps six decimals; GPS tools give more.
            return Decimal(text).quantize(Decimal("0.000001"))
        except InvalidOperation:
            raise ValueError(_("Write a number with a decimal point, for example 51.0543.")) from None

    def render(self, value, obj=None, **kwargs):
        # Not number_format(): a Dutch locale would write a decimal comma.
        return "" if value is None else format(value, "f")


class YesNoWidget(widgets.BooleanWidget):
    """1/0, ja/nee, true/false (and Dutch Excel's WAAR/ONWAAR); empty keeps the current value."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        word = _text(value).lower()
        if not word:
            return None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(_("Write 1 or 0, ja or nee, or true or false."))


class DayWidget(widgets.DateWidget):
    """A date as YYYY-MM-DD, or DD/MM/YYYY as Belgian Excel writes it, or a spreadsheet date cell."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _text(value)
        if not text:
            return None
        for date_format in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.datetime.strptime(text, date_format).date()
            except ValueError:
                pass
        raise ValueError(_("Write a date as YYYY-MM-DD, for example 2024-09-01."))


class NetworkWidget(widgets.ForeignKeyWidget):
    """A network by its slug, each looked up once per import."""

    def __init__(self):
        super().__init__(Network, field="slug")
        self._networks = {}

    def clean(self, value, row=None, **kwargs):
        slug = _text(value)
        if not slug:
            return None
        if slug not in self._networks:
            self._networks[slug] = Network.objects.filter(slug=slug).first()
        if self._networks[slug] is None:
            raise ValueError(_("There is no network with slug “%(slug)s”.") % {"slug": slug})
        return self._networks[slug]


class ThemesWidget(widgets.ManyToManyWidget):
    """Theme slugs separated by ";"; an unknown slug is an error, not silently dropped."""

    def __init__(self):
        super().__init__(Theme, separator=";", field="slug")
        self._themes = None

    def clean(self, value, row=None, **kwargs):
        if self._themes is None:
            # A handful of themes, read once per import rather than three times per row.
            self._themes = {theme.slug: theme for theme in Theme.objects.all()}
        slugs = list(dict.fromkeys(slug for slug in (_text(part) for part in _text(value).split(";")) if slug))
        themes = [self._themes[slug] for slug in slugs if slug in self._themes]
        unknown = sorted(set(slugs) - set(self._themes))
        if unknown:
            names = ", ".join(f"“{slug}”" for slug in unknown)
            raise ValueError(
                ngettext(
                    "There is no theme with slug %(slugs)s.", "There are no themes with slugs %(slugs)s.", len(unknown)
                )
                % {"slugs": names}
            )
        return themes


class AssociationResource(resources.ModelResource):
    """One association per row, found by its slug. Give `user` to keep an editor to their networks."""

    name = fields.Field(attribute="name", column_name="naam", widget=TextWidget())
    slug = fields.Field(attribute="slug", column_name="slug", widget=TextWidget())
    network = fields.Field(attribute="network", column_name="netwerk", widget=NetworkWidget())
    municipality = fields.Field(attribute="municipality", column_name="gemeente", widget=TextWidget())
    postcode = fields.Field(attribute="postcode", column_name="postcode", widget=TextWidget())
    province = fields.Field(attribute="province", column_name="provincie", widget=LowercaseWidget())
    street_address = fields.Field(attribute="street_address", column_name="adres", widget=TextWidget())
    latitude = fields.Field(attribute="latitude", column_name="breedtegraad", widget=CoordinateWidget())
    longitude = fields.Field(attribute="longitude", column_name="lengtegraad", widget=CoordinateWidget())
    intro = fields.Field(attribute="intro", column_name="intro", widget=TextWidget())
    description = fields.Field(attribute="description", column_name="beschrijving", widget=RichTextWidget())
    contact_person = fields.Field(attribute="contact_person", column_name="contactpersoon", widget=TextWidget())
    phone = fields.Field(attribute="phone", column_name="telefoon", widget=TextWidget())
    email = fields.Field(attribute="email", column_name="email", widget=TextWidget())
    website = fields.Field(attribute="website", column_name="website", widget=URLWidget())
    facebook_url = fields.Field(attribute="facebook_url", column_name="facebook", widget=URLWidget())
    instagram_url = fields.Field(attribute="instagram_url", column_name="instagram", widget=URLWidget())
    themes = fields.Field(attribute="themes", column_name="themas", widget=ThemesWidget())
    # An empty cell keeps the current value (a new association is active).
    is_active = fields.Field(
        attribute="is_active", column_name="actief", widget=YesNoWidget(), saves_null_values=False
    )
    member_since = fields.Field(attribute="member_since", column_name="lid_sinds", widget=DayWidget())

    class Meta:
        model = Association
        fields = (
            "name",
            "slug",
            "network",
            "municipality",
            "postcode",
            "province",
            "street_address",
            "latitude",
            "longitude",
            "intro",
            "description",
            "contact_person",
            "phone",
            "email",
            "website",
            "facebook_url",
            "instagram_url",
            "themes",
            "is_active",
            "member_since",
        )
        import_order = fields
        export_order = fields
        import_id_fields = ["slug"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self._taken_slugs = set()

    def get_queryset(self):
        return Association.objects.select_related("network").prefetch_related("themes")

    def export_resource(self, instance, selected_fields=None, **kwargs):
        """One row, its text safe for spreadsheets in every format (core/csvexport.py), XLSX included:
        text there is a string cell, never a formula."""
        return [safe_value(value) for value in super().export_resource(instance, selected_fields, **kwargs)]

    def filter_export(self, queryset, **kwargs):
        """A non-superuser exports only the associations of their own networks."""
        if self.user is None or (self.user.is_superuser and self.user.is_active):
            return queryset
        if not self.user.is_active:
            return queryset.none()
        return queryset.filter(network_id__in=network_ids(self.user))

    def before_import(self, dataset, **kwargs):
        """Tidy what spreadsheets leave behind: header case and spaces, trailing empty rows, no slug column."""
        # The admin passes the request's user to import_data(); scope by it even if not given to the resource.
        if self.user is None:
            self.user = kwargs.get("user")
        self._taken_slugs = set()
        if not dataset.headers:
            return
        dataset.headers = [_text(header).lower() for header in dataset.headers]
        while len(dataset) and _is_blank(dataset[-1]):
            del dataset[-1]
        if "slug" not in dataset.headers:
            dataset.append_col([""] * len(dataset), header="slug")
        # Slugs given in the file are never handed out to rows without one.
        self._taken_slugs = {slug for slug in (_text(value) for value in dataset["slug"]) if slug}

    def before_import_row(self, row, **kwargs):
        if _is_blank(row.values()):
            raise ValidationError(_("This row is empty: fill it in or delete it."))
        row["slug"] = _text(row.get("slug")) or self._slug_for(row)

    def _slug_for(self, row):
        """A free slug from the name; the association of the same name and network keeps its own.

        So a file without slugs can be imported again without creating every association twice.
        """
        name, network_slug = _text(row.get("naam")), _text(row.get("netwerk"))
        base = slugify(name)[:150].strip("-")
        if not base:
            return ""
        number = 1
        while True:
            candidate = base if number == 1 else f"{base}-{number}"
            number += 1
            if candidate in self._taken_slugs:
                continue
            existing = Association.objects.filter(slug=candidate).values_list("name", "network__slug").first()
            if existing is None or existing == (name, network_slug):
                self._taken_slugs.add(candidate)
                return candidate

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if progress := kwargs.get("progress"):
            progress()
        return row_result

    def import_instance(self, instance, row, **kwargs):
        """Set the row's values, and add what the widgets and the model cannot know: themes, scope, province."""
        original_network_id = instance.network_id if instance.pk else None
        original_coordinates = (instance.latitude, instance.longitude)
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if (instance.latitude, instance.longitude) != original_coordinates:
            instance.note_given_coordinates()

        # Themes are only set after saving; check them now so a bad slug is a row error like any other.
        themes = self.fields["themes"]
        if themes.column_name in row:
            try:
                themes.clean(row)
            except ValueError as error:
                errors.setdefault("themes", []).append(ValidationError(str(error), code="invalid"))

        if self.user is not None:
            if original_network_id is not None and not can_edit_network(self.user, original_network_id):
                message = _("An association of another network already has this slug.")
                errors.setdefault("slug", []).append(ValidationError(message, code="forbidden"))
            if instance.network_id is not None and not can_edit_network(self.user, instance.network_id):
                message = _("You may only import associations of your own networks.")
                errors.setdefault("network", []).append(ValidationError(message, code="forbidden"))

        # As clean() and save() would; done here too so an unchanged row is recognised as such.
        if not instance.province:
            instance.province = province_for_postcode(instance.postcode) or ""
        instance.place_on_map()

        if errors:
            raise ValidationError(errors)


def import_associations(dataset, *, user=None, dry_run, progress=None):
    """Import associations from a tablib Dataset, all or nothing; returns the import-export Result.

    Every row is checked first in a transaction that is rolled back; only when no row has
    an error is the file imported for real. `user` keeps the import to that user's networks
    (None: no limit, for the command line). `progress` is called once per row checked.
    """
    result = AssociationResource(user=user).import_data(
        dataset, dry_run=True, use_transactions=True, progress=progress
    )
    if dry_run or result.has_errors() or result.has_validation_errors():
        return result
    # Rolled back as a whole should anything have changed since the check.
    return AssociationResource(user=user).import_data(
        dataset, dry_run=False, use_transactions=True, rollback_on_validation_errors=True
    )


def error_lines(result):
    """Every error of a Result as a line like "row 3, postcode: …"; row 1 is the header row."""
    columns = {field.attribute: field.column_name for field in AssociationResource().fields.values()}
    order = {attribute: position for position, attribute in enumerate(columns)}
    lines = [_("file: %(message)s") % {"message": error.error} for error in result.base_errors]
    found = []
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            for message in messages:
                found.append((invalid.number, order.get(key, len(order)), columns.get(key), message))
    for error_row in result.error_rows:
        for error in error_row.errors:
            found.append((error_row.number, len(order), None, str(error.error)))
    for number, _position, column, message in sorted(found, key=lambda item: item[:2]):
        # Spreadsheets show the header as row 1, so data row n is row n + 1 there.
        if column and column != NON_FIELD_ERRORS:
            lines.append(
                _("row %(row)d, %(column)s: %(message)s") % {"row": number + 1, "column": column, "message": message}
            )
        else:
            lines.append(_("row %(row)d: %(message)s") % {"row": number + 1, "message": message})
    return lines


def summary_line(result):
    """ "2 new, 1 updated, 5 unchanged" for a Result."""
    totals = result.totals
    return _("%(new)d new, %(updated)d updated, %(unchanged)d unchanged") % {
        "new": totals["new"],
        "updated": totals["update"],
        "unchanged": totals["skip"],
    }
