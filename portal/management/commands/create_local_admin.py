import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.local_server import browse_url

USERNAME = "admin"


class Command(BaseCommand):
    help = (
        "For local use only (DEBUG on): when no superuser exists, create the account 'admin' "
        "with a random password and print the password once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen.")
        parser.add_argument("--host", default="127.0.0.1", help="Where the site is served.")
        parser.add_argument("--port", default="8000", help="The port it is served on.")

    def handle(self, *args, dry_run, host, port, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a local admin account in production mode (DEBUG off). "
                "Use 'python manage.py createsuperuser' instead."
            )
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already; no account created.")
            return
        if dry_run:
            self.stdout.write(f"Would create the superuser {USERNAME!r} with a random password.")
            return
        password = secrets.token_urlsafe(15)
        User.objects.create_superuser(username=USERNAME, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the local superuser {USERNAME!r}. Its password, shown only this once:\n"
                f"\n    {password}\n\n"
                f"Log in at {browse_url(host, port)}admin/ and change it under 'Change password'."
            )
        )
