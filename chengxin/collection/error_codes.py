"""Machine codes of the collection app's refusals (docs/collection.md)."""

ITEM_NOT_PROVIDED_BY_DEPARTMENT = "item_not_provided_by_department"
SUBMISSION_ROLE_REQUIRED = "submission_role_required"
SUBMISSION_TOO_MANY_ROWS = "submission_too_many_rows"
SUBMISSION_EMPTY = "submission_empty"
SUBMISSION_NOT_FOUND = "submission_not_found"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
SUBMISSION_IN_PROGRESS = "submission_in_progress"
OPERATION_UNKNOWN = "operation_unknown"
FILE_REFUSED = "file_refused"
FILE_DUPLICATE = "file_duplicate"
FILE_CHANGED = "file_changed"
FILE_REQUIRED = "file_required"
IMPORT_NOT_RETRYABLE = "import_not_retryable"

# Row errors of the collection app itself (the field errors are in ``row_error_codes``).
SOURCE_ID_DUPLICATE = "source_id_duplicate"
RECORD_NOT_FOUND = "record_not_found"

# The person's opt-out of a good-conduct record (docs/citizens.md, "Opt-out").
RECORD_OPT_OUT_NOT_ALLOWED = "record_opt_out_not_allowed"
RECORD_OPT_OUT_NOT_ACTIVE = "record_opt_out_not_active"
RECORD_REINSTATE_NOT_WITHDRAWN = "record_reinstate_not_withdrawn"
RECORD_REINSTATE_NO_LONGER_VALID = "record_reinstate_no_longer_valid"
RECORD_NOT_ACTIVE = "record_not_active"
