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
