import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the local staff login with a generated password, printed once; later runs leave it alone."

    def add_arguments(self, parser):
        parser.add_argument("--email", default="beheer@example.org")

    def handle(self, *args, email, **options):
        User = get_user_model()
        if User.objects.filter(username=email).exists():
            self.stdout.write(
                f"Staff login {email} exists; its password was printed when it was made "
                f"(set a new one with: python manage.py changepassword {email})."
            )
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=email, email=email, password=password)
        # The address counts as verified: allauth would otherwise mail a link before the first sign-in.
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        self.stdout.write(self.style.SUCCESS(f"Staff login: {email}  password: {password}  (shown only this once)"))
        self.stdout.write(
            "Sign in at /beheer/. `make run` waives the second factor for this local demo; "
            "everywhere else the admin asks each staff member to set up an authenticator app first."
        )
