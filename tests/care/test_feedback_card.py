"""The session's feedback card, read in ten seconds: the numbers first (the SRS against its
cutoff with its four lines and the lowest by name; each outcome measure with its band and its
change since intake, its severe items by name), then at most three prompts, most pressing
first."""

from __future__ import annotations

from django.contrib.auth.models import User

from alliance.care.models import Session
from alliance.care.services.feedback import session_feedback, short_label

from ..cast import client_of, phq9, srs


def feedback_at(clinician: User, forms: list, number: int) -> dict:
    client = client_of(clinician, "F-1", forms)
    return session_feedback(Session.objects.get(episode__client=client, number=number))


def test_it_puts_the_srs_and_its_lowest_line_first(clinician: User) -> None:
    low = {"1": 2.1, "2": 4.0, "3": 3.4, "4": 3.7}  # 13.2 of 40
    card = feedback_at(clinician, [(1, "srs", srs(9.5)), (2, "srs", low)], 2)
    assert card["srs"] == {
        "total": 13.2, "max": 40.0, "cutoff": 36.0, "concern": True,
        "lines": [
            {"label": "Relationship", "value": 2.1},
            {"label": "Goals and topics", "value": 4.0},
            {"label": "Approach or method", "value": 3.4},
            {"label": "Overall", "value": 3.7},
        ],
        "lowest": "Relationship",
    }  # fmt: skip
    assert card["outcomes"] == []


def test_it_gives_the_outcome_with_its_band_and_its_change_since_intake(clinician: User) -> None:
    intake = {str(n): 2 for n in range(1, 10)} | {"9": 0}  # 16, moderately severe
    today = {str(n): 1 for n in range(1, 10)} | {"3": 3, "4": 3, "9": 0}  # 12
    card = feedback_at(clinician, [(1, "phq-9", intake), (2, "phq-9", today)], 2)
    [phq] = card["outcomes"]
    assert (phq["name"], phq["total"], phq["max"], phq["band"]) == ("PHQ-9", 12, 27, "moderate")
    assert (phq["intake"], phq["change"], phq["better"]) == (16, -4, True)
    assert phq["severe_items"] == ["Sleep", "Fatigue"]
    first = session_feedback(Session.objects.get(number=1))["outcomes"][0]
    assert (first["change"], first["intake"], first["better"]) == (None, None, None)


def test_a_worse_score_is_said_to_be_worse(clinician: User) -> None:
    card = feedback_at(clinician, [(1, "phq-9", phq9(0)), (2, "phq-9", phq9(2))], 2)
    assert (card["outcomes"][0]["change"], card["outcomes"][0]["better"]) == (2, False)


def test_it_gives_at_most_three_prompts_most_pressing_first(clinician: User) -> None:
    forms = [(1, "srs", srs(9.8)), (1, "phq-9", phq9(0)), (2, "srs", srs(3.0)),
             (2, "phq-9", phq9(3))]  # fmt: skip
    card = feedback_at(clinician, forms, 2)
    kinds = [s["kind"] for s in card["signals"]]
    assert kinds[0] == "self_harm_risk" and "alliance_concern" in kinds
    assert card["prompts"] == card["signals"][:3]
    assert card["more"] == max(0, len(kinds) - 3)
    assert card["prompts"][0]["acknowledged"] is False


def test_a_short_label_is_the_words_before_the_colon() -> None:
    assert short_label("Relationship: felt heard") == "Relationship"
    assert short_label("Overall") == "Overall"
