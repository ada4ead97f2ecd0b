"""Importing associations from spreadsheets: all or nothing, every error named by row and column.

An editor of one network must neither import into nor overwrite another network's
associations, nor export them.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import translation
from import_export.results import Result

from associations.models import Association
from associations.resources import AssociationResource, error_lines, import_associations
from network.models import NetworkMembership, Theme
from tests.factories import NetworkFactory
from tests.helpers import with_mfa

pytestmark = pytest.mark.django_db

HEADER = (
    "naam,slug,netwerk,gemeente,postcode,provincie,adres,breedtegraad,lengtegraad,intro,beschrijving,"
    "contactpersoon,telefoon,email,website,facebook,instagram,themas,actief,lid_sinds"
)
DE_VONK = (
    "De Vonk,de-vonk,netwerk-tegen-armoede,Lier,2500,,Kerkstraat 1,51.1312,4.5703,Samen sterk.,"
    "<p>Een vereniging.</p>,An Peeters,03 123 45 67,info@devonk.be,www.devonk.be,,,wonen;werk,ja,2019-03-01"
)
T_ANKER = "'t Anker,t-anker,netwerk-tegen-armoede,Hasselt,3500,limburg,,,,Een plek om te landen.,,,,,,,,wonen,1,"


def csv_dataset(*rows, header=HEADER, delimiter=","):
    text = "\n".join([header, *rows]) + "\n"
    return tablib.Dataset().load(text, format="csv", delimiter=delimiter)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English, whatever the Dutch catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def network():
    return NetworkFactory(
        name="Netwerk tegen Armoede",
        short_name="NTA",
        slug="netwerk-tegen-armoede",
        region="vlaanderen",
        mission="<p>x</p>",
    )


@pytest.fixture
def other_network():
    return NetworkFactory(
        name="Limburgs Netwerk", short_name="LN", slug="limburgs-netwerk", region="limburg", mission="<p>y</p>"
    )


@pytest.fixture(autouse=True)
def themes():
    return [
        Theme.objects.create(name="Wonen", slug="wonen"),
        Theme.objects.create(name="Werk", slug="werk"),
    ]


@pytest.fixture
def editor(network):
    """A network editor of `network` only."""
    user = with_mfa(User.objects.create_user("editor", "editor@example.org", "x", is_staff=True))
    NetworkMembership.objects.create(user=user, network=network)
    return user


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def run_command(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_associations", *map(str, args), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_good_rows_are_imported_with_themes_and_province_from_postcode(network):
    result = import_associations(csv_dataset(DE_VONK, T_ANKER), dry_run=False)

    assert error_lines(result) == []
    assert result.totals["new"] == 2
    vonk = Association.objects.get(slug="de-vonk")
    assert vonk.network == network
    assert vonk.province == "antwerpen"
    assert sorted(vonk.themes.values_list("slug", flat=True)) == ["werk", "wonen"]
    assert vonk.website == "https://www.devonk.be"
    assert vonk.latitude == Decimal("51.131200")
    assert vonk.member_since == datetime.date(2019, 3, 1)
    assert vonk.is_active is True
    assert Association.objects.get(slug="t-anker").province == "limburg"


def test_dry_run_saves_nothing(network):
    result = import_associations(csv_dataset(DE_VONK), dry_run=True)

    assert result.totals["new"] == 1
    assert not Association.objects.exists()


def test_second_import_of_the_same_file_reports_unchanged_and_changes_nothing(network):
    import_associations(csv_dataset(DE_VONK, T_ANKER), dry_run=False)
    before = dict(Association.objects.values_list("slug", "updated_at"))

    result = import_associations(csv_dataset(DE_VONK, T_ANKER), dry_run=False)

    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 2)
    assert dict(Association.objects.values_list("slug", "updated_at")) == before


def test_a_changed_row_updates_the_association(network):
    import_associations(csv_dataset(DE_VONK), dry_run=False)

    result = import_associations(csv_dataset(DE_VONK.replace("Samen sterk.", "Samen nog sterker.")), dry_run=False)

    assert result.totals["update"] == 1
    assert Association.objects.get(slug="de-vonk").intro == "Samen nog sterker."


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        (DE_VONK.replace("de-vonk,", "kapot,").replace(",2500,", ",250,"), "postcode"),
        (DE_VONK.replace("de-vonk,", "kapot,").replace("netwerk-tegen-armoede", "bestaat-niet"), "netwerk"),
        (DE_VONK.replace("de-vonk,", "kapot,").replace("info@devonk.be", "info@"), "email"),
        (DE_VONK.replace("de-vonk,", "kapot,").replace("wonen;werk", "wonen;sport"), "themas"),
        (DE_VONK.replace("de-vonk,", "kapot,").replace(",2500,,", ",2500,limburg,"), "provincie"),
        (DE_VONK.replace("de-vonk,", "kapot,").replace(",ja,", ",misschien,"), "actief"),
        (DE_VONK.replace("de-vonk,", "kapot,").replace("2019-03-01", "maart 2019"), "lid_sinds"),
    ],
)
def test_one_bad_row_among_good_ones_saves_nothing_and_names_row_and_column(network, bad_row, column):
    result = import_associations(csv_dataset(DE_VONK, bad_row, T_ANKER), dry_run=False)

    lines = error_lines(result)
    assert lines, "the bad row must be reported"
    # The bad row is the second data row: row 3 of the spreadsheet, under its header.
    assert all(line.startswith(f"row 3, {column}: ") for line in lines), lines
    assert not Association.objects.exists()


def test_with_an_error_the_file_is_only_checked_never_imported(network, monkeypatch):
    runs = []
    original = AssociationResource.import_data

    def spy(self, dataset, **kwargs):
        runs.append(kwargs["dry_run"])
        return original(self, dataset, **kwargs)

    monkeypatch.setattr(AssociationResource, "import_data", spy)

    import_associations(csv_dataset(DE_VONK, T_ANKER.replace(",3500,", ",35,")), dry_run=False)

    assert runs == [True]


def test_the_real_import_is_rolled_back_too_if_a_row_fails_after_the_check(network, monkeypatch):
    """Should the data change between check and import, the import still saves nothing."""
    original = AssociationResource.import_data

    def passing_check(self, dataset, **kwargs):
        return Result() if kwargs["dry_run"] else original(self, dataset, **kwargs)

    monkeypatch.setattr(AssociationResource, "import_data", passing_check)

    result = import_associations(csv_dataset(DE_VONK, T_ANKER.replace(",3500,", ",35,")), dry_run=False)

    assert error_lines(result)
    assert not Association.objects.exists()


def test_error_line_reads_like_the_model_message(network):
    bad = DE_VONK.replace(",2500,", ",250,")

    lines = error_lines(import_associations(csv_dataset(T_ANKER, bad), dry_run=False))

    assert lines == ["row 3, postcode: A Belgian postcode has four digits, for example 2870."]


def test_bad_row_does_not_change_existing_associations(network):
    import_associations(csv_dataset(DE_VONK), dry_run=False)
    changed = DE_VONK.replace("Samen sterk.", "Gewijzigd.")
    bad = T_ANKER.replace(",3500,", ",35,")

    result = import_associations(csv_dataset(changed, bad), dry_run=False)

    assert error_lines(result)
    assert Association.objects.get().intro == "Samen sterk."


def test_empty_slug_follows_from_the_name_and_a_second_import_finds_the_same_association(network, other_network):
    Association.objects.create(
        network=other_network, name="De Vonk", slug="de-vonk", municipality="Genk", postcode="3600", intro="x"
    )
    row = DE_VONK.replace(",de-vonk,", ",,")

    first = import_associations(csv_dataset(row), dry_run=False)
    second = import_associations(csv_dataset(row), dry_run=False)

    assert first.totals["new"] == 1
    assert Association.objects.get(network=network).slug == "de-vonk-2"
    assert second.totals["skip"] == 1
    assert Association.objects.count() == 2


def test_xlsx_export_imports_again_unchanged(network):
    import_associations(csv_dataset(DE_VONK, T_ANKER), dry_run=False)
    before = dict(Association.objects.values_list("slug", "updated_at"))
    xlsx = AssociationResource().export().export("xlsx")

    dataset = tablib.Dataset().load(xlsx, format="xlsx")
    result = import_associations(dataset, dry_run=False)

    assert dataset.headers == HEADER.split(",")
    assert error_lines(result) == []
    assert result.totals["skip"] == 2
    assert dict(Association.objects.values_list("slug", "updated_at")) == before


def test_command_imports_semicolon_csv_with_byte_order_mark(network, tmp_path):
    content = "\n".join(line.replace(",", ";") for line in (HEADER, DE_VONK, T_ANKER))
    content = content.replace("wonen;werk", '"wonen;werk"')
    # Belgian Excel: decimal comma, day/month/year.
    content = content.replace("51.1312", "51,1312").replace("4.5703", "4,5703").replace("2019-03-01", "1/03/2019")
    path = write(tmp_path, "verenigingen.csv", "\ufeff" + content)

    stdout, _stderr = run_command(path)

    assert "2 new, 0 updated, 0 unchanged" in stdout
    vonk = Association.objects.get(slug="de-vonk")
    assert vonk.longitude == Decimal("4.570300")
    assert vonk.member_since == datetime.date(2019, 3, 1)


def test_command_imports_xlsx(network, tmp_path):
    path = write(tmp_path, "verenigingen.xlsx", csv_dataset(DE_VONK).export("xlsx"))

    stdout, _stderr = run_command(path)

    assert "1 new, 0 updated, 0 unchanged" in stdout
    assert Association.objects.filter(slug="de-vonk").exists()


def test_command_reads_native_spreadsheet_cells(network, tmp_path):
    """Excel keeps numbers, dates and booleans as such, not as text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Naam ", "netwerk", "gemeente", "postcode", "intro", "breedtegraad", "lengtegraad", "actief"])
    sheet.append(["De Vonk", "netwerk-tegen-armoede", "Lier", 2500, "Samen.", 51.1312, 4.5703, False])
    sheet.append(["Het Anker", "netwerk-tegen-armoede", "Hasselt", 3500, "Landen.", None, None, True])
    sheet["I1"], sheet["I2"] = "lid_sinds", datetime.datetime(2019, 3, 1)
    sheet.append([None] * 8)  # an empty row Excel leaves at the end
    path = tmp_path / "verenigingen.xlsx"
    workbook.save(path)

    stdout, _stderr = run_command(path)

    assert "2 new, 0 updated, 0 unchanged" in stdout
    vonk = Association.objects.get(slug="de-vonk")
    assert (vonk.postcode, vonk.province, vonk.is_active) == ("2500", "antwerpen", False)
    assert vonk.member_since == datetime.date(2019, 3, 1)
    assert vonk.latitude == Decimal("51.131200")
    assert Association.objects.get(slug="het-anker").is_active is True
    assert "0 new, 0 updated, 2 unchanged" in run_command(path)[0]


