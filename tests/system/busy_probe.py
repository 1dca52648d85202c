"""Run by test_sqlite_busy.py in a process of its own: requests to the platform while another
connection holds the write lock of its SQLite file (as a file import does for each chunk).

Prints one JSON object: status, content type, ``Retry-After`` and code of each answer.
"""

from __future__ import annotations

import json
import sqlite3

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from chengxin.collection.tests.factories import bearer, penalty_item, provider, row  # noqa: E402


def _answer(response) -> dict[str, object]:
    is_problem = response["Content-Type"] == "application/problem+json"
    return {
        "status": response.status_code,
        "content_type": response["Content-Type"],
        "retry_after": response.get("Retry-After", ""),
        "code": response.json()["code"] if is_problem else "",
        "text": "" if is_problem else response.content.decode(),
    }


def _submit(client: Client, headers: dict[str, str], key: str):
    body = {"catalog_item": "tax-penalty", "records": [row("S-1")]}
    return client.post(
        "/api/v1/submissions",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    penalty_item()
    headers = bearer(provider())
    client = Client(raise_request_exception=False)
    # The token's last use is recorded now, so the next request writes only in its operation.
    client.get("/api/v1/me", **headers)
    locker = sqlite3.connect(settings.DATABASES["default"]["NAME"], isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")
    locked_api = _submit(client, headers, "key-1")
    locked_page = client.post("/staff/accounts/login/", {"username": "nobody", "password": "x"})
    locker.execute("ROLLBACK")
    released_api = _submit(client, headers, "key-1")
    print(
        json.dumps(
            {
                "options": settings.DATABASES["default"]["OPTIONS"],
                "locked_api": _answer(locked_api),
                "locked_page": _answer(locked_page),
                "released_api": released_api.status_code,
            },
            ensure_ascii=False,
        )
    )


main()
