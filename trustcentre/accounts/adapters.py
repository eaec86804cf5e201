"""django-allauth adapter: how the portal's accounts differ from allauth's defaults."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    pass
