"""What the progress tests share: P-1, clinician1's client who filled the SRS and all three
symptom measures, with sharing on; and builders of answers with a given total."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client as Browser

from alliance.care.models import Client
from alliance.progress.sharing import create_progress_link, set_sharing

from ..cast import client_of, srs


def phq9_of(total: int) -> dict[str, int]:
    """PHQ-9 answers adding up to `total` (at most 24), item 9 (self-harm) at 0."""
    return _spread(total, 8) | {"9": 0}


def gad7_of(total: int) -> dict[str, int]:
    return _spread(total, 7)


def ors(line: float) -> dict[str, float]:
    """ORS answers with every line at `line` (total 4 x `line` of 40)."""
    return {str(n): line for n in range(1, 5)}


def _spread(total: int, items: int) -> dict[str, int]:
    assert 0 <= total <= 3 * items
    return {str(n): max(0, min(3, total - 3 * (n - 1))) for n in range(1, items + 1)}


# P-1's forms: the SRS from 34 to 38 of 40, the PHQ-9 from 17 to 9, the GAD-7 from 12 to 6
# and the ORS from 19.2 to 28 of 40, at sessions 1 and 3 (the SRS at session 2 too).
FORMS = [
    (1, "srs", srs(8.5)),
    (1, "phq-9", phq9_of(17)),
    (1, "gad-7", gad7_of(12)),
    (1, "ors", ors(4.8)),
    (2, "srs", srs(9.0)),
    (3, "srs", srs(9.5)),
    (3, "phq-9", phq9_of(9)),
    (3, "gad-7", gad7_of(6)),
    (3, "ors", ors(7.0)),
]


@pytest.fixture
def shared_client(clinician: User) -> Client:
    """P-1, a client of clinician1 with `FORMS`, whose progress clinician1 shares."""
    client = client_of(clinician, "P-1", FORMS)
    set_sharing(client=client, enabled=True, by=clinician)
    return client


@pytest.fixture
def progress_token(shared_client: Client, clinician: User) -> str:
    """The token of a progress link to P-1's page, made by clinician1."""
    _link, token = create_progress_link(client=shared_client, by=clinician)
    return token


def anonymous(address: str = "198.51.100.7") -> Browser:
    """A browser with no one signed in (the client's phone), from `address`."""
    return Browser(REMOTE_ADDR=address)


LINK = re.compile(r'href="(?P<url>https?://[^"]+/p/(?P<token>[A-Za-z0-9_-]+)/)"')


def shown_token(page: Any) -> str | None:
    """The progress link's token shown on a client page, or None."""
    found = LINK.search(page.content.decode())
    return found.group("token") if found else None
