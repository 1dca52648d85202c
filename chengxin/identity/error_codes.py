"""Machine codes of the identity app: refusals (errors) and remarks (warnings).

The identity-number codes are shared with the test vectors in ``shared/data/id_vectors.csv``, whose
``error_code`` column names the first error of each invalid number.
"""

# Identity numbers (GB 11643): errors.
ID_LENGTH = "id_length"
ID_CHARSET = "id_charset"
ID_CHECKSUM = "id_checksum"
ID_BIRTH_DATE = "id_birth_date"
ID_REGION = "id_region"

# Identity numbers: warnings (the number is accepted).
ID_CONVERTED_15 = "id_converted_15"
ID_COUNTY_UNKNOWN = "id_county_unknown"

# A request's identity number that is not a valid one (the first error's code is in its details).
ID_NUMBER_INVALID = "id_number_invalid"

# Unified social credit codes (GB 32100): errors.
USCC_LENGTH = "uscc_length"
USCC_CHARSET = "uscc_charset"
USCC_CHECKSUM = "uscc_checksum"

# Unified social credit codes: warnings.
USCC_PILOT_CODE = "uscc_pilot_code"

# Services and selectors.
ID_INVALID = "id_invalid"
ID_READ_DENIED = "id_read_denied"
ID_PURPOSE_REQUIRED = "id_purpose_required"
ID_CASE_NO_REQUIRED = "id_case_no_required"
