from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("create_local_admin", *args, stdout=out)
    return out.getvalue()


def test_refuses_in_production_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="production mode"):
        run()
    assert not get_user_model().objects.exists()


def test_creates_admin_with_a_random_password_printed_once(settings):
    settings.DEBUG = True
    output = run()
    password = output.split("shown only this once:")[1].split()[0]
    assert len(password) >= 20
    user = authenticate(username="admin", password=password)
    assert user is not None and user.is_superuser
    again = run()
    assert "no account created" in again
    assert password not in again
    assert get_user_model().objects.count() == 1


def test_two_installs_get_different_passwords(settings):
    settings.DEBUG = True
    first = run().split("shown only this once:")[1].split()[0]
    get_user_model().objects.all().delete()
    second = run().split("shown only this once:")[1].split()[0]
    assert first != second


def test_dry_run_creates_nothing(settings):
    settings.DEBUG = True
    assert "Would create" in run("--dry-run")
    assert not get_user_model().objects.exists()