def test_command_reports_unchanged_on_second_run(network, tmp_path):
    path = write(tmp_path, "verenigingen.csv", "\n".join([HEADER, DE_VONK]))
    run_command(path)

    stdout, _stderr = run_command(path)

    assert "0 new, 0 updated, 1 unchanged" in stdout


def test_command_dry_run_saves_nothing(network, tmp_path):
    path = write(tmp_path, "verenigingen.csv", "\n".join([HEADER, DE_VONK]))

    stdout, _stderr = run_command(path, "--dry-run")

    assert "1 new" in stdout
    assert not Association.objects.exists()


def test_command_with_a_bad_row_fails_lists_the_error_and_saves_nothing(network, tmp_path):
    bad = T_ANKER.replace(",3500,", ",35000,")
    path = write(tmp_path, "verenigingen.csv", "\n".join([HEADER, DE_VONK, bad]))
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was saved"):
        call_command("import_associations", str(path), stdout=io.StringIO(), stderr=stderr)

    assert "row 3, postcode:" in stderr.getvalue()
    assert Association.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("verenigingen.txt", "naam\nDe Vonk\n", "Give a .csv or .xlsx file"),
        ("verenigingen.csv", "", "is empty"),
        ("verenigingen.csv", HEADER + "\n", "has no rows"),
        ("verenigingen.csv", b"naam\nD\xe9 Vonk\n", "is not UTF-8"),
        ("verenigingen.xlsx", b"not a spreadsheet", "Cannot read"),
        ("verenigingen.csv", "naam;slug\nDe Vonk;de-vonk;extra\n", "more cells than its header"),
    ],
)
def test_command_refuses_files_it_cannot_read(tmp_path, name, content, message):
    path = write(tmp_path, name, content)

    with pytest.raises(CommandError, match=message):
        run_command(path)


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run_command(tmp_path / "weg.csv")


