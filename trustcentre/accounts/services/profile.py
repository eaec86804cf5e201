"""The signed-in user's own profile."""

import zoneinfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trustcentre.audit.services import audit_record


@transaction.atomic
def profile_update(*, user, full_name: str, time_zone: str, request=None):
    if time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    new_values = {"full_name": full_name.strip(), "time_zone": time_zone}
    changed = [field for field, value in new_values.items() if getattr(user, field) != value]
    if not changed:
        return user
    for field in changed:
        setattr(user, field, new_values[field])
    user.save(update_fields=changed)
    audit_record(
        action="user.profile_updated",
        actor=user,
        obj=user,
        request=request,
        details={"changed": changed},
    )
    return user
