"""Test-wide settings and the cast of test users.

Settings: feature tests run with two-factor sign-in relaxed (as `alliance demo` does), so
that they sign in with `force_login`; tests marked `two_factor` keep the default, where every
account needs its second factor. Passwords are hashed with a fast hasher except in tests
marked `hashing`, which check the real one. The site's data folder (wording files,
`cutoffs.toml`) is an empty temporary one for the whole session, so that a developer's own
files never change what a test sees.

The cast (helpers in `tests/cast.py`), each fixture creating only its own account, its
organization and what it names:
- `organization`: Org, where everyone but the outsider works;
- `clinician`: clinician1, a clinician of Org, who owns the clients;
- `colleague`: clinician2, a clinician of Org, who must see none of clinician1's clients;
- `outsider`: a clinician of Elsewhere, who must see nothing of Org;
- `supervisor`: supervisor1 of Org, who supervises clinician1: reads clinician1's clients and
  changes nothing;
- `admin`: admin1 of Org, who manages members and sees no clinical content without
  break-glass;
- `client_with_history`: H-1, clinician1's client with an open episode and three sessions of
  stored forms.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Client, Organization, Supervision
from alliance.measures import set_site_cutoffs

from .cast import client_of, member, phq9, srs

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hashing: hash passwords with the site's real hashers (Argon2), not the fast one"
    )
    config.addinivalue_line("markers", "services: needs PostgreSQL and Redis (see tests/web)")


@pytest.fixture(autouse=True, scope="session")
def _empty_site_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ALLIANCE_DATA_DIR", str(tmp_path_factory.mktemp("alliance-data")))
        # The audit trail's key and heads live outside the site folder, which stays empty.
        patch.setenv("ALLIANCE_AUDIT_KEY", "test-suite-audit-key-0123456789abcdefghij")
        heads = tmp_path_factory.mktemp("audit") / "audit-heads.log"
        patch.setenv("ALLIANCE_AUDIT_HEADS_FILE", str(heads))
        set_site_cutoffs(None)  # read the definitions again, from the empty folder
        yield
    set_site_cutoffs(None)


@pytest.fixture(autouse=True)
def _two_factor_relaxed_unless_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("two_factor"):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.RELAX_MFA = "demo"
    yield


@pytest.fixture(autouse=True)
def _fast_password_hasher_unless_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    # Argon2 takes a noticeable part of a second per password on purpose; only the tests
    # about hashing pay for it.
    if request.node.get_closest_marker("hashing"):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = FAST_HASHERS
    yield


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Counters kept in the cache (link guesses) start at zero in every test.
    from django.core.cache import cache

    cache.clear()
    yield


# -- the cast -------------------------------------------------------------------------------


@pytest.fixture
def organization(db: Any) -> Organization:
    """Org: the organization of everyone in the cast but the outsider."""
    return Organization.objects.create(name="Org", slug="org")


@pytest.fixture
def clinician(organization: Organization) -> User:
    """clinician1, a clinician of Org: owns the clients; sees their own and no one else's."""
    return member("clinician1", organization, "clinician")


@pytest.fixture
def colleague(organization: Organization) -> User:
    """clinician2, a clinician of Org: must see none of clinician1's clients."""
    return member("clinician2", organization, "clinician")


@pytest.fixture
def outsider(db: Any) -> User:
    """A clinician of another organization, Elsewhere: must see nothing of Org."""
    elsewhere = Organization.objects.create(name="Elsewhere", slug="elsewhere")
    return member("outsider", elsewhere, "clinician")


@pytest.fixture
def supervisor(organization: Organization, clinician: User) -> User:
    """supervisor1, a supervisor of Org who supervises clinician1: reads clinician1's
    clients, changes nothing."""
    user = member("supervisor1", organization, "supervisor")
    Supervision.objects.create(organization=organization, supervisor=user, supervisee=clinician)
    return user


@pytest.fixture
def admin(organization: Organization) -> User:
    """admin1, the admin of Org: manages members and supervision; no clinical content
    without break-glass."""
    return member("admin1", organization, "admin")


# What H-1 filled: the SRS high at sessions 1 and 2, then 28 of 40 at session 3 (an alliance
# concern and a possible rupture); the PHQ-9 at sessions 1 and 3, item 9 endorsed at 3 (a
# self-harm risk).
HISTORY = [
    (1, "srs", srs(9.5)),
    (1, "phq-9", phq9(0)),
    (2, "srs", srs(9.5)),
    (3, "srs", srs(7.0)),
    (3, "phq-9", phq9(1)),
]


@pytest.fixture
def client_with_history(clinician: User) -> Client:
    """H-1, a client of clinician1 with an open episode and the forms of `HISTORY`."""
    return client_of(clinician, "H-1", HISTORY)