def test_command_refuses_an_unknown_user(network, tmp_path):
    path = write(tmp_path, "verenigingen.csv", "\n".join([HEADER, DE_VONK]))

    with pytest.raises(CommandError, match="No single user"):
        run_command(path, "--user", "niemand@example.org")
    assert not Association.objects.exists()


def test_editor_cannot_import_into_another_network(network, other_network, editor):
    foreign = T_ANKER.replace("netwerk-tegen-armoede", "limburgs-netwerk")

    result = import_associations(csv_dataset(DE_VONK, foreign), user=editor, dry_run=False)

    assert error_lines(result) == ["row 3, netwerk: You may only import associations of your own networks."]
    assert not Association.objects.exists()


def test_editor_can_import_into_own_network(network, editor):
    result = import_associations(csv_dataset(DE_VONK), user=editor, dry_run=False)

    assert error_lines(result) == []
    assert Association.objects.filter(slug="de-vonk", network=network).exists()


def test_editor_cannot_take_over_another_networks_association_through_its_slug(network, other_network, editor):
    Association.objects.create(
        network=other_network, name="De Vonk", slug="de-vonk", municipality="Genk", postcode="3600", intro="Van LN."
    )

    result = import_associations(csv_dataset(DE_VONK), user=editor, dry_run=False)

    assert error_lines(result) == ["row 2, slug: An association of another network already has this slug."]
    vonk = Association.objects.get(slug="de-vonk")
    assert (vonk.network, vonk.intro) == (other_network, "Van LN.")


