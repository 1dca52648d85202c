"""A value a client puts in a path or a query is never repeated in an error answer or a log line
(ID numbers end up in URLs by mistake: a number typed into the wrong box, a careless client)."""

from __future__ import annotations

import datetime
import logging
import threading
import urllib.error
import urllib.request

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import staff_user
from chengxin.collection.tests.factories import bearer
from chengxin.identity.synthetic import synthetic_id_number

NUMBER = synthetic_id_number(
    region_code="230202", birth_date=datetime.date(1990, 1, 2), sequence=17
)

URLS = [
    f"/api/v1/catalog/{NUMBER}",
    f"/api/v1/catalog/{NUMBER}/template.xlsx",
    f"/api/v1/reports/verify/{NUMBER}",
    f"/api/v1/quality?department={NUMBER}",
    f"/staff/collection/quality/?department={NUMBER}",
    f"/verify/?code={NUMBER}",
    f"/no-such-page/{NUMBER}",
    f"/api/v1/no-such-operation/{NUMBER}",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_an_id_number_in_the_url_is_neither_answered_back_nor_logged(client, caplog, url):
    # given
    headers = bearer(staff_user(Role.REVIEWER)) if "quality" in url else {}
    caplog.set_level(logging.DEBUG)
    # when
    response = client.get(url, **headers)
    # then
    assert response.status_code in (200, 302, 404)
    assert NUMBER not in response.content.decode("utf-8", errors="replace")
    assert NUMBER not in caplog.text


@pytest.mark.django_db
def test_the_public_verification_form_posts_the_code(client):
    # when
    page = client.get("/verify/").content.decode()
    # then
    assert '<form method="post"' in page


@pytest.mark.django_db
def test_the_public_verification_form_answers_a_posted_code_without_repeating_it(client):
    # when
    response = client.post("/verify/", {"code": NUMBER})
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "验证码是报告上印的12位字母和数字" in page
    assert NUMBER not in page


@pytest.fixture
def served(transactional_db):
    """The platform on a real HTTP server on 127.0.0.1 with Django's own request handler, whose
    access log (logger ``django.server``) names every request."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.shutdown
    server.shutdown()
    server.server_close()


class _Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_the_access_log_names_the_route_without_the_values(served):
    # given: the access log as the server's handlers receive it (after the logger's filters)
    address, stop = served
    collected = _Collected()
    logger = logging.getLogger("django.server")
    logger.addHandler(collected)
    # when
    try:
        for url in (f"/api/v1/catalog/{NUMBER}?x={NUMBER}", f"/no-such-page/{NUMBER}"):
            with pytest.raises(urllib.error.HTTPError):
                urllib.request.urlopen(address + url, timeout=10)  # noqa: S310 - own test server
        stop()  # the server writes its access line after the answer: wait for the last one
    finally:
        logger.removeHandler(collected)
    # then
    access = collected.lines
    assert access == [
        '"GET /api/v1/catalog/<code>?x=… HTTP/1.1" 404 ' + access[0].rsplit(" ", 1)[1],
        '"GET /… HTTP/1.1" 404 ' + access[1].rsplit(" ", 1)[1],
    ]
    assert NUMBER not in "\n".join(access)
