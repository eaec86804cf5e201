"""The permission matrix (SECURITY-TESTS.md R10, ASVS V8.1.1, V8.2.1, V8.2.2, V8.4.1).

Every URL pattern of the resolver and every operation of the OpenAPI schema is requested by each
of nine actors, and the answer must be the one ROUTES x RULES below says. ROUTES is the one table
of who may reach what: a route that is not in it fails `test_every_route_is_in_the_table`, so a
new page cannot ship without someone deciding who may open it.

Answers are written short: 200, 400, 403, 404, 405, 410...; L is a redirect to the sign-in page,
M one to the second-factor pages, R a redirect anywhere else (a page that sends a visitor on).

For each actor a rule refuses (L, M, 403, 404), a POST with an empty body must be refused as
well and must change nothing in the database. A POST-only view (its GET answers 405) names in its
rule's `post` who is refused. And no answer to organisation B's admin may contain any of
organisation A's identifiers (slug, name, people's emails, UUIDs and references)."""

import os
import time
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings

from tests.security.matrix import (
    ACTORS,
    REFUSALS,
    Answer,
    answer_code,
    changed,
    clients_for,
    fingerprint,
    leaked_identifiers,
)
from tests.security.objects import build_world
from tests.security.routes import API_PREFIX, api_operations, build_path, url_routes


@dataclass(frozen=True)
class Rule:
    """Expected answers, one per actor in ACTORS order: anonymous, prospect, member_a, admin_a,
    admin_b, legal, dpo, trust_admin, staff_no_2fa. `first` is the answer to the route's own
    request (a GET for a page, the operation's method for the API). `post`: the answers to an
    empty POST sent to a page, "-" for an actor allowed to post (not tried); by default, each
    refusal of `first` is expected again."""

    first: str
    post: str | None = None

    def expected(self, primary: bool) -> dict[str, str]:
        if primary:
            row = self.first.split()
        elif self.post is None:
            row = [code if code in REFUSALS else "-" for code in self.first.split()]
        else:
            row = self.post.split()
        assert len(row) == len(ACTORS), self
        return dict(zip(ACTORS, row, strict=True))


