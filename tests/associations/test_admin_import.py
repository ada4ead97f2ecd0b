"""Import through the admin: a bad row among good ones saves nothing, and the page names it."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from associations.models import Association
from network.models import Network, NetworkMembership
from network.permissions import Role
from tests.admin_forms import admin_form_data
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db

HEADER = "naam,slug,netwerk,gemeente,postcode,intro\n"


@pytest.fixture
def editor(client):
    own = Network.objects.create(name="Eigen", short_name="E", slug="eigen", region="vlaanderen", mission="<p>x</p>")
    Network.objects.create(name="Ander", short_name="A", slug="ander", region="limburg", mission="<p>x</p>")
    user = with_mfa(User.objects.create_user("redacteur", "r@example.org", "x", is_staff=True))
    user.groups.add(Group.objects.get(name=Role.NETWORK_EDITOR))
    NetworkMembership.objects.create(user=user, network=own)
    client.force_login(user)
    return user


def post_import(client, csv):
    form = client.get("/beheer/associations/association/import/")
    assert form.status_code == 200
    html = form.content.decode()
    data = admin_form_data(html, action="/beheer/associations/association/import/")
    select = html[html.index('name="format"') : html.index("</select>", html.index('name="format"'))]
    csv_value = next(part.split('"')[1] for part in select.split("value=")[1:] if ">csv<" in part.lower())
    data.update({"format": csv_value, "import_file": SimpleUploadedFile("verenigingen.csv", csv.encode())})
    return client.post("/beheer/associations/association/import/", data)


def test_one_bad_row_saves_nothing_and_is_named(client, editor):
    csv = (
        HEADER
        + "Goed Een,goed-een,eigen,Puurs,2870,Intro\n"
        + "Fout,fout,eigen,Gent,90000,Intro\n"
        + "Goed Twee,,eigen,Gent,9000,Intro\n"
    )
    response = post_import(client, csv)
    html = response.content.decode()
    assert response.status_code == 200
    assert "90000" in html and "vier cijfers" in html
    assert 'name="confirm"' not in html and "process_import" not in html
    assert Association.objects.count() == 0


def test_row_for_another_network_is_refused_for_an_editor(client, editor):
    response = post_import(client, HEADER + "Vreemd,vreemd,ander,Genk,3600,Intro\n")
    assert "eigen netwerken" in response.content.decode()
    assert Association.objects.count() == 0


def test_good_file_previews_then_imports_on_confirm(client, editor):
    response = post_import(client, HEADER + "Goed Een,goed-een,eigen,Puurs,2870,Intro\n")
    html = response.content.decode()
    assert "Goed Een" in html
    assert Association.objects.count() == 0  # a preview stores nothing
    confirm = admin_form_data(html, action="/beheer/associations/association/process_import/")
    assert confirm.get("import_file_name"), "no confirm form on the preview"
    client.post("/beheer/associations/association/process_import/", confirm)
    association = Association.objects.get(slug="goed-een")
    assert association.province == "antwerpen"


def test_association_editor_cannot_import(client, editor):
    user = with_mfa(User.objects.create_user("vereniging", "v@example.org", "x", is_staff=True))
    user.groups.add(Group.objects.get(name=Role.ASSOCIATION_EDITOR))
    client.force_login(user)
    assert client.get("/beheer/associations/association/import/").status_code == 403
    assert client.get("/beheer/associations/association/export/").status_code == 403
