"""What each role may do (SPEC §1), as named capabilities.

Pages, the API, the admin and the services ask these functions, never the role directly, so the
separation of the administrative roles (等保 level 3) is written down in one place:
the system admin manages departments, the catalog and policies but cannot read the audit log; the
security admin manages users, roles, tokens and lockouts; the auditor reads the audit log and
changes nothing. Providers and officers act only for their own department.
"""

from __future__ import annotations

from chengxin.accounts.choices import DEPARTMENT_ROLES, STAFF_ROLES, Capability, Role

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.PROVIDER: frozenset(
        {
            Capability.VIEW_CATALOG,
            Capability.SUBMIT_RECORDS,
            Capability.ANSWER_OBJECTIONS,
            Capability.DRAFT_CONTENT,
        }
    ),
    Role.OFFICER: frozenset(
        {Capability.VIEW_CATALOG, Capability.QUERY_CREDIT_FILES, Capability.RUN_CHECKS}
    ),
    Role.REVIEWER: frozenset(
        {
            Capability.VIEW_CATALOG,
            Capability.SCREEN_DUE_PROCESS,
            # The credit office runs the service counter where people show their identity card
            # (docs/citizens.md); a deployment may give this to a counter role of its own.
            Capability.CONFIRM_CITIZENS,
            Capability.MANAGE_LISTS,
            Capability.MANAGE_CONTENT,
            Capability.MANAGE_WORK_PLAN,
            Capability.DRAFT_CONTENT,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Capability.VIEW_CATALOG,
            Capability.MANAGE_CATALOG,
            Capability.MANAGE_DEPARTMENTS,
            Capability.MANAGE_POLICIES,
            Capability.USE_ADMIN_SITE,
        }
    ),
    Role.SECURITY: frozenset(
        {
            Capability.VIEW_CATALOG,
            Capability.MANAGE_USERS,
            Capability.MANAGE_TOKENS,
            Capability.UNLOCK_ACCOUNTS,
            Capability.USE_ADMIN_SITE,
        }
    ),
    Role.AUDITOR: frozenset(
        {Capability.VIEW_CATALOG, Capability.READ_AUDIT_LOG, Capability.USE_ADMIN_SITE}
    ),
    Role.AGENCY: frozenset({Capability.QUERY_WITH_CONSENT}),
    Role.CITIZEN: frozenset({Capability.VIEW_OWN_FILE}),
}


def capabilities_of(user) -> frozenset[str]:
    """Everything ``user`` may do; empty for anonymous and inactive accounts."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    return ROLE_CAPABILITIES.get(getattr(user, "role", ""), frozenset())


def has_capability(user, capability: str) -> bool:
    return capability in capabilities_of(user)


def is_staff_member(user) -> bool:
    """An active signed-in account with one of the staff roles (not a citizen or an agency)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", "") in STAFF_ROLES
    )


def acts_for_department(user, department) -> bool:
    """Whether ``user`` may act on ``department``'s objects.

    Providers and officers are bound to their own department; the other staff roles work across
    departments (within their capabilities); citizens and agencies act for no department.
    """
    if not is_staff_member(user) or department is None:
        return False
    if user.role in DEPARTMENT_ROLES:
        return user.department_id == department.pk
    return True


def can_view_catalog(user) -> bool:
    return has_capability(user, Capability.VIEW_CATALOG)


def can_manage_catalog(user) -> bool:
    return has_capability(user, Capability.MANAGE_CATALOG)


def can_manage_departments(user) -> bool:
    return has_capability(user, Capability.MANAGE_DEPARTMENTS)


def can_manage_policies(user) -> bool:
    return has_capability(user, Capability.MANAGE_POLICIES)


def can_manage_users(user) -> bool:
    return has_capability(user, Capability.MANAGE_USERS)


def can_manage_tokens(user) -> bool:
    return has_capability(user, Capability.MANAGE_TOKENS)


def can_unlock_accounts(user) -> bool:
    return has_capability(user, Capability.UNLOCK_ACCOUNTS)


def can_read_audit_log(user) -> bool:
    return has_capability(user, Capability.READ_AUDIT_LOG)


def can_use_admin_site(user) -> bool:
    return has_capability(user, Capability.USE_ADMIN_SITE)


def can_submit_records(user, department) -> bool:
    """A provider of ``department`` may submit its records."""
    return has_capability(user, Capability.SUBMIT_RECORDS) and acts_for_department(user, department)


def can_query_credit_files(user) -> bool:
    return has_capability(user, Capability.QUERY_CREDIT_FILES)


def can_screen_due_process(user) -> bool:
    return has_capability(user, Capability.SCREEN_DUE_PROCESS)


def can_confirm_citizens(user) -> bool:
    """Staff at the service counter confirm (or refuse) citizens' accounts after seeing the
    identity card."""
    return is_staff_member(user) and has_capability(user, Capability.CONFIRM_CITIZENS)


def can_view_all_data_quality(user) -> bool:
    """The credit office sees every department's data-quality scoreboard (SPEC §4): its reviewers
    and system administrators, and the providers and officers of the credit office department."""
    if not is_staff_member(user):
        return False
    if user.role in (Role.REVIEWER, Role.ADMIN):
        return True
    return (
        user.role in DEPARTMENT_ROLES
        and user.department_id is not None
        and user.department.is_credit_office
    )


def can_view_data_quality(user, department) -> bool:
    """Whether ``user`` may see ``department``'s data quality: the credit office sees every
    department, a provider or officer its own; the security admin and the auditor see none."""
    if can_view_all_data_quality(user):
        return True
    return (
        department is not None
        and getattr(user, "role", "") in DEPARTMENT_ROLES
        and acts_for_department(user, department)
    )


def can_see_submissions(user) -> bool:
    """A department's staff see its submissions, the credit office's reviewers every
    department's; the administrative roles see none."""
    return is_staff_member(user) and user.role in (Role.REVIEWER, *DEPARTMENT_ROLES)


def can_open_data_quality(user) -> bool:
    """Whether ``user`` may open the data-quality scoreboard at all: the credit office for every
    department, a provider or officer for its own."""
    return can_view_all_data_quality(user) or can_view_data_quality(
        user, user.department if is_staff_member(user) else None
    )


def can_draft_content(user) -> bool:
    """Providers draft their department's content; the credit office's reviewers draft any."""
    return is_staff_member(user) and has_capability(user, Capability.DRAFT_CONTENT)


def can_publish_content(user) -> bool:
    """The credit office's reviewers review, publish and take down content (docs/outreach.md)."""
    return is_staff_member(user) and has_capability(user, Capability.MANAGE_CONTENT)
