from __future__ import annotations

import pytest

import attnviz


@pytest.fixture(scope="session")
def loaded() -> attnviz.LoadedModel:
    """The course model as the build chooses it (ATTNVIZ_MODEL; `make test` sets bundled)."""
    return attnviz.load_model()


@pytest.fixture(scope="session")
def single(loaded) -> attnviz.AttentionResult:
    return attnviz.attend("The cat sat on the mat", model=loaded)


@pytest.fixture(scope="session")
def pair(loaded) -> attnviz.AttentionResult:
    return attnviz.attend("The cat sat on the mat", "The cat lay on the rug", model=loaded)