# fmt: off
# Columns:  anonymous, prospect, member_a, admin_a, admin_b, legal, dpo, trust_admin, staff_no_2fa
RULES = {
    # Anyone, signed in or not. Unknown or unpublished objects and bad tokens are 404 (or 410
    # for a link that has been used up), the same for everyone.
    "public":               Rule("200 200 200 200 200 200 200 200 200"),
    "public:redirect":      Rule("R   R   R   R   R   R   R   R   R"),
    "public:not_found":     Rule("404 404 404 404 404 404 404 404 404"),
    "public:not_found_get": Rule("404 404 404 404 404 404 404 404 404",
                                 "405 405 405 405 405 405 405 405 405"),
    "public:gone":          Rule("410 410 410 410 410 410 410 410 410"),
    "public:post_not_found": Rule("405 405 405 405 405 405 405 405 405",
                                  "404 404 404 404 404 404 404 404 404"),
    # A failed single sign-on: the same page for everyone, answered as an authentication error.
    "public:sign_in_error": Rule("401 401 401 401 401 401 401 401 401",
                                 "-   -   -   -   -   -   -   -   -"),
    # Sign-in, sign-up, sign-out and the second factor.
    "signed_out":           Rule("200 R   R   R   R   R   R   R   M",
                                 "-   -   -   -   -   -   -   -   M"),
    "logout":               Rule("R   200 200 200 200 200 200 200 200"),
    "mfa:setup":            Rule("L   200 200 200 200 M   M   M   200",
                                 "L   -   -   -   -   M   M   M   -"),
    # Customer admins, like staff, have an authenticator (MFA_REQUIRED_FOR_CUSTOMER_ADMINS).
    "mfa:verify":           Rule("L   R   R   200 200 200 200 200 M",
                                 "L   -   -   -   -   -   -   -   M"),
    "mfa:backup_codes":     Rule("L   M   M   200 200 200 200 200 M"),
    "mfa:remove_device":    Rule("405 405 405 405 405 405 405 405 405",
                                 "L   -   -   -   -   -   -   -   -"),
    "login_code":           Rule("L   R   R   R   R   R   R   R   M"),
    "sso:pending_signup":   Rule("L   L   L   L   L   L   L   L   L"),
    # Anyone signed in; the page shows the viewer's own things.
    "signed_in":            Rule("L   200 200 200 200 200 200 200 200"),
    "signed_in:redirect":   Rule("L   R   R   R   R   R   R   R   R"),
    "signed_in:org_picker": Rule("L   200 R   R   R   200 200 200 200"),
    "signed_in:not_found":  Rule("L   404 404 404 404 404 404 404 404",
                                 "L   405 405 405 405 405 405 405 405"),
    "signed_in:not_found_any": Rule("L   404 404 404 404 404 404 404 404"),
    "signed_in:post_not_found": Rule("L   405 405 405 405 405 405 405 405",
                                     "L   404 404 404 404 404 404 404 404"),
    # allauth's pages for a way of signing in that the settings turn off.
    "signed_in:turned_off": Rule("L   403 403 403 403 403 403 403 403"),
    "invitation":           Rule("404 404 404 404 404 404 404 404 404",
                                 "L   400 400 400 400 400 400 400 400"),
    "own:nda":              Rule("L   404 200 404 404 404 404 404 404",
                                 "L   405 -   405 405 405 405 405 405"),
    # Organisation A's pages: its members, or only its admins. Everyone else gets a 404 (the
    # organisation's existence is not theirs to learn), a member a 403 on admin pages.
    "org:member":           Rule("L   404 200 200 404 404 404 404 404"),
    "org:member_get":       Rule("L   404 200 200 404 404 404 404 404",
                                 "L   405 -   -   405 405 405 405 405"),
    "org:member_fresh_mfa": Rule("L   404 200 200 404 404 404 404 404",
                                 "L   404 -   -   404 M   M   M   404"),
    "org:member_post":      Rule("L   405 405 405 405 405 405 405 405",
                                 "L   404 -   -   404 M   M   M   404"),
    "org:member_post_plain": Rule("L   405 405 405 405 405 405 405 405",
                                  "L   404 -   -   404 404 404 404 404"),
    "org:admin":            Rule("L   404 403 200 404 404 404 404 404"),
    "org:admin_get":        Rule("L   404 403 200 404 404 404 404 404",
                                 "L   405 405 -   405 405 405 405 405"),
    "org:admin_post":       Rule("L   405 405 405 405 405 405 405 405",
                                 "L   404 403 -   404 404 404 404 404"),
    "org:admin_fresh_mfa":  Rule("L   404 403 200 404 404 404 404 404",
                                 "L   404 403 -   404 M   M   M   404"),
    "org:admin_redirect":   Rule("L   404 403 R   404 404 404 404 404"),
    "org:admin_hidden":     Rule("L   404 404 200 404 404 404 404 404"),
    # The back office: staff with a verified second factor, by role. Customers get a 403; staff
    # who have not set up their second factor are sent to set it up (M).
    "staff":                Rule("L   403 403 403 403 200 200 200 M"),
    "staff:post":           Rule("L   403 403 403 403 405 405 405 M",
                                 "L   403 403 403 403 -   -   -   M"),
    "staff:not_found":      Rule("L   403 403 403 403 404 404 404 M"),
    "staff:legal":          Rule("L   403 403 403 403 200 403 403 M"),
    "staff:legal_post":     Rule("L   403 403 403 403 405 403 403 M",
                                 "L   403 403 403 403 -   403 403 M"),
    "staff:legal_not_found": Rule("L   403 403 403 403 404 403 403 M",
                                  "L   403 403 403 403 -   403 403 M"),
    "staff:dpo":            Rule("L   403 403 403 403 403 200 403 M"),
    "staff:dpo_not_found":  Rule("L   403 403 403 403 403 404 403 M",
                                 "L   403 403 403 403 403 -   403 M"),
    "staff:dpo_post":       Rule("L   403 403 403 403 403 405 403 M",
                                 "L   403 403 403 403 403 -   403 M"),
    "staff:legal+dpo":      Rule("L   403 403 403 403 200 200 403 M"),
    "staff:legal+trust_admin": Rule("L   403 403 403 403 200 403 200 M"),
    "staff:legal+trust_admin_post": Rule("L   403 403 403 403 405 403 405 M",
                                         "L   403 403 403 403 -   403 -   M"),
    "staff:legal+trust_admin_not_found": Rule("L   403 403 403 403 404 403 404 M"),
    # The Django admin: Django staff only (none of these actors); sign-in goes through allauth.
    "admin":                Rule("L   403 403 403 403 403 403 403 403"),
    # The API with a browser session (API keys: see test_api_keys_* below). Public reads and
    # writes answer everyone; the organisation API needs a key (401). Staff without a second
    # factor are kept out of /api/v1/ altogether.
    "api:public":           Rule("200 200 200 200 200 200 200 200 403"),
    "api:public_write":     Rule("400 400 400 400 400 400 400 400 403"),
    "api:key":              Rule("401 401 401 401 401 401 401 401 403"),
    # The OAuth 2.0 token endpoint: POST only, and a session is no credential there (an empty
    # POST is an RFC 6749 error for everyone).
    "oauth:token":          Rule("405 405 405 405 405 405 405 405 405",
                                 "400 400 400 400 400 400 400 400 400"),
}

