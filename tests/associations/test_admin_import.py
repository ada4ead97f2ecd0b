"""Import through the admin: a bad row among good ones saves nothing, and the page names it."""

import pytest

from associations.models import Association
from network.permissions import Role
from tests.admin_forms import ASSOCIATION_CSV_HEADER as HEADER
from tests.admin_forms import admin_form_data
from tests.admin_forms import post_association_import as post_import
from tests.factories import NetworkFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    own = NetworkFactory(name="Eigen", short_name="E", slug="eigen")
    NetworkFactory(name="Ander", short_name="A", slug="ander", region="limburg")
    user = StaffFactory(username="redacteur", email="r@example.org", role=Role.NETWORK_EDITOR, networks=[own])
    client.force_login(user)
    return user


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
    user = StaffFactory(username="vereniging", email="v@example.org", role=Role.ASSOCIATION_EDITOR)
    client.force_login(user)
    assert client.get("/beheer/associations/association/import/").status_code == 403
    assert client.get("/beheer/associations/association/export/").status_code == 403
