"""Demo data for a fresh installation: the provider, its staff, two customers and a prospect.

Idempotent: running it again changes nothing that is already there.
"""

import secrets

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from trustcentre.accounts.models import STAFF_ROLES, Membership, Organisation, User
from trustcentre.pages.models import ProviderProfile

DEMO_PASSWORD = "trust-demo-2026!"

STAFF = [
    ("legal@northwind.example", "Lena Legal", ["legal"]),
    ("dpo@northwind.example", "Dario Privacy", ["dpo"]),
    ("trust@northwind.example", "Tess Trust", ["trust_admin"]),
]

ORGANISATIONS = [
    {
        "slug": "acme-retail",
        "name": "Acme Retail GmbH",
        "kind": Organisation.Kind.CUSTOMER,
        "domains": ["acme-retail.example"],
        "people": [
            ("admin@acme-retail.example", "Anna Admin", Membership.Role.ADMIN),
            ("member@acme-retail.example", "Marc Member", Membership.Role.MEMBER),
        ],
        "contract": ("2025-01-01", "2027-12-31"),
    },
    {
        "slug": "globex-logistics",
        "name": "Globex Logistics Ltd",
        "kind": Organisation.Kind.CUSTOMER,
        "domains": ["globex-logistics.example"],
        "people": [
            ("admin@globex-logistics.example", "Gita Admin", Membership.Role.ADMIN),
            ("member@globex-logistics.example", "Gus Member", Membership.Role.MEMBER),
        ],
        "contract": ("2024-06-01", "2026-05-31"),
    },
    {
        "slug": "initech",
        "name": "Initech Software",
        "kind": Organisation.Kind.PROSPECT,
        "domains": ["initech.example"],
        "people": [("buyer@initech.example", "Ivan Buyer", Membership.Role.ADMIN)],
        "contract": (None, None),
    },
]


class Command(BaseCommand):
    help = "Create the demo provider, staff users, two customer organisations and a prospect."

    def handle(self, *args, **options):
        with transaction.atomic():
            self._provider()
            logins = [self._user(email, name, roles=roles) for email, name, roles in STAFF]
            logins.append(self._user("admin@northwind.example", "Sam Superuser", superuser=True))
            for spec in ORGANISATIONS:
                organisation = self._organisation(spec)
                for email, name, role in spec["people"]:
                    user_line = self._user(email, name)
                    Membership.objects.get_or_create(
                        organisation=organisation,
                        user=User.objects.get(email=email),
                        defaults={"role": role},
                    )
                    logins.append(f"{user_line}  ({organisation.slug}, {role})")
            # Domain apps seed their own demo content through a `seed_demo(stdout)` method on
            # their AppConfig, so the core never imports them.
            for app_config in apps.get_app_configs():
                hook = getattr(app_config, "seed_demo", None)
                if callable(hook):
                    hook(stdout=self.stdout)
        self._print(logins)

    def _provider(self):
        if ProviderProfile.objects.exists():
            return
        ProviderProfile.objects.create(
            name=settings.PROVIDER_NAME,
            legal_name=f"{settings.PROVIDER_NAME} SE",
            address="Hafenstraße 12\n20457 Hamburg\nGermany",
            website="https://northwind.example",
            privacy_contact_email="privacy@northwind.example",
            security_contact_email="security@northwind.example",
            summary=(
                "We provide web analytics and lead insights to B2B companies. "
                "We process our customers' data as their processor under Art. 28 GDPR."
            ),
        )

    def _organisation(self, spec) -> Organisation:
        start, end = spec["contract"]
        organisation, _ = Organisation.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "kind": spec["kind"],
                "email_domains": spec["domains"],
                "contract_start": start,
                "contract_end": end,
            },
        )
        return organisation

    def _user(self, email, full_name, *, roles=(), superuser=False) -> str:
        user = User.objects.filter(email=email).first()
        if user is None:
            # Demo passwords only where DEBUG is on; elsewhere the accounts need a password reset.
            password = DEMO_PASSWORD if settings.DEBUG else None
            create = User.objects.create_superuser if superuser else User.objects.create_user
            user = create(
                email=email, password=password or secrets.token_urlsafe(32), full_name=full_name
            )
            if password is None:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
        for role in roles:
            assert role in STAFF_ROLES
            group, _ = Group.objects.get_or_create(name=role)
            user.groups.add(group)
        for role in STAFF_ROLES:
            Group.objects.get_or_create(name=role)
        label = ", ".join(roles) if roles else ("superuser" if superuser else "")
        return f"{email:<36} {label}".rstrip()

    def _print(self, logins):
        self.stdout.write("Organisations:")
        for organisation in Organisation.objects.order_by("kind", "slug"):
            self.stdout.write(f"  {organisation.slug:<20} {organisation.get_kind_display()}")
        self.stdout.write("Logins:")
        for line in logins:
            self.stdout.write(f"  {line}")
        if settings.DEBUG:
            self.stdout.write(f"Password for every demo login: {DEMO_PASSWORD}")
            self.stdout.write(
                "Staff and customer admins are asked to enrol an authenticator app (TOTP) at "
                "their first sign-in."
            )
        else:
            self.stdout.write(
                "DEBUG is off: demo accounts have no password; use 'Forgot password'."
            )
