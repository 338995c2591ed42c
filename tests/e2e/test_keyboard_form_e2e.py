"""End to end in Debian's chromium: a whole link (SRS, PHQ-9, GAD-7) filled with the
keyboard alone, and a form that is not yet complete or is refused leads the client to the
first question to answer, named in the question's own words."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from alliance.care.models import Administration
from alliance.care.services.links import create_form_link
from alliance.care.services.sessions import start_session

from ..cast import client_of
from .test_session_feedback_e2e import browser, pytestmark  # noqa: F401

PHONE = {"viewport": {"width": 360, "height": 800}, "has_touch": True, "is_mobile": True}
INSTRUMENTS = ["srs", "phq-9", "gad-7"]
RELATIONSHIP = "Relationship: felt heard, understood and respected"
NERVOUS = "Feeling nervous, anxious, or on edge"


@pytest.fixture
def link_path(clinician: User) -> str:
    # clinician1's client K-8: one link to all three forms.
    client = client_of(clinician, "K-8", plan={"every_session": INSTRUMENTS})
    _link, token = create_form_link(session=start_session(client=client), instruments=INSTRUMENTS)
    return f"/f/{token}/"


class Keyboard:
    """The client's keyboard, counting the keys pressed."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.pressed = 0

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.pressed += 1


def open_on_phone(browser: Browser, url: str) -> Page:  # noqa: F811
    phone = browser.new_page(**PHONE)
    phone.goto(url)
    phone.wait_for_load_state("load")  # vas.js is deferred
    return phone


def focused_field(phone: Page) -> str:
    return str(
        phone.evaluate("document.activeElement.dataset.field || document.activeElement.name")
    )


def test_a_whole_link_is_filled_and_sent_with_the_keyboard_alone(
    browser: Browser,  # noqa: F811
    live_server: Any,
    link_path: str,
) -> None:
    phone = open_on_phone(browser, live_server.url + link_path)
    keys = Keyboard(phone)
    # The SRS: Tab to a line, End sets it at 10, ArrowLeft takes it to 9.9; each set line
    # shows its Clear button, one more Tab on the way to the next line.
    keys.press("Tab", "End", "ArrowLeft")
    assert focused_field(phone) == "srs-1"
    for _line in range(3):
        keys.press("Tab", "Tab", "End", "ArrowLeft")
    srs_keys = keys.pressed
    assert focused_field(phone) == "srs-4" and srs_keys == 15
    # The PHQ-9, past the last line's Clear button: Tab into each question, Space picks
    # "Not at all", ArrowDown the next answer.
    keys.press("Tab", "Tab", "ArrowDown")  # item 1: "Several days"
    for _item in range(8):
        keys.press("Tab", "Space")
    keys.press("Tab")  # past the optional "how difficult" question, left unanswered
    assert focused_field(phone) == "phq-9-10"
    for _item in range(7):  # the GAD-7
        keys.press("Tab", "Space")
    keys.press("Tab")
    expect(phone.locator("button.send")).to_be_focused()
    keys.press("Enter")
    expect(phone.locator("h1")).to_have_text("Thank you")
    assert keys.pressed == 15 + 3 + 16 + 1 + 14 + 2
    stored = {a.instrument: a.total for a in Administration.objects.all()}
    assert stored == {"srs": pytest.approx(39.6), "phq-9": 1.0, "gad-7": 0.0}


def test_send_with_a_line_unset_names_the_questions_left_and_goes_to_the_first(
    browser: Browser,  # noqa: F811
    live_server: Any,
    link_path: str,
) -> None:
    phone = open_on_phone(browser, live_server.url + link_path)
    phone.locator(".vas").nth(1).focus()
    phone.keyboard.press("End")
    phone.locator("button.send").focus()
    phone.keyboard.press("Enter")
    summary = phone.locator("#unset")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(f"Please set a mark on the line “{RELATIONSHIP}”")
    expect(summary).to_contain_text(f"Please answer: “{NERVOUS}”")
    expect(summary.locator("li")).to_have_count(3 + 9 + 7)  # the optional question is not named
    expect(phone.locator("#q-srs-1 .field-problem")).to_have_text(
        f"Please set a mark on the line “{RELATIONSHIP}”"
    )
    expect(phone.locator(".vas").first).to_be_focused()
    expect(phone.locator(".vas").first).to_be_in_viewport()
    expect(phone.locator("h1")).to_have_text("Your questionnaire for your therapist")
    # Setting the line takes its message away; a link in the summary leads to its question.
    phone.keyboard.press("Home")
    expect(phone.locator("#q-srs-1 .field-problem")).to_be_hidden()
    summary.get_by_role("link", name=NERVOUS).click()
    assert focused_field(phone) == "gad-7-1"
    assert not Administration.objects.exists()


def test_a_refused_page_opens_at_its_first_problem_with_the_focus_there(
    browser: Browser,  # noqa: F811
    live_server: Any,
    link_path: str,
) -> None:
    phone = open_on_phone(browser, live_server.url + link_path)
    for index in range(4):
        phone.locator(".vas").nth(index).focus()
        phone.keyboard.press("End")
    for field in [f"phq-9-{n}" for n in range(1, 9)] + [f"gad-7-{n}" for n in (1, 2, 4, 5, 6)]:
        phone.locator(f"input[name='{field}'][value='1']").check()
    phone.locator("input[name='phq-9-9'][value='0']").check()  # no self-harm answer here
    # A browser that ignores `required` (or a client who gets past it) sends GAD-7 with two
    # questions unanswered: the server refuses, and the page opens at the first of them.
    phone.evaluate("document.querySelectorAll('[required]').forEach(i => i.required = false)")
    phone.locator("button.send").click()
    expect(phone.locator("#problems")).to_contain_text("Nothing was sent yet")
    first = phone.locator("input[name='gad-7-3']").first
    expect(first).to_be_focused()
    expect(first).to_be_in_viewport()
    expect(phone.locator("#q-gad-7-3 .field-problem")).to_contain_text(
        "Please answer: “Worrying too much about different things”"
    )
    expect(phone.locator("#problems li")).to_have_count(2)
    # What was entered is still there.
    expect(phone.locator("input[name='gad-7-1'][value='1']")).to_be_checked()
    expect(phone.locator(".vas").nth(3)).to_have_attribute("aria-valuetext", "10.0 out of 10")
    assert not Administration.objects.exists()


def test_a_refused_page_with_a_self_harm_answer_opens_at_the_crisis_resources(
    browser: Browser,  # noqa: F811
    live_server: Any,
    link_path: str,
) -> None:
    phone = open_on_phone(browser, live_server.url + link_path)
    for index in range(4):
        phone.locator(".vas").nth(index).focus()
        phone.keyboard.press("End")
    for field in [f"phq-9-{n}" for n in range(1, 10)] + [f"gad-7-{n}" for n in (1, 2, 4, 5, 6)]:
        phone.locator(f"input[name='{field}'][value='1']").check()  # question 9 answered 1
    phone.evaluate("document.querySelectorAll('[required]').forEach(i => i.required = false)")
    phone.locator("button.send").click()
    # Where to get help comes first, in view and focused; the problems follow below it.
    crisis = phone.locator(".crisis")
    expect(crisis).to_be_focused()
    expect(crisis).to_be_in_viewport()
    expect(phone.locator("#problems")).to_contain_text("Nothing was sent yet")
    assert not Administration.objects.exists()
