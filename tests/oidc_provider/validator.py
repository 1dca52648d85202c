"""The provider's claims about its (made-up) users: the verified ID number and name as a
real-name platform returns them, read from ``OIDC_TEST_USERS``."""

import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator


def claims_of(username: str) -> dict:
    users = json.loads(os.environ.get("OIDC_TEST_USERS", "{}"))
    return dict(users.get(username, {}).get("claims", {}))


class RealNameValidator(OAuth2Validator):
    # Every claim is released whatever the scope (a real-name platform returns its claims to
    # the relying parties it registered).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return claims_of(request.user.username)
