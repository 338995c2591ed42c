"""A correction's answers are numbers in ASCII digits with one dot: an Arabic-Indic three,
fullwidth digits, "1_0" or "+5" (which Python would read as numbers) are refused in words
naming the answer, and nothing is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Administration
from alliance.care.services.administrations import record_administration
from alliance.care.services.sessions import start_session

from ..cast import client_of, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(clinician: User) -> Administration:
    session = start_session(client=client_of(clinician, "N-1"), held_on=dt.date(2026, 3, 2))
    return record_administration(session=session, instrument="srs",
                                 answers={"1": 9.5, "2": 9.0, "3": 3.0, "4": 9.2})  # fmt: skip


@pytest.mark.parametrize(
    "typed",
    ["\N{ARABIC-INDIC DIGIT THREE}", "\N{FULLWIDTH DIGIT NINE}", "\N{SUPERSCRIPT TWO}",
     "1_0", "+5", "0x9", "9.", ".5", "1e1", "9,5"],
)  # fmt: skip
def test_an_answer_in_anything_but_ascii_digits_is_refused_in_words(
    stored: Administration, typed: str
) -> None:
    posted = {"srs-1": "9.5", "srs-2": "9.0", "srs-3": typed, "srs-4": "9.2", "reason": "slip"}
    page = signed_in(stored.session.episode.client.clinician).post(
        f"/forms/{stored.pk}/correct/", posted
    )
    text = page.content.decode()
    assert page.status_code == 400 and "Nothing was stored" in text
    assert "item 3: use the digits 0 to 9, and a dot for tenths" in text
    assert Administration.objects.count() == 1


def test_ascii_digits_with_a_dot_are_read(stored: Administration) -> None:
    posted = {"srs-1": "9.5", "srs-2": "9", "srs-3": "9.0", "srs-4": "9.2", "reason": "slip"}
    page = signed_in(stored.session.episode.client.clinician).post(
        f"/forms/{stored.pk}/correct/", posted
    )
    assert page.status_code == 302
    assert Administration.objects.get(amends=stored).total == 36.7
