"""Reads other apps may use. The breach notifications call `notice_contact_for`."""

from trustcentre.accounts.models import Organisation


def notice_contact_for(organisation: Organisation) -> str | None:
    """The email address for notices named on the organisation's DPA in force, if any."""
    return None
