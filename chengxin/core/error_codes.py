"""Machine codes of the core app's refusals: policy values, the working-day calendar, and the
answers every entry point shares (rate limits, request size, a busy database)."""

POLICY_UNKNOWN = "core.policy_unknown"
POLICY_INVALID_TYPE = "core.policy_invalid_type"
POLICY_OUT_OF_RANGE = "core.policy_out_of_range"
POLICY_REASON_REQUIRED = "core.policy_reason_required"
CALENDAR_DAY_NOT_FOUND = "core.calendar_day_not_found"
CALENDAR_DAY_NAME_REQUIRED = "core.calendar_day_name_required"
# 429: a rate limit of chengxin.core.throttle refused the request.
RATE_LIMITED = "rate_limited"
# 413: the request body is larger than its route accepts (chengxin.core.request_limits).
REQUEST_TOO_LARGE = "request_too_large"
# 503: the database is locked or busy; the same request may succeed a little later.
DATABASE_BUSY = "database_busy"


# Free text from outside, on every endpoint and page (``chengxin.core.text``). Not prefixed: a
# client meets them on every app's fields, as it meets the row error codes.
TEXT_TOO_LONG = "text_too_long"
TEXT_HOLDS_ID_NUMBER = "text_holds_id_number"

# Refusals of an uploaded table as a whole (``chengxin.core.tabular``), shared by collection
# imports and batch checks. Their names are part of the API (docs/collection-files.md), so they
# carry no ``core.`` prefix.
FILE_EMPTY = "file_empty"
FILE_TYPE_UNSUPPORTED = "file_type_unsupported"
FILE_CORRUPT = "file_corrupt"
FILE_ENCODING_INVALID = "file_encoding_invalid"
FILE_TOO_LARGE = "file_too_large"
FILE_UNPACKED_TOO_LARGE = "file_unpacked_too_large"
# chengxin backup / restore refused (a folder exists, keys inside the backup, no base backup)
BACKUP_REFUSED = "core.backup_refused"
