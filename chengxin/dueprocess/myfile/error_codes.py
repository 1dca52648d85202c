"""Machine codes of the refusals of the person's file, who looked and access challenges."""

LOOKUP_NOT_FOUND = "lookup_not_found"
CHALLENGE_NOT_FOUND = "access_challenge_not_found"
CHALLENGE_ALREADY_OPEN = "access_challenge_already_open"
CHALLENGE_TRANSITION_NOT_ALLOWED = "access_challenge_transition_not_allowed"
CHALLENGE_ROLE_REQUIRED = "access_challenge_role_required"
