"""Factories of the identity tests: departments and accounts of each role."""

import factory

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department, User


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = "public-security"
    name = "市公安局"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda number: f"identity-user{number}")
    role = Role.OFFICER
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("correct horse battery")
