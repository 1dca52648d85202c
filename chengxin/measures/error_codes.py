"""Machine codes of the measures app's refusals."""

MEASURE_NOT_FOUND = "measure_not_found"
MEASURE_INVALID = "measure_invalid"
MEASURE_CODE_TAKEN = "measure_code_taken"
MEASURE_NO_LEGAL_BASIS = "measure_no_legal_basis"
MEASURE_NO_DEPARTMENT = "measure_no_department"
MEASURE_RETIRED = "measure_retired"
MEASURE_UNKNOWN_ATTRIBUTE = "measure_unknown_attribute"

# Problems of one imported row (``imports.py``).
ROW_REQUIRED = "required"
ROW_CHOICE = "choice_unknown"
ROW_DEPARTMENT_UNKNOWN = "department_unknown"
ROW_TARGET_UNKNOWN = "target_unknown"
ROW_DUPLICATE = "duplicate_in_file"
