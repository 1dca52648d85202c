"""Machine codes of the accounts app's refusals (users, departments, API tokens)."""

# The names contain PASSWORD and TOKEN; the values are error codes, not secrets.
# ruff: noqa: S105

USER_ROLE_UNKNOWN = "accounts.user_role_unknown"
USER_USERNAME_TAKEN = "accounts.user_username_taken"
USER_USERNAME_INVALID = "accounts.user_username_invalid"
USER_PASSWORD_WEAK = "accounts.user_password_weak"
USER_NOT_FOUND = "accounts.user_not_found"
DEPARTMENT_NOT_FOUND = "accounts.department_not_found"
DEPARTMENT_INACTIVE = "accounts.department_inactive"
DEPARTMENT_REQUIRED = "accounts.department_required"
DEPARTMENT_NOT_ALLOWED = "accounts.department_not_allowed"
DEPARTMENT_NOT_CREDIT_OFFICE = "accounts.department_not_credit_office"

TOKEN_ROLE_NOT_ALLOWED = "accounts.token_role_not_allowed"
TOKEN_USER_INACTIVE = "accounts.token_user_inactive"
TOKEN_EXPIRY_OUT_OF_RANGE = "accounts.token_expiry_out_of_range"
TOKEN_NAME_INVALID = "accounts.token_name_invalid"
TOKEN_NOT_FOUND = "accounts.token_not_found"
TOKEN_ALREADY_REVOKED = "accounts.token_already_revoked"

# What the API answers (problem+json, status 401) when a bearer token is refused, or when an
# Authorization header holds no bearer token at all.
AUTH_REQUIRED = "auth_required"
TOKEN_INVALID = "token_invalid"
TOKEN_EXPIRED = "token_expired"
TOKEN_REVOKED = "token_revoked"
TOKEN_ACCOUNT_DISABLED = "token_account_disabled"

# Citizens' accounts (docs/citizens.md).
CITIZEN_ALREADY_REGISTERED = "accounts.citizen_already_registered"
CITIZEN_CONTACT_REQUIRED = "accounts.citizen_contact_required"
CITIZEN_MOBILE_INVALID = "accounts.citizen_mobile_invalid"
CITIZEN_EMAIL_INVALID = "accounts.citizen_email_invalid"
CITIZEN_MOBILE_TAKEN = "accounts.citizen_mobile_taken"
CITIZEN_EMAIL_TAKEN = "accounts.citizen_email_taken"
CITIZEN_NAME_REQUIRED = "accounts.citizen_name_required"
CITIZEN_AGREEMENT_REQUIRED = "accounts.citizen_agreement_required"
CITIZEN_NOT_PENDING = "accounts.citizen_not_pending"
CITIZEN_ID_NUMBER_MISMATCH = "accounts.citizen_id_number_mismatch"
CITIZEN_REFUSAL_REASON_REQUIRED = "accounts.citizen_refusal_reason_required"
CITIZEN_NOT_CLOSABLE = "accounts.citizen_not_closable"
CITIZEN_OIDC_FAILED = "accounts.citizen_oidc_failed"
CITIZEN_OIDC_CLAIM_MISSING = "accounts.citizen_oidc_claim_missing"
CITIZEN_OIDC_NOT_VERIFIED = "accounts.citizen_oidc_not_verified"
CITIZEN_OIDC_OTHER_PERSON = "accounts.citizen_oidc_other_person"
CITIZEN_COUNTER_DENIED = "accounts.citizen_counter_denied"
