"""Factories of the audit tests: departments and staff accounts of each role."""

import factory

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department, User


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = "tax"
    name = "国家税务总局齐齐哈尔市税务局"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda number: f"staff{number}")
    role = Role.OFFICER
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("correct horse battery")


class AuditorFactory(UserFactory):
    username = factory.Sequence(lambda number: f"auditor{number}")
    role = Role.AUDITOR
    department = None
    is_staff = True