def test_command_as_editor_refuses_another_networks_row(network, other_network, editor, tmp_path):
    foreign = T_ANKER.replace("netwerk-tegen-armoede", "limburgs-netwerk")
    path = write(tmp_path, "verenigingen.csv", "\n".join([HEADER, DE_VONK, foreign]))
    stderr = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_associations", str(path), "--user", "editor@example.org", stderr=stderr)

    assert "row 3, netwerk:" in stderr.getvalue()
    assert not Association.objects.exists()


def test_the_user_the_admin_passes_to_import_data_limits_the_import(network, other_network, editor):
    """The admin gives request.user to import_data(); forgetting it in the resource kwargs must not open the door."""
    foreign = T_ANKER.replace("netwerk-tegen-armoede", "limburgs-netwerk")

    result = AssociationResource().import_data(csv_dataset(foreign), dry_run=True, user=editor)

    assert error_lines(result) == ["row 2, netwerk: You may only import associations of your own networks."]


def test_superuser_may_import_into_any_network(network, other_network):
    admin = with_mfa(User.objects.create_superuser("admin", "admin@example.org", "x"))
    foreign = T_ANKER.replace("netwerk-tegen-armoede", "limburgs-netwerk")

    result = import_associations(csv_dataset(DE_VONK, foreign), user=admin, dry_run=False)

    assert error_lines(result) == []
    assert Association.objects.count() == 2


def test_editor_export_contains_only_own_networks_associations(network, other_network, editor):
    foreign = T_ANKER.replace("netwerk-tegen-armoede", "limburgs-netwerk")
    import_associations(csv_dataset(DE_VONK, foreign), dry_run=False)

    editor_export = AssociationResource(user=editor).export()
    full_export = AssociationResource().export()

    assert editor_export["slug"] == ["de-vonk"]
    assert sorted(full_export["slug"]) == ["de-vonk", "t-anker"]