# Every route of the project and the rule that says who may open it.
ROUTES: dict[str, str] = {
    "": "public",
    "portal/": "signed_in",
    "staff/": "staff",
    "after-login/": "signed_in:redirect",
    "documents/": "public",
    "documents/<public_id>/": "public:not_found_get",
    "documents/download/<token>/": "public:not_found_get",
    "subprocessors/": "public",
    "subprocessors/feed.atom": "public",
    "subprocessors/subscribe/": "public",
    "subprocessors/subscribe/sent/": "public",
    "subprocessors/subscribe/confirm/<token>/": "public:not_found",
    "subprocessors/unsubscribe/<token>/": "public:not_found",
    "subprocessors/changes/": "public",
    "subprocessors/changes/<public_id>/": "public:not_found_get",
    "subprocessors/changes/<public_id>/deadline.ics": "public:not_found_get",
    "subprocessors/versions/": "public",
    "subprocessors/versions/compare/": "public",
    "subprocessors/versions/<number>/": "public",
    "privacy/requests/new/": "public",
    "privacy/requests/new/sent/": "public:redirect",
    "privacy/requests/confirm/<token>/": "public:gone",
    "privacy/requests/open/<token>/": "public",
    "privacy/requests/look-up/": "public",
    "privacy/requests/<reference>/": "public",
    "privacy/requests/<reference>/reply/": "public:post_not_found",
    "privacy/requests/<reference>/letter.pdf": "public:not_found_get",
    "privacy/requests/<reference>/download/<token>/": "public:not_found_get",
    "healthz": "public",
    "status/": "public",
    ".well-known/security.txt": "public",
    "data-act/": "public",
    "data-act/schemas/<category_id>.json": "public",
    "retention/": "public",
    "staff/retention/": "staff:legal",
    "staff/retention/<public_id>/": "staff:legal",
    "accounts/2fa/setup/": "mfa:setup",
    "accounts/2fa/verify/": "mfa:verify",
    "accounts/2fa/backup-codes/": "mfa:backup_codes",
    "accounts/2fa/devices/remove/": "mfa:remove_device",
    "accounts/security/": "signed_in",
    "accounts/sso/<provider_id>/callback/": "public:not_found_get",
    "accounts/login/": "signed_out",
    "accounts/logout/": "logout",
    "accounts/inactive/": "public",
    "accounts/signup/": "signed_out",
    "accounts/reauthenticate/": "signed_in",
    # Confirming by a code sent by email is off (ACCOUNT_REAUTHENTICATION_METHODS).
    "accounts/reauthenticate/code/": "signed_in:turned_off",
    "accounts/reauthenticate/code/confirm/": "signed_in:turned_off",
    "accounts/email/": "signed_in",
    "accounts/confirm-email/": "public",
    "accounts/password/change/": "signed_in",
    "accounts/password/set/": "signed_in:redirect",
    "accounts/password/reset/": "public",
    "accounts/login/code/confirm/": "login_code",
    "accounts/confirm-email/<key>/": "public",
    "accounts/password/reset/key/done/": "public",
    "accounts/password/reset/key/<uidb36>-<key>/": "public",
    "accounts/password/reset/done/": "public",
    "accounts/3rdparty/login/cancelled/": "public",
    "accounts/3rdparty/login/error/": "public:sign_in_error",
    "accounts/3rdparty/signup/": "sso:pending_signup",
    "accounts/3rdparty/": "signed_in",
    "accounts/social/login/cancelled/": "public:redirect",
    "accounts/social/login/error/": "public:redirect",
    "accounts/social/signup/": "public:redirect",
    "accounts/social/connections/": "public:redirect",
    "accounts/oidc/<provider_id>/login/": "public:not_found",
    "accounts/oidc/<provider_id>/login/callback/": "public:not_found",
    "portal/exports/": "signed_in:org_picker",
    "portal/exports/<slug>/": "org:member_fresh_mfa",
    "portal/exports/<slug>/download/<token>/": "signed_in:not_found",
    "portal/exports/<slug>/<public_id>/": "org:member_get",
    "portal/exports/<slug>/<public_id>/status/": "org:member_get",
    "portal/exports/<slug>/<public_id>/retry/": "org:member_post",
    "portal/leaving/": "signed_in",
    "portal/leaving/certificate/<public_id>/": "signed_in:not_found",
    "portal/leaving/<slug>/": "org:member_get",
    "portal/leaving/<slug>/switch/": "org:admin_post",
    "portal/leaving/<slug>/choose/": "org:admin_post",
    "portal/leaving/<slug>/extend-transition/": "org:admin_post",
    "portal/leaving/<slug>/extend-retrieval/": "org:admin_post",
    "portal/leaving/<slug>/confirm-deletion/": "org:admin_fresh_mfa",
    "portal/rights-requests/": "signed_in",
    "portal/rights-requests/<public_id>/": "org:admin_hidden",
    "portal/dpa/": "signed_in:org_picker",
    "portal/dpa/<slug>/": "org:member_get",
    "portal/dpa/<slug>/sign/": "org:admin_redirect",
    "portal/dpa/<slug>/download/<token>/": "signed_in:not_found",
    "portal/security-notices/": "signed_in",
    "portal/audits/": "signed_in",
    "portal/audits/new/<slug>/": "org:admin",
    "portal/audits/download/<token>/": "signed_in:not_found",
    "portal/audits/<public_id>/": "org:member_get",
    "portal/audits/<public_id>/messages/": "org:admin_post",
    "portal/security-notices/<public_id>/": "org:member_get",
    "portal/security-notices/<public_id>/acknowledge/": "org:member_post_plain",
    "portal/security-notices/<public_id>/follow-ups/<number>/acknowledge/": "org:member_post_plain",
    "portal/access-requests/": "signed_in",
    "portal/access-requests/new/": "signed_in",
    "portal/nda/": "signed_in",
    "portal/nda/upload/": "signed_in",
    "portal/nda/<public_id>/": "own:nda",
    "portal/nda/<public_id>/receipt.pdf": "signed_in:not_found",
    "portal/questionnaires/": "signed_in",
    "portal/questionnaires/answer/<token>/": "signed_in:not_found",
    "portal/subprocessors/": "signed_in:org_picker",
    "portal/subprocessors/subscriptions/": "signed_in",
    "portal/subprocessors/<slug>/": "org:member_get",
    "portal/subprocessors/<slug>/changes/<public_id>/": "signed_in:not_found_any",
    "portal/subprocessors/<slug>/changes/<public_id>/acknowledge/": "signed_in:post_not_found",
    "portal/subprocessors/<slug>/webhooks/": "org:admin",
    "portal/subprocessors/<slug>/webhooks/<public_id>/": "org:admin_get",
    "portal/subprocessors/<slug>/webhooks/<public_id>/delete/": "org:admin_post",
    "portal/organisations/<slug>/api-keys/": "org:admin",
    "portal/organisations/<slug>/api-keys/<public_id>/revoke/": "org:admin",
    "portal/organisations/<slug>/api-clients/": "org:admin",
    "portal/organisations/<slug>/api-clients/<public_id>/revoke/": "org:admin",
    "portal/organisations/<slug>/api-clients/<public_id>/revoke-tokens/": "org:admin",
    "oauth/token/": "oauth:token",
    "portal/messages/": "signed_in",
    "portal/messages/<public_id>/": "org:admin_hidden",
    "portal/organisations/<slug>/": "org:member",
    "portal/organisations/<slug>/invitations/": "org:admin_post",
    "portal/organisations/<slug>/invitations/<public_id>/revoke/": "org:admin_post",
    "portal/organisations/<slug>/members/<user_id>/remove/": "org:admin",
    "portal/organisations/<slug>/members/<user_id>/role/": "org:admin_post",
    "portal/invitations/<token>/": "invitation",
    "portal/profile/": "signed_in",
    "staff/organisations/": "staff",
    "staff/organisations/new/": "staff:legal+trust_admin",
    "staff/organisations/<slug>/": "staff",
    "staff/organisations/<slug>/edit/": "staff:legal+trust_admin",
    "staff/organisations/<slug>/invitations/": "staff:legal+trust_admin_post",
    "staff/organisations/<slug>/invitations/<public_id>/revoke/": "staff:legal+trust_admin_post",
    "staff/organisations/<slug>/members/<user_id>/remove/": "staff:legal+trust_admin_post",
    "staff/organisations/<slug>/members/<user_id>/role/": "staff:legal+trust_admin_post",
    "staff/audit/": "staff",
    "staff/audit/events/<public_id>/": "staff",
    "staff/audit/exports/": "staff:post",
    "staff/audit/exports/<public_id>/": "staff",
    "staff/audit/exports/<public_id>/retry/": "staff:post",
    "staff/audit/exports/download/<token>/": "staff:not_found",
    "staff/trust-centre/": "staff:legal+trust_admin",
    "staff/trust-centre/reviews/": "staff:legal+trust_admin",
    "staff/trust-centre/reviews/<kind>/<public_id>/": "staff:legal+trust_admin_post",
    "staff/trust-centre/analytics/": "staff:legal+trust_admin",
    "staff/trust-centre/<kind>/": "staff:legal+trust_admin",
    "staff/trust-centre/<kind>/new/": "staff:legal+trust_admin",
    "staff/trust-centre/<kind>/<key>/": "staff:legal+trust_admin",
    "staff/trust-centre/overview/": "staff:legal+trust_admin",
    "staff/access-requests/": "staff:legal+trust_admin",
    "staff/access-requests/<public_id>/": "staff:legal+trust_admin",
    "staff/nda-versions/": "staff:legal+trust_admin",
    "staff/nda-register/": "staff:legal+trust_admin",
    "staff/nda-register/<public_id>/receipt.pdf": "staff:legal+trust_admin",
    "staff/access-requests/<public_id>/approve/": "staff:legal+trust_admin_post",
    "staff/access-requests/<public_id>/reject/": "staff:legal+trust_admin_post",
    "staff/access-requests/<public_id>/revoke/": "staff:legal+trust_admin_post",
    "staff/nda-uploads/<public_id>/": "staff:legal+trust_admin",
    "staff/nda-uploads/<public_id>/file/": "staff:legal+trust_admin",
    "staff/documents/": "staff:legal+trust_admin",
    "staff/documents/<public_id>/": "staff:legal+trust_admin",
    "staff/questionnaires/": "staff:legal+trust_admin",
    "staff/questionnaires/<public_id>/": "staff:legal+trust_admin",
    "staff/questionnaires/<public_id>/assign/": "staff:legal+trust_admin_post",
    "staff/questionnaires/<public_id>/file/": "staff:legal+trust_admin",
    "staff/subprocessors/": "staff:legal",
    "staff/subprocessors/register/": "staff:legal",
    "staff/subprocessors/register/new/": "staff:legal",
    "staff/subprocessors/register/<public_id>/": "staff:legal",
    "staff/subprocessors/notices/new/": "staff:legal",
    "staff/subprocessors/notices/<public_id>/": "staff:legal",
    "staff/subprocessors/notices/<public_id>/announce/": "staff:legal_post",
    "staff/subprocessors/notices/<public_id>/withdraw/": "staff:legal_post",
    "staff/subprocessors/notices/<public_id>/proceed/": "staff:legal_post",
    "staff/subprocessors/objections/<public_id>/reply/": "staff:legal_post",
    "staff/subprocessors/objections/<public_id>/resolve/": "staff:legal_post",
    "staff/subprocessors/register/<public_id>/assessments/": "staff:legal",
    "staff/subprocessors/register/<public_id>/assessments/new/": "staff:legal",
    "staff/subprocessors/assessments/<public_id>/": "staff:legal",
    "staff/subprocessors/assessments/<public_id>/delete/": "staff:legal_post",
    "staff/subprocessors/assessments/evidence/<token>/": "staff:legal_not_found",
    "staff/rights-requests/": "staff:dpo",
    "staff/rights-requests/stats/": "staff:dpo",
    "staff/rights-requests/<reference>/": "staff:dpo_not_found",
    "staff/rights-requests/<reference>/letter.pdf": "staff:dpo_not_found",
    "staff/rights-requests/<reference>/jobs/<public_id>/": "staff:dpo_not_found",
    "staff/rights-requests/<reference>/<action>/": "staff:dpo_post",
    "staff/end-of-contract/": "staff:legal",
    "staff/end-of-contract/<public_id>/": "staff:legal",
    "staff/end-of-contract/<public_id>/unfeasibility/": "staff:legal_post",
    "staff/end-of-contract/<public_id>/holds/": "staff:legal_post",
    "staff/end-of-contract/<public_id>/holds/<hold_id>/release/": "staff:legal_post",
    "staff/end-of-contract/<public_id>/deletion/start/": "staff:legal_post",
    "staff/end-of-contract/<public_id>/deletion/retry/": "staff:legal_post",
    "staff/end-of-contract/<public_id>/countersign/": "staff:legal_post",
    "staff/end-of-contract/<public_id>/certificate/": "staff:legal_not_found",
    "staff/data-act/": "staff:legal",
    "staff/data-act/custom-exports/": "staff:legal",
    "staff/data-act/<kind>/new/": "staff:legal",
    "staff/data-act/<kind>/<public_id>/": "staff:legal",
    "staff/data-act/<kind>/<public_id>/remove/": "staff:legal",
    "staff/dpa/": "staff:legal",
    "staff/dpa/organisations/<slug>/remind/": "staff:legal_post",
    "staff/dpa/organisations/<slug>/upload/": "staff:legal",
    "staff/dpa/versions/": "staff:legal",
    "staff/dpa/versions/new/": "staff:legal",
    "staff/dpa/versions/<public_id>/": "staff:legal",
    "staff/dpa/versions/<public_id>/edit/": "staff:legal",
    "staff/dpa/versions/<public_id>/preview.pdf": "staff:legal",
    "staff/dpa/versions/<public_id>/publish/": "staff:legal_post",
    "staff/dpa/agreements/<public_id>/": "staff:legal",
    "staff/dpa/agreements/<public_id>/countersign/": "staff:legal_post",
    "staff/dpa/agreements/<public_id>/download/": "staff:legal_not_found",
    "staff/incidents/": "staff:legal+dpo",
    "staff/audits/": "staff:legal",
    "staff/audits/<public_id>/": "staff:legal",
    "staff/audits/<public_id>/triage/": "staff:legal_post",
    "staff/audits/<public_id>/answer/": "staff:legal_post",
    "staff/audits/<public_id>/schedule/": "staff:legal_post",
    "staff/audits/<public_id>/messages/": "staff:legal_post",
    "staff/audits/<public_id>/close/": "staff:legal_post",
    "staff/incidents/<public_id>/": "staff:legal+dpo",
    "staff/incidents/<public_id>/edit/": "staff:dpo",
    "staff/incidents/<public_id>/notify/": "staff:dpo_post",
    "staff/incidents/<public_id>/close/": "staff:dpo_post",
    "staff/incidents/<public_id>/follow-ups/": "staff:dpo_post",
    "staff/incidents/new/": "staff:dpo",
    "staff/sso/": "staff:legal+trust_admin",
    "staff/sso/<slug>/": "staff:legal+trust_admin",
    "staff/sso/<slug>/remove/": "staff:legal+trust_admin_not_found",
    "admin/": "admin",
    "api/schema/": "public",
    "api/docs/": "public",
    "i18n/setlang/": "public:redirect",
    "GET /api/v1/data-act/register/": "api:public",
    "GET /api/v1/retention-schedule/": "api:public",
    "GET /api/v1/documents/": "api:public",
    "GET /api/v1/subprocessors/": "api:public",
    "GET /api/v1/subprocessors/changes/": "api:public",
    "POST /api/v1/subprocessors/subscriptions/": "api:public_write",
    "POST /api/v1/rights-requests/": "api:public_write",
    "GET /api/v1/organisation/": "api:key",
    "GET /api/v1/organisation/members/": "api:key",
    "POST /api/v1/exports/": "api:key",
    "GET /api/v1/exports/{public_id}/": "api:key",
    "GET /api/v1/exports/{public_id}/download/": "api:key",
    "POST /api/v1/subprocessors/changes/{public_id}/objections/": "api:key",
    "GET /api/v1/security-notices/": "api:key",
    "GET /api/v1/security-notices/{public_id}/": "api:key",
}
# fmt: on


