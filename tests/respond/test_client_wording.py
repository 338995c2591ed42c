"""The client's form speaks to the client: a refused answer is named by its question's own
words, next to that question and in a summary at the top; the client never reads of "items",
"prorating" or instrument ids; the browser is told which answers are required; the heading
fits where the form is filled; and what the client entered stays on a refused page."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client as Browser

from alliance.care.models import Administration, Session
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session
from alliance.errors import Problem
from alliance.respond.questionnaires import forms_context

from ..cast import client_of, signed_in_with_password

pytestmark = pytest.mark.django_db

INSTRUMENTS = ["srs", "phq-9", "gad-7"]
SRS = {f"srs-{n}": "9.0" for n in range(1, 5)}
PHQ = {f"phq-9-{n}": "1" for n in range(1, 10)}
GAD = {f"gad-7-{n}": "0" for n in range(1, 8)}
WHOLE = SRS | PHQ | GAD
VOID = {"input", "br", "meta", "link", "img", "hr"}
# Words a client must never read: the scoring's own terms and the instruments' ids.
CLINIC_WORDS = re.compile(r"\bitems?\b|prorat|\b(srs|ors|phq-9|gad-7|wai-sr)\b", re.IGNORECASE)

RELATIONSHIP = "Relationship: felt heard, understood and respected"
GOALS = "Goals and topics: worked on what I wanted to work on"
OVERALL = "Overall: today's session was right for me"
NERVOUS = "Feeling nervous, anxious, or on edge"
SLEEP = "Trouble falling or staying asleep, or sleeping too much"
DIFFICULT = "If you checked off any problems, how difficult"


class Page(HTMLParser):
    """A page's text as a reader sees it, the text inside each element with an id, and the
    attributes of every input."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.text: list[str] = []
        self.by_id: dict[str, list[str]] = {}
        self.inputs: list[dict[str, str | None]] = []
        self.open: list[tuple[str, str | None]] = []  # (tag, id) of the elements open here
        self.hidden_depth: int | None = None
        self.html = html
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input":
            self.inputs.append(attributes)
        if tag in VOID:
            return
        self.open.append((tag, attributes.get("id")))
        if attributes.get("id"):
            self.by_id.setdefault(str(attributes["id"]), [])
        if self.hidden_depth is None and ("hidden" in attributes or tag in ("script", "style")):
            self.hidden_depth = len(self.open)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self.open:
            return
        while self.open:
            if self.hidden_depth is not None and len(self.open) <= self.hidden_depth:
                self.hidden_depth = None
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for _tag, element_id in self.open:
            if element_id:
                self.by_id[element_id].append(data)
        if self.hidden_depth is None:
            self.text.append(data)

    def inside(self, element_id: str) -> str:
        return " ".join(" ".join(self.by_id[element_id]).split())

    def shown(self) -> str:
        return " ".join(" ".join(self.text).split())

    def radios(self, field: str) -> list[dict[str, str | None]]:
        return [i for i in self.inputs if i.get("type") == "radio" and i.get("name") == field]


@pytest.fixture
def session(clinician: User) -> Session:
    # clinician1's client W-5 at session 1; the kiosk shows what the plan has due.
    client = client_of(clinician, "W-5", plan={"every_session": INSTRUMENTS, "windows": []})
    return start_session(client=client, held_on=dt.date(2026, 3, 2))


def on_the_link(session: Session, answers: dict[str, str]) -> tuple[int, Page]:
    _link, token = create_form_link(session=session, instruments=INSTRUMENTS)
    response = Browser().post(f"/f/{token}/", answers)
    return response.status_code, Page(response.content.decode())


def at_the_kiosk(session: Session, answers: dict[str, str]) -> tuple[int, Page]:
    browser = signed_in_with_password(session.episode.client.clinician)
    assert browser.post(f"/sessions/{session.pk}/kiosk/")["Location"] == "/kiosk/"
    response = browser.post("/kiosk/", answers)
    return response.status_code, Page(response.content.decode())


PLACES = [pytest.param(on_the_link, id="link"), pytest.param(at_the_kiosk, id="kiosk")]
REFUSALS = [
    pytest.param({"srs-4": ""}, "srs-4", f"Please set a mark on the line “{OVERALL}”",
                 id="line-not-set"),
    pytest.param({"srs-1": "11"}, "srs-1",
                 f"Please set the mark on the line “{RELATIONSHIP}” again", id="line-out-of-range"),
    pytest.param({"srs-2": "5.55"}, "srs-2", f"Please set the mark on the line “{GOALS}” again",
                 id="line-off-the-scale"),
    pytest.param({"gad-7-1": ""}, "gad-7-1", f"Please answer: “{NERVOUS}”", id="not-answered"),
    pytest.param({"phq-9-3": "often"}, "phq-9-3", f"Please choose one of the answers to: “{SLEEP}”",
                 id="not-a-number"),
    pytest.param({"phq-9-3": "4"}, "phq-9-3", f"Please choose one of the answers to: “{SLEEP}”",
                 id="not-an-answer"),
    pytest.param({"phq-9-10": "7"}, "phq-9-10",
                 f"Please choose one of the answers to: “{DIFFICULT}", id="optional-tampered"),
    pytest.param({f"gad-7-{n}": "" for n in range(1, 8)}, "gad-7-1", f"Please answer: “{NERVOUS}”",
                 id="form-left-empty"),
]  # fmt: skip


