"""Start the test OpenID Connect provider on 127.0.0.1: migrate its own SQLite file, create its
users and the platform's client registration, then serve (``runserver``, no reloader).

Environment: ``OIDC_TEST_DATABASE`` (a file path), ``OIDC_TEST_PORT``, ``OIDC_TEST_USERS`` (JSON:
username → {"password", "claims"}), ``OIDC_TEST_CLIENT_ID``, ``OIDC_TEST_CLIENT_SECRET``,
``OIDC_TEST_REDIRECT_URI``.
"""

import json
import os

import django
from django.core.management import call_command


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    _users()
    _client()
    call_command(
        "runserver", f"127.0.0.1:{os.environ['OIDC_TEST_PORT']}", use_reloader=False, verbosity=0
    )


def _users() -> None:
    from django.contrib.auth.models import User

    for username, user in json.loads(os.environ["OIDC_TEST_USERS"]).items():
        User.objects.create_user(username=username, password=user["password"])


def _client() -> None:
    from oauth2_provider.models import Application

    Application.objects.create(
        name="chengxin",
        client_id=os.environ["OIDC_TEST_CLIENT_ID"],
        client_secret=os.environ["OIDC_TEST_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["OIDC_TEST_REDIRECT_URI"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    main()
