"""One source for each threshold: a site that changes the SRS cutoff in its cutoffs file moves
the score's flag, the monitoring rule and the chart's line together."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from alliance.care.models import Session, SignalRecord
from alliance.care.services.administrations import record_administration
from alliance.measures import score, set_site_cutoffs
from alliance.measures.errors import DefinitionError

from ..cast import client_of, signed_in

pytestmark = pytest.mark.django_db
SRS_35 = {"1": 8.8, "2": 8.8, "3": 8.7, "4": 8.7}  # 35.0 of 40


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ALLIANCE_DATA_DIR", str(tmp_path))
    set_site_cutoffs(None)  # read the (empty) site folder
    yield tmp_path / "cutoffs.toml"
    monkeypatch.undo()
    set_site_cutoffs(None)


def chart_of(session: Session) -> dict[str, object]:
    browser = signed_in(session.episode.client.clinician)
    page = browser.get(f"/clients/{session.episode.client_id}/").content.decode()
    found = re.search(r'<script id="chart-spec" type="application/json">(.*?)</script>', page)
    assert found is not None
    spec: dict[str, object] = json.loads(found.group(1))
    return spec


def srs_line(spec: dict[str, object]) -> tuple[object, object]:
    panel = spec["vconcat"][0]  # type: ignore[index]
    rule = next(layer for layer in panel["layer"] if layer["mark"].get("type") == "rule"
                and "cutoff" in json.dumps(layer))  # fmt: skip
    return rule["data"]["values"][0]["cutoff"], panel["title"]["subtitle"]


def new_session(clinician: User, code: str) -> Session:
    episode = client_of(clinician, code).episodes.get()
    return Session.objects.create(episode=episode, number=1, held_on=dt.date(2026, 3, 2))


def test_one_site_cutoff_moves_the_flag_the_rule_and_the_chart_line(
    site: Path, clinician: User
) -> None:
    shipped = new_session(clinician, "A-shipped")
    assert "alliance_concern" in score("srs", SRS_35).flags
    record_administration(session=shipped, instrument="srs", answers=SRS_35)
    assert SignalRecord.objects.filter(episode=shipped.episode, kind="alliance_concern").exists()
    assert srs_line(chart_of(shipped)) == (36.0, "dashed: 36, alliance concern")

    site.write_text("# A population whose cutoff is 34\n[srs]\nalliance_concern = 34.0\n")
    set_site_cutoffs(None)  # what a restart does: read the site's file
    moved = new_session(clinician, "B-site")
    assert "alliance_concern" not in score("srs", SRS_35).flags
    record_administration(session=moved, instrument="srs", answers=SRS_35)
    assert not SignalRecord.objects.filter(episode=moved.episode, kind="alliance_concern").exists()
    assert srs_line(chart_of(moved)) == (34.0, "dashed: 34, alliance concern")


@pytest.mark.parametrize(
    ("text", "says"),
    [("[srs]\nalliance_concern = 'high'\n", "must be a number"),
     ("[srs]\nconcern = 35\n", "is not a cutoff of srs"),
     ("[phq-9]\nself_harm_item = 2\n", "safety cutoff"),
     ("[srs]\nalliance_concern = 41\n", "within the total's range"),
     ("[srz]\nalliance_concern = 35\n", "is not an instrument")],
)  # fmt: skip
def test_it_refuses_a_site_cutoff_it_cannot_use(site: Path, text: str, says: str) -> None:
    site.write_text(text)
    with pytest.raises(DefinitionError, match=says):
        set_site_cutoffs(None)
        score("srs", SRS_35)
