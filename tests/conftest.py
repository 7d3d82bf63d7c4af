"""Shared fixtures."""

from __future__ import annotations

import os

import pytest

from tests.winecmd import WineBatchRunner, require_wine

# Absolute command paths that scripts under test call: the generated scripts'
# isql and al2stop, and the guide's section 3.2 samples.
PATH_STUBS = ["C:\\MSSQL\\BINN\\isql", "F:\\StarOffice\\bin\\al2stop"]


@pytest.fixture(scope="session", autouse=True)
def lint_cache_of_this_run(tmp_path_factory):
    """`sogen lint` keeps results in the user's cache folder: the tests' runs keep theirs
    in a folder of this session, never reading a result another checkout left."""
    os.environ["SOGEN_CACHE_DIR"] = str(tmp_path_factory.mktemp("lint-cache"))


@pytest.fixture(scope="session")
def wine_runner():
    """One Wine cmd.exe runner for the whole session (starting Wine costs about a second).

    Skips where Wine is missing, except in CI, where the Wine tests must run.
    """
    require_wine()
    with WineBatchRunner(path_stubs=PATH_STUBS) as runner:
        yield runner


def pytest_make_parametrize_id(config, val, argname):
    """Hostile inputs are long (100,000 brackets): a test's id, which pytest also puts in
    the environment of every subprocess, keeps their first characters and their length."""
    if isinstance(val, (str, bytes)) and len(val) > 40:
        return f"{val[:24]!r}...({len(val)})"
    return None
