"""Machine codes of reading department files and validating rows (docs/collection-files.md).

Row errors also use the identity codes of ``chengxin.identity.error_codes`` (``id_checksum`` …)
unchanged, so a clerk sees the same code for the same wrong number everywhere.
"""

from chengxin.core import error_codes as _core_codes

# File-level errors: the file cannot be read (the shared reader's codes, chengxin.core.tabular)
# or does not fit the item.
FILE_EMPTY = _core_codes.FILE_EMPTY
FILE_TYPE_UNSUPPORTED = _core_codes.FILE_TYPE_UNSUPPORTED
FILE_CORRUPT = _core_codes.FILE_CORRUPT
FILE_ENCODING_INVALID = _core_codes.FILE_ENCODING_INVALID
FILE_TOO_LARGE = _core_codes.FILE_TOO_LARGE
FILE_TOO_MANY_ROWS = "file_too_many_rows"
FILE_UNPACKED_TOO_LARGE = _core_codes.FILE_UNPACKED_TOO_LARGE
FILE_HEADER_MISSING = "file_header_missing"
FILE_COLUMNS_MISSING = "file_columns_missing"
FILE_COLUMN_DUPLICATE = "file_column_duplicate"

# File-level warning: reported once, the rest of the file is read.
FILE_COLUMNS_UNKNOWN = "file_columns_unknown"

# Row errors: one per problem of a value.
FIELD_REQUIRED = "field_required"
FIELD_TYPE = "field_type"
FIELD_PATTERN = "field_pattern"
FIELD_ENUM = "field_enum"
FIELD_MINIMUM = "field_minimum"
FIELD_MAXIMUM = "field_maximum"
FIELD_MAX_LENGTH = "field_max_length"
FIELD_UNKNOWN = "field_unknown"
DATE_INVALID = "date_invalid"
DECIDED_ON_FUTURE = "decided_on_future"
