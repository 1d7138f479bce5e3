"""The server's Streamlit settings that decide how many sessions one process serves (issue 16).

Read as ``streamlit run app.py`` reads them: from ``.streamlit/config.toml`` in the project's directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit import config

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app_config(monkeypatch: pytest.MonkeyPatch):
    """Streamlit's options as the app's server has them; the options of the test run afterwards."""
    monkeypatch.chdir(ROOT)  # Streamlit reads ./.streamlit/config.toml of the working directory
    config.get_config_options(force_reparse=True)
    yield config
    monkeypatch.undo()
    config.get_config_options(force_reparse=True)


def test_no_full_collection_after_every_script_run(app_config):
    # Streamlit's default runs gc.collect(2) at the end of every script run, holding the interpreter
    # lock while it walks the whole heap: under twenty sessions every other session's script waited
    # for it (BENCHMARKS.md, "Fourteenth session"). Python's own collector still runs.
    assert app_config.get_option("runner.postScriptGC") is False


def test_no_source_file_watcher(app_config):
    # the watcher walked every imported module after each script run (BENCHMARKS.md, issue 16)
    assert app_config.get_option("server.fileWatcherType") == "none"


def test_no_state_duplication_warning_in_the_servers_log(app_config):
    # the visit form is set to its defaults after a save through the session state, on widgets that
    # also name a default (ui.common.empty_after_save): meant, and logged after every saved visit
    assert app_config.get_option("global.disableWidgetStateDuplicationWarning") is True
