"""The session's feedback reads as one card (the most pressing signal first, the others under
it) and the caseload ranks clients by the same order: a safety signal not acted on, then a
warning today, then nothing pressing (a small fall is `info`, not something to raise)."""

from __future__ import annotations

from django.contrib.auth.models import User

from alliance.care.models import Session

from ..cast import client_of, phq9, signed_in, srs


def test_the_feedback_gives_one_priority_and_the_headline_first(clinician: User) -> None:
    client = client_of(clinician, "F-1", [
        (1, "srs", srs(9.8)), (2, "srs", srs(9.8)), (3, "srs", srs(9.8)),
        (4, "srs", srs(8.5)), (4, "phq-9", phq9(1)),
    ])  # fmt: skip
    session = Session.objects.get(episode__client=client, number=4)
    feedback = signed_in(clinician).get(f"/sessions/{session.pk}/status/").json()
    kinds = [s["kind"] for s in feedback["signals"]]
    assert feedback["priority"] == "urgent" and kinds[0] == "self_harm_risk"
    assert kinds[1:4] == ["alliance_concern", "possible_rupture", "alliance_drop"]
    assert [s["severity"] for s in feedback["signals"][:3]] == ["urgent", "warning", "warning"]


def test_a_quiet_session_has_no_priority(clinician: User) -> None:
    client = client_of(clinician, "F-2", [(1, "srs", srs(9.8))])
    session = Session.objects.get(episode__client=client)
    feedback = signed_in(clinician).get(f"/sessions/{session.pk}/status/").json()
    assert (feedback["priority"], feedback["signals"]) == (None, [])


def test_the_caseload_ranks_by_the_most_pressing_signal(clinician: User) -> None:
    client_of(clinician, "A-small-fall", [(1, "srs", srs(9.8)), (2, "srs", srs(9.5))])  # info
    stuck = {str(n): 2 for n in range(1, 9)} | {"9": 0}  # 16, no better at session 3
    client_of(clinician, "B-not-on-track", [(n, "phq-9", stuck) for n in (1, 2, 3)])
    client_of(clinician, "C-concern", [(1, "srs", srs(9.8)), (2, "srs", srs(8.9))])
    client_of(clinician, "D-harm", [(1, "phq-9", phq9(2))])
    page = signed_in(clinician).get("/").content.decode()
    order = [page.index(code) for code in ("D-harm", "C-concern", "B-not-on-track",
                                           "A-small-fall")]  # fmt: skip
    assert order == sorted(order)
    row = page[page.index("A-small-fall") :].split("</tr>")[0]
    assert "nothing pressing" in row  # a 1.2-point fall is a note for the session, not here


def test_the_caseload_names_each_pressing_signal_once(clinician: User) -> None:
    client_of(clinician, "H-twice", [(1, "phq-9", phq9(1)), (2, "phq-9", phq9(2))])
    page = signed_in(clinician).get("/").content.decode()
    row = page[page.index("H-twice") :].split("</tr>")[0]
    assert row.count("Self harm risk") == 1 and "also" not in row
