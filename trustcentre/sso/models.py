"""Single sign-on: an organisation's OpenID Connect identity provider and its domains."""
