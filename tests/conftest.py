"""Test-wide settings. Feature tests run with two-factor sign-in relaxed (as `alliance demo`
does), so that they sign in with `force_login`; tests marked `two_factor` keep the default,
where every account needs its second factor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _two_factor_relaxed_unless_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("two_factor"):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.RELAX_MFA = "demo"
    yield


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Counters kept in the cache (link guesses) start at zero in every test.
    from django.core.cache import cache

    cache.clear()
    yield
