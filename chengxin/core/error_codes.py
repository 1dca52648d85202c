"""Machine codes of the core app's refusals: policy values and the working-day calendar."""

POLICY_UNKNOWN = "core.policy_unknown"
POLICY_INVALID_TYPE = "core.policy_invalid_type"
POLICY_OUT_OF_RANGE = "core.policy_out_of_range"
POLICY_REASON_REQUIRED = "core.policy_reason_required"
CALENDAR_DAY_NOT_FOUND = "core.calendar_day_not_found"
CALENDAR_DAY_NAME_REQUIRED = "core.calendar_day_name_required"

# Refusals of an uploaded table as a whole (``chengxin.core.tabular``), shared by collection
# imports and batch checks. Their names are part of the API (docs/collection-files.md), so they
# carry no ``core.`` prefix.
FILE_EMPTY = "file_empty"
FILE_TYPE_UNSUPPORTED = "file_type_unsupported"
FILE_CORRUPT = "file_corrupt"
FILE_ENCODING_INVALID = "file_encoding_invalid"
FILE_TOO_LARGE = "file_too_large"
FILE_UNPACKED_TOO_LARGE = "file_unpacked_too_large"
