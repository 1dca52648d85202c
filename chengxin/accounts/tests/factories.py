"""Factories and sign-in helpers of the accounts tests (also usable by other apps' page tests).

``sign_in_verified(client, user)`` gives a test client a session that passed both factors, the
way the sign-in pages leave it; ``totp_code(device)`` is the code an authenticator app would show.
"""

from __future__ import annotations

import time

import factory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from chengxin.accounts.choices import DepartmentKind, Role
from chengxin.accounts.models import Department, User

PASSWORD = "correct-horse-battery-staple"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda number: f"department-{number}")
    name = factory.Sequence(lambda number: f"测试部门{number}")
    kind = DepartmentKind.GOVERNMENT


def credit_office() -> Department:
    return DepartmentFactory(code="market", name="齐齐哈尔市市场监督管理局", is_credit_office=True)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda number: f"user{number}")
    role = Role.CITIZEN
    display_name = "测试用户"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def staff_user(role: str, *, department: Department | None = None, **extra) -> User:
    """A user of ``role`` with a department that fits it (tax for providers and officers, the
    credit office for the others, none for citizens and agencies)."""
    if department is None and role in (Role.PROVIDER, Role.OFFICER):
        department = DepartmentFactory(code="tax", name="国家税务总局齐齐哈尔市税务局")
    elif department is None and role not in (Role.CITIZEN, Role.AGENCY):
        department = credit_office()
    return UserFactory(role=role, department=department, **extra)


def totp_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=confirmed)


def totp_code(device: TOTPDevice) -> str:
    """The device's current six-digit code, computed from its key as the app would."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():06d}"


def sign_in_verified(client, user: User) -> None:
    """Sign ``user`` in on ``client`` with a confirmed device marked as verified in the session."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


MATRIX_CASES = (
    "anonymous",
    "citizen",
    "provider_same_department",
    "provider_other_department",
    "reviewer",
    "auditor",
    "admin",
    "security",
)


def matrix_user(case: str) -> User | None:
    """The user of one case of the permission matrix (STYLE §16); ``None`` for anonymous.

    "Same department" is the tax bureau, the department the matrix's objects belong to; "other
    department" is the court.
    """
    if case == "anonymous":
        return None
    if case == "provider_same_department":
        return staff_user(Role.PROVIDER, username="provider-tax")
    if case == "provider_other_department":
        court = DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")
        return staff_user(Role.PROVIDER, department=court, username="provider-court")
    return staff_user(Role(case), username=f"matrix-{case}")


def wrong_totp_code(device: TOTPDevice) -> str:
    """A six-digit code that no step within the device's tolerance accepts right now."""
    accepted = set()
    for offset in range(-device.tolerance - 1, device.tolerance + 2):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time() + offset * device.step
        accepted.add(f"{totp.token():06d}")
    return next(f"{number:06d}" for number in range(1_000_000) if f"{number:06d}" not in accepted)


def confirmed_citizen(id_number: str, *, username: str = "citizen-a", email: str = "") -> User:
    """A citizen whose account is confirmed and bound to the person with ``id_number`` (the
    person need not have a file yet)."""
    from chengxin.accounts.choices import CitizenAccountStatus, IdentityProofing
    from chengxin.accounts.models import CitizenAccount
    from chengxin.core.crypto import blind_index
    from chengxin.identity.choices import MaskContext
    from chengxin.identity.masking import mask_id_number
    from chengxin.identity.validation import validate_id_number

    normalised = validate_id_number(id_number).normalised
    user = UserFactory(
        role=Role.CITIZEN, username=username, email=email or f"{username}@example.cn"
    )
    CitizenAccount.objects.create(
        user=user,
        subject_index=blind_index(normalised),
        id_masked=mask_id_number(normalised, context=MaskContext.OWNER),
        status=CitizenAccountStatus.CONFIRMED,
        proofing=IdentityProofing.COUNTER,
    )
    return user
