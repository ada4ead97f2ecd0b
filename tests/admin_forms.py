"""Read an admin form the way a browser would, so tests can post it back with changes."""

from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


class _FormFields(HTMLParser):
    def __init__(self, form_id, action=None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.action = action
        self.inside = False
        self.data = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = (
                attrs.get("id") == self.form_id if self.action is None else attrs.get("action") == self.action
            )
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.setdefault(attrs["name"], []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = attrs["name"]
            self.data.setdefault(self._select, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.data[self._textarea] = [""]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data.removeprefix("\n") if not self.data[self._textarea][0] else data


def admin_form_data(html, form_id=None, action=None):
    """The values a browser would submit from the form with `form_id` (or `action`); lists for multiple values."""
    parser = _FormFields(form_id, action)
    parser.feed(html)
    return {name: values if len(values) != 1 else values[0] for name, values in parser.data.items()}


def admin_url(app_label, model, action, obj=None):
    name = f"admin:{app_label}_{model}_{action}"
    return reverse(name, args=[obj.pk]) if obj is not None else reverse(name)


def admin_form(client, superuser, app_label, model, obj=None):
    """The admin form's current values (the add form without `obj`), read as the superuser sees them."""
    client.force_login(superuser)
    response = client.get(admin_url(app_label, model, "change" if obj else "add", obj))
    assert response.status_code == 200
    return admin_form_data(response.content.decode(), f"{model}_form")


ASSOCIATION_CSV_HEADER = "naam,slug,netwerk,gemeente,postcode,intro\n"


def post_association_import(client, csv):
    """Upload `csv` through the admin's association import: the preview page, or the form with its errors."""
    form = client.get("/beheer/associations/association/import/")
    assert form.status_code == 200
    html = form.content.decode()
    data = admin_form_data(html, action="/beheer/associations/association/import/")
    select = html[html.index('name="format"') : html.index("</select>", html.index('name="format"'))]
    csv_value = next(part.split('"')[1] for part in select.split("value=")[1:] if ">csv<" in part.lower())
    data.update({"format": csv_value, "import_file": SimpleUploadedFile("verenigingen.csv", csv.encode())})
    return client.post("/beheer/associations/association/import/", data)
