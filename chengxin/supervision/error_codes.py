"""Machine codes of the refusals of supervision (docs/supervision.md, "Refusals")."""

SUPERVISION_ROLE_REQUIRED = "supervision_role_required"
SUPERVISION_LISTING_ROLE_REQUIRED = "supervision_listing_role_required"
SUPERVISION_FIELD_REQUIRED = "supervision_field_required"
SUPERVISION_CHOICE_INVALID = "supervision_choice_invalid"
SUPERVISION_USCC_TAKEN = "supervision_uscc_taken"
SUPERVISION_PRACTITIONER_EXISTS = "supervision_practitioner_exists"
SUPERVISION_TOKEN_NOT_FOUND = "supervision_token_not_found"  # noqa: S105 - an error code
SUPERVISION_TOKEN_NOT_AGENCY = "supervision_token_not_agency"  # noqa: S105 - an error code
SUPERVISION_TOKEN_LINKED = "supervision_token_linked"  # noqa: S105 - an error code
SUPERVISION_TOKEN_REVOKED = "supervision_token_revoked"  # noqa: S105 - an error code
SUPERVISION_AGENCY_LISTED = "supervision_agency_listed"
SUPERVISION_TARGET_INVALID = "supervision_target_invalid"
SUPERVISION_INSPECTION_STATE = "supervision_inspection_state"
SUPERVISION_DATE_INVALID = "supervision_date_invalid"
SUPERVISION_RESPONSIBLE_INVALID = "supervision_responsible_invalid"
SUPERVISION_LISTING_STATE = "supervision_listing_state"
SUPERVISION_LISTING_NOT_EXPIRED = "supervision_listing_not_expired"
SUPERVISION_RECORDS_REFUSED = "supervision_records_refused"
SUPERVISION_NOT_FOUND = "supervision_not_found"

# Agency queries (docs/supervision.md, "Agency queries").
AGENCY_ROLE_REQUIRED = "agency_role_required"
AGENCY_TOKEN_NOT_LINKED = "agency_token_not_linked"  # noqa: S105 - an error code
AGENCY_TOKEN_REVOKED = "agency_token_revoked"  # noqa: S105 - an error code
AGENCY_BLACKLISTED = "agency_blacklisted"
AGENCY_LICENCE_INACTIVE = "agency_licence_inactive"
AGENCY_PURPOSE_NOT_ALLOWED = "agency_purpose_not_allowed"
AGENCY_ID_NUMBER_INVALID = "agency_id_number_invalid"
AGENCY_NO_CONSENT = "agency_no_consent"
AGENCY_CONSENT_EXPIRED = "agency_consent_expired"
AGENCY_CONSENT_REVOKED = "agency_consent_revoked"
AGENCY_CONSENT_NOT_YET_VALID = "agency_consent_not_yet_valid"
AGENCY_ITEM_UNKNOWN = "agency_item_unknown"
AGENCY_ITEM_NOT_DISCLOSABLE = "agency_item_not_disclosable"
AGENCY_ITEM_OUT_OF_SCOPE = "agency_item_out_of_scope"
