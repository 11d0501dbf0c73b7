"""`claimcorpus ls serve --database postgresql` on a real server and a real cluster: Debian's
PostgreSQL made with initdb in the data dir, started and stopped with the server, on
127.0.0.1; a push/pull round trip through it. And `--host`: refused with signup open."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from ls_fixtures import *  # noqa: F403  (session server fixtures; harmless if conftest has them)
from ls_fixtures import copy_project, ls_cli
from ls_helpers import annotate, project_id, tasks_by_doc

from claimcorpus.core.layers import load_layer
from claimcorpus.labelstudio.convert import record_to_results
from claimcorpus.labelstudio.postgres import FOLDER, SETTINGS, Cluster
from claimcorpus.labelstudio.server import LAN_TODO, check_lan

DOC = "003_d71ccc6e1581c31b"


def _fields(rec: dict) -> tuple[set, set]:
    spans = {(s["label"], s["start"], s["end"], s["topic_stance"]) for s in rec["spans"]}
    pos = {s["id"]: (s["start"], s["end"]) for s in rec["spans"]}
    atts = {
        (pos[a["claim"]], pos.get(a["source"]), a["stance"], a["source_type"])
        for a in rec["attributions"]
    }
    return spans, atts


@pytest.mark.labelstudio
def test_push_and_pull_through_label_studio_on_postgresql(pg_ls_env, tmp_path: Path):
    out = pg_ls_env.first_output
    assert "PostgreSQL created and started" in out and "database: PostgreSQL" in out
    assert pg_ls_env.pg_password not in out and pg_ls_env.password not in out
    data = pg_ls_env.data_dir
    assert (data / FOLDER / "PG_VERSION").exists() and (data / SETTINGS).exists()
    assert pg_ls_env.pg_password not in (data / SETTINGS).read_text()
    root = copy_project(tmp_path / "project")
    r = ls_cli(pg_ls_env, root, "ls", "push", "--project", "on-pg", "--doc", DOC)
    assert r.returncode == 0, r.stderr
    conn = pg_ls_env.connect()
    pid = project_id(conn, "on-pg")
    (task_id,) = tasks_by_doc(conn, pid)[DOC]
    gold = load_layer(root, "gold")[DOC]
    annotate(pg_ls_env.url, pg_ls_env.token, task_id, record_to_results(gold))
    r = ls_cli(pg_ls_env, root, "ls", "pull", "--project", "on-pg", "--check")
    assert r.returncode == 0, r.stderr
    (layer,) = [p for p in (root / "annotations" / "raw" / "on-pg").iterdir() if p.is_dir()]
    back = load_layer(root, f"raw/on-pg/{layer.name}")[DOC]
    assert _fields(back) == _fields(gold)
    # the rows are in PostgreSQL, not in a SQLite file beside it
    port = next(a for a in pg_ls_env.serve_args if a.isdigit())
    pg = Cluster(data / FOLDER, int(port), "labelstudio", pg_ls_env.pg_password)
    n = pg._run(
        "psql", "-h", "127.0.0.1", "-p", port, "-U", "labelstudio", "-d", "labelstudio",
        "-Atc", f"SELECT count(*) FROM task WHERE project_id = {pid}",
    )  # fmt: skip
    assert n.strip() == "1"
    assert not (data / "label_studio.sqlite3").exists()


def test_serve_on_sqlite_refuses_a_data_dir_set_up_for_postgresql(project: Path, monkeypatch):
    data = project / "lsdata"
    data.mkdir()
    (data / SETTINGS).write_text("{}")
    for k in ("CLAIMCORPUS_LS_USERNAME", "CLAIMCORPUS_LS_PASSWORD", "CLAIMCORPUS_LS_TOKEN"):
        monkeypatch.setenv(k, "x" * 12)
    r = run_cli("ls", "serve", "--background", "--data-dir", str(data), root=project)
    assert r.returncode == 2 and "start it with --database postgresql" in r.stderr


def test_postgresql_without_a_password_says_which_variable(project: Path, monkeypatch):
    for k in ("CLAIMCORPUS_LS_USERNAME", "CLAIMCORPUS_LS_PASSWORD", "CLAIMCORPUS_LS_TOKEN"):
        monkeypatch.setenv(k, "x" * 12)
    monkeypatch.delenv("CLAIMCORPUS_PG_PASSWORD", raising=False)
    data = project / "lsdata"
    r = run_cli(
        "ls", "serve", "--background", "--database", "postgresql", "--data-dir", str(data),
        root=project,
    )  # fmt: skip
    assert r.returncode == 2 and "set CLAIMCORPUS_PG_PASSWORD" in r.stderr
    assert not (data / FOLDER).exists()


def test_host_refuses_open_signup_and_says_what_needs_a_proxy(project: Path, monkeypatch):
    for k in ("CLAIMCORPUS_LS_USERNAME", "CLAIMCORPUS_LS_PASSWORD", "CLAIMCORPUS_LS_TOKEN"):
        monkeypatch.setenv(k, "x" * 12)
    monkeypatch.setenv("LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK", "false")
    data = project / "lsdata"
    r = run_cli(
        "ls", "serve", "--background", "--host", "0.0.0.0", "--data-dir", str(data),
        root=project,
    )  # fmt: skip
    assert r.returncode == 2
    assert "refusing to listen on 0.0.0.0" in r.stderr and "sign up" in r.stderr
    assert not (data / "claimcorpus-server.pid").exists()
    assert check_lan("127.0.0.1", {"LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK": "false"}) == []
    lines = check_lan("192.168.1.20", {})
    assert "192.168.1.20" in lines[0] and list(LAN_TODO) == lines[1:]
    assert any("reverse proxy with TLS" in x for x in lines)
