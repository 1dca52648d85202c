"""Machine codes of the due-process app's refusals."""

ATTACHMENT_TOO_LARGE = "dueprocess.attachment_too_large"
ATTACHMENT_TOO_MANY = "dueprocess.attachment_too_many"
ATTACHMENT_TYPE_REFUSED = "dueprocess.attachment_type_refused"
ATTACHMENT_UNREADABLE = "dueprocess.attachment_unreadable"
ATTACHMENT_EMPTY = "dueprocess.attachment_empty"
# An ID number that does not validate, in any kind of case (the code the identity checks use).
ID_NUMBER_INVALID = "id_number_invalid"
