"""Publishers' sessions and sign-in limits (web/sessions.py), without a server."""

from __future__ import annotations

import os
import time

from kfl_lod.web import sessions


def test_a_session_expires_and_its_kept_upload_goes_with_it(tmp_path):
    sid, session = sessions.start(tmp_path, "anna", minutes=30)
    assert sessions.get(tmp_path, sid).who == "anna"
    assert sid not in "".join(p.name + p.read_text() for p in (tmp_path / "sessions").iterdir())  # only its hash
    pending_id, folder = sessions.new_pending(tmp_path)
    folder.mkdir()
    session.pending = {"id": pending_id}
    session.expires = time.time() - 1  # as if 30 minutes had passed
    sessions.save(tmp_path, sid, session)
    assert sessions.get(tmp_path, sid) is None
    assert not folder.exists() and not list((tmp_path / "sessions").iterdir())
    assert sessions.get(tmp_path, "not-a-session") is None and sessions.get(tmp_path, "x" * 500) is None


def test_sweep_removes_expired_sessions_and_orphaned_uploads(tmp_path):
    live, _ = sessions.start(tmp_path, "anna", minutes=30)
    old, stale = sessions.start(tmp_path, "ewa", minutes=30)
    stale.expires = time.time() - 1
    sessions.save(tmp_path, old, stale)
    orphan_id, orphan = sessions.new_pending(tmp_path)
    orphan.mkdir()
    os.utime(orphan, (time.time() - 120, time.time() - 120))
    sessions.sweep(tmp_path)
    assert sessions.get(tmp_path, live) is not None
    assert len(list((tmp_path / "sessions").iterdir())) == 1 and not orphan.exists()
    assert sessions.pending_dir(tmp_path, "../etc") is None


def test_failed_sign_ins_block_an_address_and_a_name_for_a_while(tmp_path):
    keys = ["addr:127.0.0.1", "name:anna"]
    for _ in range(3):
        assert sessions.blocked(tmp_path, keys, limit=3) == 0
        sessions.failed(tmp_path, keys)
    wait = sessions.blocked(tmp_path, keys, limit=3)
    assert 0 < wait <= sessions.WINDOW + 1
    assert sessions.blocked(tmp_path, ["addr:10.0.0.1", "name:anna"], limit=3) > 0  # the name, from elsewhere
    assert sessions.blocked(tmp_path, ["addr:10.0.0.1", "name:ewa"], limit=3) == 0
