"""Use cases for organisations, their members and invitations, and the user's own profile."""

from trustcentre.accounts.services._common import (  # noqa: F401
    FREE_MAIL_DOMAINS,
    INVITATION_VALIDITY,
)
from trustcentre.accounts.services.domain_join import (  # noqa: F401
    organisation_join_by_domain,
)
from trustcentre.accounts.services.invitations import (  # noqa: F401
    invitation_accept,
    invitation_create,
    invitation_problem,
    invitation_revoke,
)
from trustcentre.accounts.services.memberships import (  # noqa: F401
    membership_change_role,
    membership_join,
    membership_remove,
)
from trustcentre.accounts.services.organisations import (  # noqa: F401
    organisation_clean_domains,
    organisation_create,
    organisation_update,
)
from trustcentre.accounts.services.profile import (  # noqa: F401
    profile_update,
)
