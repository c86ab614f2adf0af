"""What DevStack's ``keystone-manage bootstrap`` and account setup leave behind.

Idempotent: run on every start, it creates what is missing, moves the bootstrap
endpoints to the address now bound, and resets the bootstrap users' password when
one is given explicitly and differs from the stored one.
"""

from __future__ import annotations

import itertools
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import ids
from pocketstack.core.db import Database
from pocketstack.core.timeutils import utcnow
from pocketstack.services.identity import models as m
from pocketstack.services.identity import passwords as pw
from pocketstack.services.identity.resource import DEFAULT_DOMAIN_ID
from pocketstack.services.identity.store import DOMAIN_ROOT, REVISION, one
from pocketstack.settings import Settings

ROLE_CHAIN = ("admin", "manager", "member", "reader")  # each implies the next
EXTRA_ROLES = ("service",)
PROJECTS = ("admin", "demo", "alt_demo", "service")
# user -> (project, role)
USERS = {"admin": ("admin", "admin"), "demo": ("demo", "member"), "alt_demo": ("alt_demo", "member")}


@dataclass(frozen=True)
class CatalogEntry:
    type: str
    name: str
    path: str  # appended to the base URL


CATALOG = (
    CatalogEntry("identity", "keystone", "/v3"),
    CatalogEntry("compute", "nova", "/compute/v2.1"),
    CatalogEntry("network", "neutron", "/networking"),
    CatalogEntry("block-storage", "cinder", "/volume/v3/$(project_id)s"),
    CatalogEntry("volumev3", "cinderv3", "/volume/v3/$(project_id)s"),
    CatalogEntry("image", "glance", "/image"),
)
INTERFACES = ("public", "internal", "admin")


class PasswordWork:
    """The bootstrap's bcrypt work, begun in a thread while the rest of the cloud is built.

    Checking the configured password against the stored hashes (on a restart with an
    explicit password) and hashing it (when a bootstrap user is missing or the check
    fails) are the slowest steps of a start; bcrypt releases the GIL, so they overlap
    the other services' imports and migrations instead of adding to them.  Should the
    stored hashes change meanwhile (another process sharing the database), the answers
    the thread could not foresee are worked out when asked for.
    """

    def __init__(self, db: Database, settings: Settings) -> None:
        self.password = settings.effective_admin_password
        self.rounds = settings.identity.password_hash_rounds
        stored = _stored_hashes(db)
        explicit = settings.admin_password is not None

        def work() -> tuple[dict[str, bool], str | None]:
            verdicts = {h: pw.check_secret(self.password, h) for h in set(stored.values())} if explicit else {}
            needed = len(stored) < len(USERS) or not all(verdicts.values())
            return verdicts, pw.hash_secret(self.password, self.rounds) if needed else None

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bootstrap-passwords")
        self._future: Future[tuple[dict[str, bool], str | None]] = pool.submit(work)
        pool.shutdown(wait=False)

    def matches(self, stored_hash: str) -> bool:
        """Whether the configured password is the one ``stored_hash`` was made from."""
        verdicts = self._future.result()[0]
        known = verdicts.get(stored_hash)
        return pw.check_secret(self.password, stored_hash) if known is None else known

    def new_hash(self) -> str:
        """A hash of the configured password, for users who get it now."""
        made = self._future.result()[1]
        return made if made is not None else pw.hash_secret(self.password, self.rounds)


def _stored_hashes(db: Database) -> dict[str, str]:
    """The bootstrap users' active password hashes, by user name (none on a fresh start)."""
    u, pt = m.users, m.passwords
    query = (
        sa.select(u.c.name, pt.c.password_hash)
        .join(pt, pt.c.user_id == u.c.id)
        .where(u.c.name.in_(list(USERS)), u.c.domain_id == DEFAULT_DOMAIN_ID, pt.c.active.is_(True))
    )
    with db.read() as conn:
        return {row.name: row.password_hash for row in conn.execute(query)}


def _id_of(conn: Connection, table: sa.Table, **where: object) -> str | None:
    row = one(conn, sa.select(table.c.id).where(*(table.c[k] == v for k, v in where.items())))
    return str(row["id"]) if row else None