@pytest.mark.parametrize("fill", PLACES)
@pytest.mark.parametrize(("change", "field", "says"), REFUSALS)
def test_each_refusal_names_the_question_next_to_it_and_at_the_top(
    session: Session, fill: object, change: dict[str, str], field: str, says: str
) -> None:
    status, page = fill(session, WHOLE | change)  # type: ignore[operator]
    assert status == 400 and not Administration.objects.exists()
    assert says in page.inside(f"q-{field}")  # next to the question
    assert says in page.inside("problems")  # and in the summary, which links to it
    assert f'href="#q-{field}"' in page.html
    assert not CLINIC_WORDS.search(page.shown()), CLINIC_WORDS.findall(page.shown())


@pytest.mark.parametrize("fill", PLACES)
def test_a_form_left_empty_names_each_of_its_questions_but_not_the_optional_one(
    session: Session, fill: object
) -> None:
    status, page = fill(session, SRS | GAD)  # type: ignore[operator]
    assert status == 400
    summary = page.inside("problems")
    asked = [f"phq-9-{n}" for n in range(1, 10)]
    named = [field for field in asked if "Please answer" in page.inside(f"q-{field}")]
    assert named == asked and summary.count("Please answer") == 9
    assert page.inside("q-phq-9-10").count("Please") == 0 and DIFFICULT not in summary
    assert not CLINIC_WORDS.search(page.shown()), CLINIC_WORDS.findall(page.shown())


def test_the_summary_lists_every_problem_in_the_order_of_the_page(session: Session) -> None:
    status, page = on_the_link(session, WHOLE | {"gad-7-1": "", "srs-4": "", "phq-9-3": ""})
    assert status == 400
    summary = page.inside("problems")
    assert summary.index(OVERALL) < summary.index(SLEEP) < summary.index(NERVOUS)


def test_a_refusal_naming_no_question_on_the_page_is_still_said_plainly() -> None:
    context = forms_context(["srs"], {}, [Problem(None, "srs: no such thing", "not_an_object")])
    assert context["problems"] == [
        "Some answers could not be read. Please check your answers and send them again."
    ]


def test_a_clean_page_shows_no_clinic_words_and_no_problems(session: Session) -> None:
    _link, token = create_form_link(session=session, instruments=INSTRUMENTS)
    page = Page(Browser().get(f"/f/{token}/").content.decode())
    assert "problems" not in page.by_id and "Please set" not in page.shown()
    assert "Please answer" not in page.shown()
    assert not CLINIC_WORDS.search(page.shown()), CLINIC_WORDS.findall(page.shown())
    # The clinic's notice (install the licensed wording) is not the client's to read.
    assert "short descriptions, not the questionnaire's full wording" in page.shown()
    assert "Install the licensed wording" not in page.html


def test_every_scored_answer_is_required_and_the_optional_question_is_not(
    session: Session,
) -> None:
    _link, token = create_form_link(session=session, instruments=INSTRUMENTS)
    page = Page(Browser().get(f"/f/{token}/").content.decode())
    scored = [f"phq-9-{n}" for n in range(1, 10)] + [f"gad-7-{n}" for n in range(1, 8)]
    groups = {field: page.radios(field) for field in scored}
    assert [len(radios) for radios in groups.values()] == [4] * 16
    assert all("required" in radio for radios in groups.values() for radio in radios)
    optional = page.radios("phq-9-10")
    assert len(optional) == 4 and not any("required" in radio for radio in optional)
    # A line's answer is a hidden input, which the browser cannot require: vas.js does.
    lines = [i for i in page.inputs if (i.get("name") or "").startswith("srs-")]
    assert len(lines) == 4 and all(i["type"] == "hidden" for i in lines)


def test_the_heading_on_a_link_is_neutral(session: Session) -> None:
    _link, token = create_form_link(session=session, instruments=INSTRUMENTS)
    page = Page(Browser().get(f"/f/{token}/").content.decode())
    assert "Your questionnaire for your therapist" in page.shown()
    assert "After your session" not in page.shown()


def test_the_heading_at_the_kiosk_speaks_of_the_session() -> None:
    context = forms_context(["srs"], {}, [], place="kiosk")
    page = Page(render_to_string("respond/forms.html", context))
    assert "After your session" in page.shown() and "hand the device back" in page.shown()
    assert "Your questionnaire for your therapist" not in page.shown()


def test_the_kiosk_page_has_the_kiosk_heading(session: Session) -> None:
    browser = signed_in_with_password(session.episode.client.clinician)
    browser.post(f"/sessions/{session.pk}/kiosk/")
    page = Page(browser.get("/kiosk/").content.decode())
    assert "After your session" in page.shown()


@pytest.mark.parametrize("fill", PLACES)
def test_a_refused_page_keeps_what_the_client_entered(session: Session, fill: object) -> None:
    entered = SRS | {"srs-1": "7.5"} | PHQ | {"phq-9-2": "3", "phq-9-10": "2"} | GAD
    entered |= {"gad-7-7": ""}  # the one answer missing
    status, page = fill(session, entered)  # type: ignore[operator]
    assert status == 400
    lines = {i["name"]: i["value"] for i in page.inputs if i.get("type") == "hidden"
             and (i.get("name") or "").startswith("srs-")}  # fmt: skip
    assert lines == {"srs-1": "7.5", "srs-2": "9.0", "srs-3": "9.0", "srs-4": "9.0"}
    checked = {str(i["name"]): i["value"] for i in page.inputs
               if i.get("type") == "radio" and "checked" in i}  # fmt: skip
    chosen = {k: v for k, v in entered.items() if k.startswith(("phq", "gad")) and v}
    assert checked == chosen and "gad-7-7" not in checked and len(checked) == 16
