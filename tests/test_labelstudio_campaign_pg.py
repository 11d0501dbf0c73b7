"""The whole campaign of ``test_labelstudio_campaign`` once more, on PostgreSQL: the same
tests, with the session server replaced by the one ``ls serve --database postgresql``
starts (a private Debian PostgreSQL cluster on loopback; ``ls_fixtures.pg_ls_server``),
the browser submission included."""

from __future__ import annotations

import pytest
from ls_fixtures import LSInstance, pg_ls_env, pg_ls_server  # noqa: F401  (fixtures)
from test_labelstudio_campaign import *  # noqa: F403  (the campaign's tests and fixtures)

pytestmark = [pytest.mark.labelstudio, pytest.mark.browser]


@pytest.fixture(scope="session")
def ls_server(pg_ls_server: LSInstance) -> LSInstance:  # noqa: F811
    """The PostgreSQL-backed server in place of the SQLite one, for every test here."""
    return pg_ls_server


@pytest.fixture()
def ls_env(pg_ls_env: LSInstance) -> LSInstance:  # noqa: F811
    return pg_ls_env
