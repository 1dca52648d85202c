"""Helpers of the checks tests: officers with tokens, posting checks through the HTTP API."""

from __future__ import annotations

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import DepartmentFactory, staff_user
from chengxin.collection.tests.factories import bearer, id_number, tax_department

CHECKS = "/api/v1/checks"
PROCUREMENT = "public_procurement"


def court_department():
    return DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")


def officer(department=None, **extra):
    return staff_user(Role.OFFICER, department=department or tax_department(), **extra)


def check_body(sequence: int = 1, **overrides) -> dict:
    body = {
        "id_number": id_number(sequence),
        "matter": PROCUREMENT,
        "case_no": "采购-2026-001",
        "purpose": "政府采购供应商资格审查",
    }
    body.update(overrides)
    return body


def post_check(client, headers, body: dict):
    return client.post(CHECKS, body, content_type="application/json", **headers)


__all__ = ["bearer", "id_number"]
