"""Cross-fitting: no client is monitored against a model fitted with their own data. The
clients are split in two halves by a stable hash of their id; each is monitored with the
other half's reference, fitted on a seeded random sample drawn from the whole file."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from alliance.analytics.analyze import analyze_file
from alliance.analytics.cross_fit import (
    CrossFittedReference,
    ReferenceSampler,
    cross_fitted_reference,
    half_of,
    load_reference,
    reference_for,
    reference_from_data,
    reference_to_data,
    save_reference,
)
from alliance.measures import score
from alliance.monitoring import MonitoringConfig, ScoredAdministration, ScoredEpisode
from alliance.monitoring.trajectory import reference_to_dict
from alliance.synthetic import generate_caseload, write_long_csv

# PHQ-9 alone (no ORS, GAD-7 set aside): the fewest models to fit, to keep the tests quick.
_GENERATED = generate_caseload(160, seed=21, ors_share=0.0)
CASELOAD = dataclasses.replace(_GENERATED, episodes=tuple(
    ScoredEpisode.of(e.client_id, [a for a in e if a.instrument != "gad-7"], e.clinician_id)
    for e in _GENERATED.episodes
))  # fmt: skip


def phq9_client() -> ScoredEpisode:
    """The first client of the caseload with a PHQ-9 course long enough to enter a model."""
    return next(e for e in CASELOAD.episodes if len(e.series("phq-9")) >= 6)


def planted(episode: ScoredEpisode, value: int) -> ScoredEpisode:
    """The episode with every PHQ-9 answer after intake set to `value` (27 at 3: extreme)."""
    worst = score("phq-9", {str(n): value for n in range(1, 10)})
    intake = episode.series("phq-9")[0]
    forms = [
        a if a.instrument != "phq-9" or a is intake else dataclasses.replace(a, score=worst)
        for a in episode.administrations
    ]
    return ScoredEpisode.of(episode.client_id, forms, episode.clinician_id)


def with_client(episode: ScoredEpisode) -> list[ScoredEpisode]:
    return [episode if e.client_id == episode.client_id else e for e in CASELOAD.episodes]


def test_it_splits_clients_by_a_stable_hash_of_their_id() -> None:
    assert [half_of(f"C{n:04d}") for n in range(6)] == [
        hashlib.sha256(f"C{n:04d}".encode()).digest()[0] & 1 for n in range(6)
    ]
    shares = sum(half_of(str(n)) for n in range(2000)) / 2000
    assert 0.45 < shares < 0.55


def test_it_never_lets_a_clients_own_data_into_the_model_used_for_them() -> None:
    client = phq9_client()
    before = cross_fitted_reference(with_client(planted(client, 1)))
    after = cross_fitted_reference(with_client(planted(client, 3)))
    assert before.for_client(client.client_id) == after.for_client(client.client_id)
    assert before.for_client(client.client_id).trajectories["phq-9"] is not None
    # The client's data does enter the other half's model: the one the others get.
    own = half_of(client.client_id)
    assert before.halves[own] != after.halves[own]


def test_it_keeps_the_sample_of_the_other_half_when_a_client_changes_while_reading() -> None:
    client = phq9_client()
    config = MonitoringConfig(trajectory_max_episodes=40)
    references = []
    for version in (planted(client, 1), planted(client, 3)):
        sampler = ReferenceSampler(config)
        for episode in with_client(version):
            sampler.add(episode)
        references.append(sampler.reference())
    before, after = references
    assert len(references) == 2
    assert before.for_client(client.client_id) == after.for_client(client.client_id)
    own = half_of(client.client_id)
    assert before.halves[own].trajectories != after.halves[own].trajectories


def test_it_samples_the_reference_from_the_whole_file_not_its_first_clients() -> None:
    config = MonitoringConfig(trajectory_max_episodes=20)
    sampler = ReferenceSampler(config)
    for episode in CASELOAD.episodes:
        sampler.add(episode)
    position = {
        str([(a.session_number, a.total) for a in e.series("phq-9")]): index
        for index, e in enumerate(CASELOAD.episodes)
    }
    chosen = [position[str(series)] for half in (0, 1) for series in sampler.samples[half]["phq-9"]]
    assert len(chosen) == 40
    assert max(chosen) > 140 and min(chosen) < 40  # from the end of the file as well
    # Each half's sample is the half's own clients.
    halves = {half_of(CASELOAD.episodes[i].client_id) for i in chosen[:20]}
    assert halves == {0}


def test_it_saves_and_loads_both_forms_of_the_reference(tmp_path: Path) -> None:
    reference = cross_fitted_reference(CASELOAD.episodes)
    path = tmp_path / "reference.json"
    save_reference(reference, path)
    assert load_reference(path) == reference
    data = json.loads(path.read_text())
    assert data["split"] == "sha256(client_id) parity" and len(data["halves"]) == 2
    # The top level reads as a single reference: a model where both halves have one.
    first, second = (reference_to_dict(half)["trajectories"] for half in reference.halves)
    assert data["trajectories"]["phq-9"] == first["phq-9"] is not None
    compared = 0
    for name, model in data["trajectories"].items():
        assert model == (first.get(name) if second.get(name) else None)
        compared += 1
    assert compared == len(set(first) | set(second))
    # A single reference (the older form) still loads, and serves every client.
    single = reference.halves[0]
    loaded = reference_from_data(reference_to_dict(single))
    assert not isinstance(loaded, CrossFittedReference)
    assert reference_for(loaded, "C0001") == reference_for(loaded, "C0002") == single
    assert reference_to_data(single) == reference_to_dict(single)


def test_it_monitors_each_client_of_a_file_against_the_other_halfs_model(tmp_path: Path) -> None:
    path = tmp_path / "caseload.csv"
    with path.open("w", newline="") as out:
        write_long_csv(CASELOAD, out)
    signals = {}

    def keep(episode: ScoredEpisode, found: list) -> None:  # type: ignore[type-arg]
        signals[episode.client_id] = found

    analysis = analyze_file(path, on_client=keep)
    halves = analysis.summary["reference"]["halves"]
    sizes = [half["trajectories"]["phq-9"]["reference_episodes"] for half in halves]
    assert sizes[0] != sizes[1]  # so that the evidence tells which half's model was used
    checked = 0
    for client_id, found in signals.items():
        for s in found:
            if s.kind == "not_on_track" and s.evidence["method"] == "expected_trajectory":
                other = halves[1 - half_of(client_id)]["trajectories"][s.instrument]
                assert s.evidence["reference_episodes"] == other["reference_episodes"]
                checked += 1
    assert checked > 20


def test_it_counts_what_the_sampler_counts_as_reference_from_episodes_does() -> None:
    """With a sample bound above the caseload, streaming gives the same models as fitting
    each half's episodes at once."""
    config = MonitoringConfig(trajectory_max_episodes=500)
    sampler = ReferenceSampler(config)
    for episode in CASELOAD.episodes:
        sampler.add(episode)
    streamed = sampler.reference()
    at_once = cross_fitted_reference(CASELOAD.episodes, config)
    for half in (0, 1):
        assert streamed.halves[half].trajectories.keys() == at_once.halves[half].trajectories.keys()
        pooled = streamed.halves[half].pooled_srs_sd
        assert pooled is not None and abs(pooled - (at_once.halves[half].pooled_srs_sd or 0)) < 1e-9
    a = streamed.halves[0].trajectories["phq-9"]
    b = at_once.halves[0].trajectories["phq-9"]
    assert a is not None and b is not None and a.episodes == b.episodes
    assert abs(a.intercept - b.intercept) < 1e-6


def test_it_uses_no_half_for_its_own_clients_in_the_episode_split() -> None:
    episodes = [ScoredEpisode.of(f"C{n}", [ScoredAdministration(1, "srs", score(
        "srs", {"1": 9, "2": 9, "3": 9, "4": 9}))]) for n in range(10)]  # fmt: skip
    reference = cross_fitted_reference(episodes)
    assert reference.for_client("C1") is reference.halves[1 - half_of("C1")]
