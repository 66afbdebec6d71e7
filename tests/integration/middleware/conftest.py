"""One lab with the real Tomcat and a PostgreSQL for every middleware integration test of the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.lab_fixture import Lab, lab_session


@pytest.fixture(scope="session")
def tomcat_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    yield from lab_session(tmp_path_factory, "--hosts", "1", "--db", "postgresql", "--middleware", "tomcat")
