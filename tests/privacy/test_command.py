"""`manage.py personal_data export|erase <email>`: the same export and erasure from the shell."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext_lazy

from campaigns.models import Signature
from campaigns.personal_data import Signatures
from core.personaldata import ANONYMISED, ERASED
from newsletter.models import Subscriber
from privacy.personal_data import StaffAccounts
from privacy.registry import OUTCOME_LABELS
from tests.helpers import manage
from tests.privacy.conftest import EMAIL, OTHER

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    with translation.override("nl"):
        call_command("personal_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def nl(text):
    with translation.override("nl"):
        return str(text)


def test_export_writes_json_to_standard_output(world):
    out, _err = run("export", " Rita@Example.org ")
    document = json.loads(out)
    assert document["email_address"] == EMAIL
    kinds = {section["kind"] for section in document["data"]}
    assert {"campaigns.signature", "events.registration", "newsletter.subscriber", "auth.user"} <= kinds
    assert OTHER not in out


def test_export_writes_a_utf8_file_with_output(world, tmp_path):
    Signature.objects.filter(email=EMAIL).update(name="Rita Peeters-Çelik")
    target = tmp_path / "rita.json"
    out, err = run("export", EMAIL, "--output", str(target))
    assert out == "" and str(target) in err
    text = target.read_text(encoding="utf-8")
    assert "Rita Peeters-Çelik" in text and "\n  " in text  # readable: UTF-8 as is, indented
    assert json.loads(text)["email_address"] == EMAIL


def test_erase_with_yes_erases_and_prints_what_per_kind(world):
    out, _err = run("erase", EMAIL, "--yes")
    assert not Signature.objects.filter(email=EMAIL).exists() and not Subscriber.objects.filter(email=EMAIL).exists()
    assert Signature.objects.filter(email=OTHER).exists()
    assert f"{nl(Signatures.label)}: 2 ({nl(OUTCOME_LABELS[ERASED])})" in out
    assert f"{nl(StaffAccounts.label)}: 1 ({nl(OUTCOME_LABELS[ANONYMISED])})" in out


def test_erase_without_yes_asks_and_erases_nothing_when_not_confirmed(world, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "nee")
    with pytest.raises(CommandError):
        run("erase", EMAIL)
    assert Signature.objects.filter(email=EMAIL).count() == 2


def test_erase_without_yes_erases_after_yes_is_typed(world, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    run("erase", EMAIL)
    assert not Signature.objects.filter(email=EMAIL).exists()


def test_erase_without_yes_and_without_a_terminal_refuses(world, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--yes"):
        run("erase", EMAIL)
    assert Signature.objects.filter(email=EMAIL).count() == 2


def test_erasing_the_last_superuser_is_refused_with_a_message(world):
    with pytest.raises(CommandError) as refused:
        run("erase", world["superuser"].email, "--yes")
    assert nl(gettext_lazy("This is the last active superuser: make someone else superuser first.")) in str(
        refused.value
    )
    assert world["superuser"].__class__.objects.filter(pk=world["superuser"].pk, is_superuser=True).exists()


@pytest.mark.parametrize("action", ["export", "erase"])
def test_an_invalid_address_is_an_error(action):
    with pytest.raises(CommandError, match="geen-adres"):
        run(action, "geen-adres")


def test_an_invalid_address_exits_non_zero_with_a_clear_message():
    result = manage("personal_data", "export", "geen-adres")
    assert result.returncode != 0
    assert "geen-adres" in result.stderr and "Traceback" not in result.stderr
