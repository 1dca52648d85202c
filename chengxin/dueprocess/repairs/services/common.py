"""What the repair services share: the locked row, the role, department and state checks, and
the application's audit event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.dueprocess.cases import case_locked, record_case_audit
from chengxin.dueprocess.repairs import error_codes
from chengxin.dueprocess.repairs.choices import (
    REPAIR_OBJECT_TYPE,
    TRANSITIONS,
    RepairStatus,
    Transition,
)
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.selectors import (
    can_answer,
    not_found,
)


def _locked(repair_id: int) -> Repair:
    return case_locked(
        Repair.objects.select_for_update().select_related("record__item", "department"),
        repair_id,
        not_found=not_found,
    )


def _check_answerer(actor) -> None:
    if not can_answer(actor):
        raise PermissionDeniedError(
            error_codes.REPAIR_DECISION_ROLE_REQUIRED,
            _("只有认定单位的数据报送员可以对信用修复申请作出决定。"),
            "Only a data provider of the deciding department may decide repair applications.",
        )


def _check_department(actor, repair: Repair) -> None:
    if actor.department_id != repair.department_id:
        raise PermissionDeniedError(
            error_codes.REPAIR_WRONG_DEPARTMENT,
            _("该记录由其他部门认定，只有认定单位可以决定其信用修复（谁认定、谁修复）。"),
            "The record is another department's; only the deciding department decides.",
        )


def _check_source(repair: Repair, transition: str) -> None:
    if repair.status in TRANSITIONS[transition]:
        return
    if transition == Transition.DECIDE and repair.decided_at is not None:
        raise DomainError(
            code=error_codes.REPAIR_ALREADY_DECIDED,
            message=_("该申请已于%(day)s作出决定，不能再次决定。")
            % {"day": repair.decided_on.isoformat()},
            message_en="The application has already been decided.",
            status=409,
        )
    raise DomainError(
        code=error_codes.REPAIR_STATE_CONFLICT,
        message=_("该申请当前状态为“%(status)s”，不能%(step)s。")
        % {"status": RepairStatus(repair.status).label, "step": Transition(transition).label},
        message_en=f"The application is {repair.status}; it cannot be {transition}.",
        status=409,
    )


def _audit(
    *,
    actor,
    repair: Repair,
    transition: str,
    action: str = AuditAction.UPDATE,
    detail: Mapping[str, Any] | None = None,
    request=None,
) -> None:
    record_case_audit(
        actor=actor,
        object_type=REPAIR_OBJECT_TYPE,
        case=repair,
        transition=transition,
        action=action,
        detail=detail,
        request=request,
    )
