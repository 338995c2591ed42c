"""The WAI-SR is keyed on its own, not by the 36-item key: two items change subscale."""

from __future__ import annotations

from alliance.measures import definitions, score


def subscale_of(instrument: str) -> dict[str, str]:
    d = definitions()[instrument]
    return {item: sub.id for sub in d.subscales for item in sub.items}


def test_it_keys_the_wai_sr_task_bond_goal_as_published() -> None:
    d = definitions()["wai-sr"]
    assert {s.id: s.items for s in d.subscales} == {
        "task": ("1", "2", "10", "12"),
        "bond": ("3", "5", "7", "9"),
        "goal": ("4", "6", "8", "11"),
    }
    assert d.reverse_items == ()


def test_it_finds_exactly_two_wai_sr_items_that_changed_subscale() -> None:
    short = definitions()["wai-sr"]
    short_key, long_key = subscale_of("wai-sr"), subscale_of("wai")
    moved = {
        item.id: (long_key[item.parent_item], short_key[item.id])
        for item in short.items
        if item.parent_item is not None and long_key[item.parent_item] != short_key[item.id]
    }
    # WAI-SR 1 is 36-item 25 (Goal there, Task here); WAI-SR 8 is 36-item 24 (Task -> Goal).
    assert moved == {"1": ("goal", "task"), "8": ("task", "goal")}
    assert {short.items[0].parent_item, short.items[7].parent_item} == {"25", "24"}


def test_it_scores_differently_from_the_36_item_key_applied_to_the_same_answers() -> None:
    # A client who rates only item 1 low (36-item 25: Goal there, Task here).
    answers = {str(n): 5 for n in range(1, 13)} | {"1": 1}
    result = score("wai-sr", answers)
    assert result.subscales == {"task": 16, "bond": 20, "goal": 20}
    long_key, short = subscale_of("wai"), definitions()["wai-sr"]
    wrong: dict[str, int] = {}
    for item in short.items:
        assert item.parent_item is not None
        sub = long_key[item.parent_item]
        wrong[sub] = wrong.get(sub, 0) + answers[item.id]
    # Under the 36-item key the low answer would wrongly land on Goal.
    assert wrong == {"task": 20, "bond": 20, "goal": 16}
    assert wrong != result.subscales


def test_it_keeps_every_wai_subscale_at_twelve_items() -> None:
    d = definitions()["wai"]
    assert {s.id: len(s.items) for s in d.subscales} == {"goal": 12, "task": 12, "bond": 12}
    assert len(d.reverse_items) == 14
