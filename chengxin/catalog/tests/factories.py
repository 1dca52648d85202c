"""Factories of the catalog tests. Catalog items are made through the service, never saved raw."""

from __future__ import annotations

from typing import Any

import factory

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department, User
from chengxin.catalog.choices import Category, Disclosure, Domain
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.services import catalog_item_create


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda number: f"department-{number}")
    name = factory.Sequence(lambda number: f"测试部门{number}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda number: f"staff{number}")
    role = Role.ADMIN
    display_name = "测试管理员"


def own_field(name: str = "case_no", title: str = "案号", **extra: Any) -> dict[str, Any]:
    """An own-field descriptor: a required string with a length limit unless told otherwise."""
    descriptor: dict[str, Any] = {
        "name": name,
        "title": title,
        "type": "string",
        "constraints": {"required": True, "maxLength": 100},
        "aliases": [],
    }
    descriptor.update(extra)
    return descriptor


def make_item(*, actor=None, **overrides: Any) -> CatalogItem:
    """A valid basic catalog item with one own field; ``overrides`` change any attribute."""
    attributes: dict[str, Any] = {
        "code": "test-item",
        "name": "测试目录项",
        "category": Category.BASIC,
        "domain": Domain.TAX,
        "legal_basis": "《中华人民共和国税收征收管理法》",
        "disclosure": Disclosure.SHARED,
        "schema": {"fields": [own_field()]},
    }
    attributes.update(overrides)
    if "departments" not in attributes:
        attributes["departments"] = [
            DepartmentFactory(code="tax", name="国家税务总局齐齐哈尔市税务局")
        ]
    return catalog_item_create(actor=actor, **attributes)
