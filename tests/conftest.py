"""Shared fixtures: users in each role, two customer organisations and a prospect."""

import time

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from trustcentre.accounts.models import Membership, Organisation, User

PASSWORD = "correct horse battery staple"

# Properties are checked on a two-core machine that also runs PostgreSQL, Redis and workers:
# how fast examples are drawn or run says nothing about the property, so neither fails a test.
hypothesis_settings.register_profile(
    "portal", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("portal")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters (allauth's, the second-factor attempts) and the kept public pages live
    in the cache; a test must not inherit another test's failed attempts or pages. The pages a
    process keeps near (taken from a shared cache) are emptied with it."""
    from django.core.cache import cache

    from trustcentre.pages import public_cache

    public_cache.forget_kept_pages()
    cache.clear()
    yield
    public_cache.forget_kept_pages()
    cache.clear()


# A moment 10 seconds into one of the fixed one-minute windows the portal's own limits count in.
THROTTLE_WINDOW_START = 1_900_000_020.0


@pytest.fixture(autouse=True)
def throttle_clock(monkeypatch):
    """The portal's rate-limit clock, frozen 10 seconds into a window; set `.now` to move it.
    On the real clock, a test that counts up to a limit would fail whenever its requests
    straddle a minute boundary, because the count starts again in the new window."""
    from types import SimpleNamespace

    from trustcentre.accounts import throttling

    state = SimpleNamespace(now=THROTTLE_WINDOW_START + 10)
    monkeypatch.setattr(throttling, "_now", lambda: state.now)
    return state


def make_user(email, *, roles=(), password=PASSWORD, **extra):
    user = User.objects.create_user(email=email, password=password, **extra)
    for role in roles:
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_organisation(slug, *, kind=Organisation.Kind.CUSTOMER, domains=(), **extra):
    return Organisation.objects.create(
        name=slug.replace("-", " ").title(),
        slug=slug,
        kind=kind,
        email_domains=list(domains),
        **extra,
    )


def add_member(user, organisation, role=Membership.Role.MEMBER):
    return Membership.objects.create(user=user, organisation=organisation, role=role)


@pytest.fixture
def org_a(db):
    return make_organisation("acme", domains=["acme.test"])


@pytest.fixture
def org_b(db):
    return make_organisation("globex", domains=["globex.test"])


@pytest.fixture
def prospect_org(db):
    return make_organisation("initech", kind=Organisation.Kind.PROSPECT, domains=["initech.test"])


def give_authenticator(user):
    """The person's confirmed authenticator app (TOTP, 30-second steps), created if they have
    none. Staff and customer admins cannot get past the sign-in without one
    (settings.MFA_REQUIRED_FOR_CUSTOMER_ADMINS, on as in production)."""
    return TOTPDevice.objects.filter(
        user=user, confirmed=True
    ).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator", confirmed=True, step=30, tolerance=1
    )


def authenticator_code(device) -> str:
    """The code the person's authenticator app shows now, as they would type it. django-otp
    takes each 30-second step's code once per device, so when this step's code was used
    already (a second sign-in within the same 30 seconds) it is the next step's, which the
    device's tolerance accepts; after that, wait for the clock."""
    while True:
        device.refresh_from_db()
        now_t = (int(time.time()) - device.t0) // device.step
        step = max(now_t, device.last_t + 1)
        if step <= now_t + device.tolerance:
            return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"
        time.sleep(1)


def make_admin(email, organisation, **extra):
    """An admin of the organisation with an authenticator, as every customer admin has."""
    user = make_user(email, **extra)
    add_member(user, organisation, Membership.Role.ADMIN)
    give_authenticator(user)
    return user


@pytest.fixture
def admin_a(org_a):
    return make_admin("admin@acme.test", org_a, full_name="Ada Admin")


@pytest.fixture
def member_a(org_a):
    user = make_user("member@acme.test", full_name="Max Member")
    add_member(user, org_a)
    return user


@pytest.fixture
def admin_b(org_b):
    return make_admin("admin@globex.test", org_b, full_name="Bea Admin")


@pytest.fixture
def legal_user(db):
    return make_user("legal@provider.test", roles=["legal"])


@pytest.fixture
def dpo_user(db):
    return make_user("dpo@provider.test", roles=["dpo"])


@pytest.fixture
def trust_admin_user(db):
    return make_user("trust@provider.test", roles=["trust_admin"])


def sign_in_with_password(client, user):
    """Signed in with the password moments ago, as allauth records a sign-in: for people
    without an authenticator, operations that need a fresh authentication (exports, deletions,
    signatures) go ahead. Someone with one (staff, customer admins) has only done half of the
    sign-in: see sign_in_with_password_and_code."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str

    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email}
    ]
    # allauth reads the records only for the user who made them.
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()


def login_with_second_factor(client, user):
    """Signed in with the second factor verified, as staff and customer admins are once past
    the code form: django_otp.login records the device in the session (DEVICE_ID_SESSION_KEY).
    The code was not entered moments ago: operations that need a fresh authentication ask
    for one (see sign_in_with_password_and_code)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = give_authenticator(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def sign_in_with_password_and_code(client, user):
    """Signed in with the password and then a code from the authenticator moments ago, as a
    customer admin signs in (mfa.verify_second_factor): operations that need a fresh
    authentication (exports, deletions, signatures) go ahead."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from trustcentre.accounts.mfa import VERIFIED_AT_SESSION_KEY

    device = give_authenticator(user)
    sign_in_with_password(client, user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[VERIFIED_AT_SESSION_KEY] = time.time()
    session.save()
    return device


@pytest.fixture
def staff_client(client, legal_user):
    login_with_second_factor(client, legal_user)
    return client


class Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def move_to(self, moment):
        from django.utils import timezone

        self.monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def time_machine(monkeypatch):
    """Services read the clock through django.utils.timezone.now (and localdate, which uses
    it); this moves that clock."""
    return Clock(monkeypatch)