def bootstrap(db: Database, settings: Settings, base_url: str, work: PasswordWork | None = None) -> None:
    from pocketstack.services.identity.tokens import KeyRing

    now = utcnow()
    work = work or PasswordWork(db, settings)
    hashed: str | None = None
    with db.write() as conn:
        KeyRing(db).ensure(conn)
        p = m.projects
        if _id_of(conn, p, id=DEFAULT_DOMAIN_ID) is None:
            conn.execute(
                p.insert().values(
                    id=DEFAULT_DOMAIN_ID,
                    name="Default",
                    description="The default domain",
                    enabled=True,
                    is_domain=True,
                    domain_id=DOMAIN_ROOT,
                    parent_id=None,
                    extra={},
                    options={},
                    created_at=now,
                )
            )
        role_ids: dict[str, str] = {}
        for name in (*ROLE_CHAIN, *EXTRA_ROLES):
            rid = one(conn, sa.select(m.roles.c.id).where(m.roles.c.name == name, m.roles.c.domain_id.is_(None)))
            if rid is None:
                new_id = ids.hex_id()
                conn.execute(
                    m.roles.insert().values(
                        id=new_id,
                        name=name,
                        domain_id=None,
                        description=None,
                        options={"immutable": True} if name in ROLE_CHAIN else {},
                        extra={},
                        created_at=now,
                    )
                )
                role_ids[name] = new_id
            else:
                role_ids[name] = str(rid["id"])
        ir = m.implied_roles
        for prior, implied in itertools.pairwise(ROLE_CHAIN):
            exists = one(
                conn,
                sa.select(ir.c.prior_role_id).where(
                    ir.c.prior_role_id == role_ids[prior], ir.c.implied_role_id == role_ids[implied]
                ),
            )
            if not exists:
                conn.execute(ir.insert().values(prior_role_id=role_ids[prior], implied_role_id=role_ids[implied]))
        project_ids: dict[str, str] = {}
        for name in PROJECTS:
            pid = _id_of(conn, p, name=name, domain_id=DEFAULT_DOMAIN_ID, is_domain=False)
            if pid is None:
                pid = ids.hex_id()
                conn.execute(
                    p.insert().values(
                        id=pid,
                        name=name,
                        description=f"Bootstrap project {name}",
                        enabled=True,
                        is_domain=False,
                        domain_id=DEFAULT_DOMAIN_ID,
                        parent_id=DEFAULT_DOMAIN_ID,
                        extra={},
                        options={},
                        created_at=now,
                    )
                )
            project_ids[name] = pid
        user_ids: dict[str, str] = {}
        for name, (project, _role) in USERS.items():
            uid = _id_of(conn, m.users, name=name, domain_id=DEFAULT_DOMAIN_ID)
            if uid is None:
                uid = ids.hex_id()
                conn.execute(
                    m.users.insert().values(
                        id=uid,
                        name=name,
                        domain_id=DEFAULT_DOMAIN_ID,
                        enabled=True,
                        default_project_id=project_ids[project],
                        description=None,
                        extra={},
                        options={
                            "ignore_password_expiry": True,
                            "ignore_lockout_failure_attempts": True,
                            "ignore_change_password_upon_first_use": True,
                        },
                        created_at=now,
                        failed_auth_count=0,
                    )
                )
                hashed = hashed or work.new_hash()
                conn.execute(
                    m.passwords.insert().values(
                        user_id=uid,
                        password_hash=hashed,
                        created_at=now,
                        expires_at=None,
                        self_service=False,
                        active=True,
                    )
                )
            user_ids[name] = uid
        grants = [
            ("user", user_ids[u], "project", project_ids[proj], role_ids[role]) for u, (proj, role) in USERS.items()
        ]
        grants.append(("user", user_ids["admin"], "system", "all", role_ids["admin"]))
        a = m.assignments
        for actor_type, actor_id, target_type, target_id, role_id in grants:
            exists = one(
                conn,
                sa.select(a.c.role_id).where(
                    a.c.actor_type == actor_type,
                    a.c.actor_id == actor_id,
                    a.c.target_type == target_type,
                    a.c.target_id == target_id,
                    a.c.role_id == role_id,
                    a.c.inherited.is_(False),
                ),
            )
            if not exists:
                conn.execute(
                    a.insert().values(
                        actor_type=actor_type,
                        actor_id=actor_id,
                        target_type=target_type,
                        target_id=target_id,
                        role_id=role_id,
                        inherited=False,
                    )
                )
        _bootstrap_catalog(conn, settings.region, base_url)
        Database.bump(conn, REVISION)
    if settings.admin_password is not None and hashed is None:
        _reset_passwords(db, list(user_ids.values()), work)


def _bootstrap_catalog(conn: Connection, region: str, base_url: str) -> None:
    if _id_of(conn, m.regions, id=region) is None:
        conn.execute(m.regions.insert().values(id=region, description="", parent_region_id=None, extra={}))
    for entry in CATALOG:
        sid = _id_of(conn, m.services, type=entry.type, name=entry.name)
        if sid is None:
            sid = ids.hex_id()
            conn.execute(
                m.services.insert().values(
                    id=sid, type=entry.type, name=entry.name, description=None, enabled=True, extra={}
                )
            )
        url = base_url + entry.path
        for interface in INTERFACES:
            ep = m.endpoints
            row = one(
                conn, sa.select(ep).where(ep.c.service_id == sid, ep.c.interface == interface, ep.c.bootstrap.is_(True))
            )
            if row is None:
                conn.execute(
                    ep.insert().values(
                        id=ids.hex_id(),
                        service_id=sid,
                        interface=interface,
                        url=url,
                        region_id=region,
                        enabled=True,
                        bootstrap=True,
                        extra={},
                    )
                )
            elif row["url"] != url:
                conn.execute(ep.update().where(ep.c.id == row["id"]).values(url=url))


def _reset_passwords(db: Database, user_ids: list[str], work: PasswordWork) -> None:
    """An explicit admin password wins over the stored one (as re-running DevStack's does)."""
    pt = m.passwords
    with db.read() as conn:
        rows = {
            r["user_id"]: r["password_hash"]
            for r in conn.execute(
                sa.select(pt.c.user_id, pt.c.password_hash).where(pt.c.user_id.in_(user_ids), pt.c.active.is_(True))
            ).mappings()
        }
    stale = [uid for uid in user_ids if uid not in rows or not work.matches(rows[uid])]
    if not stale:
        return
    hashed = work.new_hash()
    now = utcnow()
    with db.write() as conn:
        for uid in stale:
            conn.execute(pt.update().where(pt.c.user_id == uid).values(active=False))
            conn.execute(
                pt.insert().values(
                    user_id=uid, password_hash=hashed, created_at=now, expires_at=None, self_service=False, active=True
                )
            )
            conn.execute(m.revocations.insert().values(user_id=uid, issued_before=now, revoked_at=now))
        Database.bump(conn, REVISION)