def rule_for(key: str) -> str | None:
    """The table's rule; every page of the Django admin follows the admin's rule."""
    return ROUTES.get(key) or ("admin" if key.startswith("admin/") else None)


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker, tmp_path_factory):
    """Builds the people and objects once, requests every (route, actor) pair, and rolls the
    whole thing back afterwards."""
    private = tmp_path_factory.mktemp("private")
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with (
        django_db_blocker.unblock(),
        override_settings(STORAGES=storages, EXPORT_WORK_DIR=private / "work"),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            cache.clear()
            world = build_world()
            started = time.monotonic()
            answers = _request_everything(world)
            elapsed = time.monotonic() - started
            yield world, answers, elapsed
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()


def _admin_list(key: str) -> bool:
    """The admin's index and each model's list."""
    return key == "admin/" or (key.count("/") == 3 and not key.endswith(("/add/", "_change/")))


def _targets():
    """(key, method, route for the kwargs) of every page and API operation."""
    routes = url_routes()
    by_key = {route.key: route for route in routes}
    for route in routes:
        if route.key.startswith(API_PREFIX):
            continue  # the schema's operations below
        if route.key.startswith("admin/") and (route.kwargs or not _admin_list(route.key)):
            continue  # the admin checks its other pages as it checks its index and lists
        yield route.key, route
    for operation in api_operations():
        route_key = operation.path.lstrip("/").replace("{", "<").replace("}", ">")
        yield operation.key, by_key[route_key]


PROBE = os.environ.get("MATRIX_PROBE") == "1"


def _request_everything(world) -> list[Answer]:
    clients = clients_for(world)
    answers = []
    for key, route in _targets():
        try:
            path = build_path(route, world.kwargs)
        except KeyError as error:
            answers.append(Answer(key, "", "", "", f"no object: {error.args[0]}"))
            continue
        method = key.split()[0] if " " in key else "GET"
        rule = RULES.get(rule_for(key) or "")
        for actor in ACTORS:
            client = clients[actor]
            cache.clear()  # rate limits are not what this test is about
            if method == "GET":
                response = client.get(path)
            else:
                response = client.generic(method, path, b"{}", content_type="application/json")
            answer = Answer(key, actor, method, path, answer_code(response))
            if actor == "admin_b":
                answer.leaked = leaked_identifiers(response.content, path, world.identifiers_of_a)
            answers.append(answer)
            if method != "GET":
                continue
            if rule is not None:
                post_expected = rule.expected(primary=False)[actor]
                should_post = post_expected != "-"
            else:
                should_post = PROBE and answer.code in REFUSALS
            if should_post:
                before = fingerprint()
                response = client.post(path, {})
                after = fingerprint()
                post = Answer(key, actor, "POST", path, answer_code(response), primary=False)
                post.changes = changed(before, after)
                if actor == "admin_b":
                    post.leaked = leaked_identifiers(response.content, path, world.identifiers_of_a)
                answers.append(post)
    if PROBE:
        _print_probe(answers)
    return answers


def _print_probe(answers):
    rows: dict = {}
    for answer in answers:
        if not answer.actor:
            print("PROBE", answer.code)
            continue
        rows.setdefault((answer.route, answer.primary), {})[answer.actor] = answer
    for (route, primary), by_actor in rows.items():
        method = "" if primary else "POST"
        codes = " ".join(f"{by_actor[a].code:>3}" if a in by_actor else "  -" for a in ACTORS)
        extra = [f"{a}:{x.changes}" for a, x in by_actor.items() if x.changes]
        extra += [f"LEAK {x.leaked}" for x in by_actor.values() if x.leaked]
        print(f"PROBE {method:4} {codes}  {route}  {' '.join(extra)}")


def test_every_route_is_in_the_table(db):
    missing = [key for key, _route in _targets() if rule_for(key) is None]
    assert not missing, "Routes missing from ROUTES (decide who may open them):\n" + "\n".join(
        missing
    )
    unknown_rules = {rule for rule in ROUTES.values() if rule not in RULES}
    assert not unknown_rules
    stale = set(ROUTES) - {key for key, _route in _targets()}
    assert not stale, f"ROUTES names routes that no longer exist: {sorted(stale)}"


@pytest.mark.django_db
def test_every_answer_is_the_one_the_table_says(matrix):
    _world, answers, _elapsed = matrix
    wrong = []
    for answer in answers:
        if not answer.actor:
            wrong.append(f"{answer.route}: {answer.code} (add a factory in objects.py)")
            continue
        rule_name = rule_for(answer.route)
        if rule_name is None:
            continue  # reported by test_every_route_is_in_the_table
        expected = RULES[rule_name].expected(answer.primary)[answer.actor]
        if answer.code != expected:
            wrong.append(
                f"{answer.method} {answer.path} ({answer.route}) as {answer.actor}: "
                f"{answer.code}, expected {expected} ({rule_name})"
            )
    assert not wrong, f"{len(wrong)} answers differ from the table:\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_refused_posts_change_nothing(matrix):
    _world, answers, _elapsed = matrix
    changes = [
        f"POST {a.path} as {a.actor} ({a.code}) changed {a.changes}"
        for a in answers
        if not a.primary and a.changes
    ]
    assert not changes, "\n".join(changes)


@pytest.mark.django_db
def test_no_answer_to_organisation_b_holds_organisation_a_identifiers(matrix):
    world, answers, _elapsed = matrix
    assert world.identifiers_of_a >= {"acme", "admin@acme.test", "member@acme.test"}
    leaks = [
        f"{'GET' if a.primary else 'POST'} {a.path} ({a.code}): {', '.join(a.leaked)}"
        for a in answers
        if a.actor == "admin_b" and a.leaked
    ]
    assert not leaks, "Organisation A's identifiers in answers to B's admin:\n" + "\n".join(leaks)


@pytest.mark.django_db
def test_the_matrix_is_complete_and_quick(matrix):
    """Every route was asked by every actor, and the whole walk stays fast enough to run on
    every change."""
    _world, answers, elapsed = matrix
    asked = {(a.route, a.actor) for a in answers if a.primary and a.actor}
    routes = {key for key, _route in _targets()}
    assert asked == {(route, actor) for route in routes for actor in ACTORS} - {
        (a.route, actor) for a in answers if not a.actor for actor in ACTORS
    }
    assert len(routes) > 150
    assert elapsed < 240, f"the matrix took {elapsed:.0f} s"
