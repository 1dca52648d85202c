"""Factories of the collection tests: a provided negative item, providers, rows and tokens."""

from __future__ import annotations

import functools
import io
from contextlib import contextmanager
from datetime import date
from typing import Any

from chengxin.accounts.choices import Role
from chengxin.accounts.services import api_token_create
from chengxin.accounts.tests.factories import DepartmentFactory, staff_user
from chengxin.catalog.choices import Category, Disclosure, Severity
from chengxin.catalog.tests.factories import make_item
from chengxin.identity.synthetic import synthetic_id_number

ITEM_CODE = "tax-penalty"


def tax_department():
    return DepartmentFactory(code="tax", name="国家税务总局齐齐哈尔市税务局")


def other_department():
    return DepartmentFactory(code="health", name="齐齐哈尔市卫生健康委员会")


def penalty_item(**overrides: Any):
    """A public negative item of general severity, provided by the tax department."""
    attributes: dict[str, Any] = {
        "code": ITEM_CODE,
        "name": "税务行政处罚",
        "category": Category.NEGATIVE,
        "severity": Severity.GENERAL,
        "disclosure": Disclosure.PUBLIC,
        "departments": [tax_department()],
    }
    attributes.update(overrides)
    return make_item(**attributes)


def provider(department=None):
    return staff_user(Role.PROVIDER, department=department or tax_department())


def id_number(sequence: int = 1) -> str:
    return synthetic_id_number(
        region_code="230202", birth_date=date(1980, 5, 17), sequence=sequence
    )


def row(source_id: str = "S-1", *, sequence: int = 1, **overrides: Any) -> dict[str, Any]:
    """A valid row of ``penalty_item``."""
    values: dict[str, Any] = {
        "source_id": source_id,
        "id_number": id_number(sequence),
        "name": "王小明",
        "decided_on": "2026-03-01",
        "authority": "国家税务总局齐齐哈尔市税务局",
        "document_no": "齐税罚〔2026〕1号",
        "case_no": "案-1",
    }
    values.update(overrides)
    return values


def bearer(user) -> dict[str, str]:
    _token, plaintext = api_token_create(user=user, name="报送系统", expires_in_days=30, actor=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


UPLOAD = "/api/v1/submissions/upload"
COLUMNS = ("source_id", "id_number", "name", "decided_on", "authority", "document_no", "case_no")


def csv_bytes(rows: list[dict], *, encoding: str = "utf-8", header=COLUMNS) -> bytes:
    lines = [",".join(header)]
    lines += [",".join(str(values.get(name, "")) for name in COLUMNS) for values in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def valid_rows(count: int, *, start: int = 1, **overrides) -> list[dict]:
    return [row(f"S-{n}", sequence=n, **overrides) for n in range(start, start + count)]


def upload(client, headers, content: bytes, *, name="处罚.csv", item=ITEM_CODE):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(UPLOAD, {"catalog_item": item, "file": upload}, **headers)


@contextmanager
def imports_stopping_after(monkeypatch, chunks: int, *, chunk_rows: int | None = None):
    """Inside: every file import fails (``RuntimeError``) once ``chunks`` chunks of it have been
    committed, as when the database goes away; with ``chunk_rows``, the worker's imports use
    chunks of that size."""
    from chengxin.collection.ingest import imports

    applied = imports._apply_chunk
    calls = []

    def stopping(*args, **kwargs):
        calls.append(1)
        if len(calls) > chunks:
            raise RuntimeError("the database went away")
        return applied(*args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(imports, "_apply_chunk", stopping)
        if chunk_rows is not None:
            patched.setattr(
                "chengxin.collection.tasks.file_import_run",
                functools.partial(imports.file_import_run, chunk_rows=chunk_rows),
            )
        yield
