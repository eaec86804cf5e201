"""Who may do what with incidents and security notices; every refusal is audited.

| action                              | dpo | legal | other staff | customer | other org |
|-------------------------------------|-----|-------|-------------|----------|-----------|
| list and read incidents (/staff/)   | yes | yes   | 403         | 403      | 403       |
| record, edit, notify, follow up,    | yes | 403   | 403         | 403      | 403       |
| close                               |     |       |             |          |           |
| read and acknowledge its own notice | -   | -     | -           | yes      | 404       |
| and each of its follow-ups          |     |       |             |          |           |
("customer": a member or admin of the notified organisation.)
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from trustcentre.accounts.permissions import has_staff_role, staff_required

VIEW_ROLES = ("dpo", "legal")
WRITE_ROLES = ("dpo",)


def _audited_role_required(*roles: str):
    """Like staff_role_required, but the role is checked first, for everyone signed in, so
    that a customer or another staff member who tries is audited."""

    def decorator(view):
        staff_view = staff_required(view)

        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(has_staff_role(request.user, role) for role in roles):
                from dpa.breaches.services import refusal_record

                refusal_record(
                    request=request,
                    reason=f"authz:breach pages need the role {' or '.join(roles)}",
                    details={"path": request.path, "method": request.method},
                )
                raise PermissionDenied
            return staff_view(request, *args, **kwargs)

        return wrapper

    return decorator


incident_viewer_required = _audited_role_required(*VIEW_ROLES)
dpo_required = _audited_role_required(*WRITE_ROLES)
