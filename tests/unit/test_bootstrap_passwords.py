"""The identity bootstrap's password handling across restarts (its bcrypt work runs in a
thread while the cloud is built): a fresh start hashes once for the three users, a
restart with the same password changes nothing, a different explicit password replaces
the stored one and revokes the users' tokens, and no explicit password keeps it."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from pocketstack.app import bootstrap, create_cloud
from pocketstack.services.identity import models as m
from pocketstack.services.identity import passwords as pw
from pocketstack.settings import load_settings


def _start(data_dir: Path, password: str | None) -> dict[str, list[str]]:
    """Build and bootstrap a cloud; the bootstrap users' password hashes, active first."""
    settings = load_settings(
        {"data_dir": str(data_dir), "admin_password": password, "identity": {"password_hash_rounds": 4}}, env={}
    )
    cloud = create_cloud(settings)
    try:
        cloud.bind("127.0.0.1", 5000)
        bootstrap(cloud)
        u, p = m.users, m.passwords
        query = (
            sa.select(u.c.name, p.c.password_hash, p.c.active)
            .join(p, p.c.user_id == u.c.id)
            .where(u.c.name.in_(["admin", "demo", "alt_demo"]))
            .order_by(u.c.name, p.c.active.desc(), p.c.created_at)
        )
        with cloud.db.read() as conn:
            out: dict[str, list[str]] = {}
            for row in conn.execute(query):
                out.setdefault(row.name, []).append(row.password_hash)
            out["revocations"] = [str(r.user_id) for r in conn.execute(sa.select(m.revocations.c.user_id))]
        return out
    finally:
        cloud.db.dispose()


def test_passwords_across_restarts(tmp_path: Path) -> None:
    first = _start(tmp_path, "secret-a")
    hashes = {first[name][0] for name in ("admin", "demo", "alt_demo")}
    assert len(hashes) == 1 and pw.check_secret("secret-a", hashes.pop())
    assert first["revocations"] == []

    assert _start(tmp_path, "secret-a") == first  # same password: nothing rewritten

    changed = _start(tmp_path, "secret-b")
    for name in ("admin", "demo", "alt_demo"):
        active, old = changed[name]
        assert pw.check_secret("secret-b", active) and old == first[name][0]
    assert len(changed["revocations"]) == 3

    assert _start(tmp_path, None) == changed  # no explicit password: the stored one stays
