"""``GET /api/v1/me``: who the bearer token belongs to."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from chengxin.accounts.permissions import capabilities_of
from chengxin.api.auth import bearer_auth

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    role: str
    department: str | None
    capabilities: list[str]


@router.get(
    "/me",
    response=MeOut,
    auth=bearer_auth,
    operation_id="me_get",
    summary="The account of the token",
)
def me(request: HttpRequest) -> MeOut:
    """The account of the presented token: username, role, department code and capabilities."""
    user = request.user
    department = user.department
    return MeOut(
        username=user.get_username(),
        role=user.role,
        department=department.code if department is not None else None,
        capabilities=sorted(capabilities_of(user)),
    )
