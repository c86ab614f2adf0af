"""The identity service's logic, as the handlers and the other services see it."""

from __future__ import annotations

from pocketstack.core.context import RequestContext
from pocketstack.core.db import Database
from pocketstack.services.identity.appcreds import AppCreds
from pocketstack.services.identity.assignment import Assignments
from pocketstack.services.identity.auth import Authenticator
from pocketstack.services.identity.catalog import Catalog
from pocketstack.services.identity.credentials import Credentials
from pocketstack.services.identity.endpoint_filter import EndpointFilter
from pocketstack.services.identity.identities import Identities
from pocketstack.services.identity.limits import Limits
from pocketstack.services.identity.policy_store import PolicyStore
from pocketstack.services.identity.resource import DEFAULT_DOMAIN_ID, Resources
from pocketstack.services.identity.tokens import TokenProvider
from pocketstack.services.identity.trusts import Trusts
from pocketstack.settings import Settings


class IdentityService:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.resources = Resources(db, settings)
        self.identities = Identities(db, settings)
        self.assignments = Assignments(db, settings)
        self.catalog = Catalog(db, settings)
        self.app_creds = AppCreds(db, settings)
        self.tokens = TokenProvider(db, self.assignments, settings)
        self.credentials = Credentials(db, settings, self.tokens.keys)
        self.policies = PolicyStore(db, settings)
        self.endpoint_filter = EndpointFilter(db, settings)
        self.trusts = Trusts(db, settings, self.assignments)
        self.limits = Limits(db, settings)
        self.catalog.endpoint_filter = self.endpoint_filter
        self.auth = Authenticator(self)

    # The core's TokenValidator protocol: every service authenticates through this.
    def validate(self, token: str) -> RequestContext:
        return self.tokens.validate(token)

    @staticmethod
    def default_domain(ctx: RequestContext | None) -> str:
        """The domain a create without ``domain_id`` lands in (Keystone's rule)."""
        if ctx is not None:
            if ctx.domain_id:
                return ctx.domain_id
            if ctx.project_domain_id:
                return ctx.project_domain_id
        return DEFAULT_DOMAIN_ID

    # -- for the other services --------------------------------------------------------

    def project_exists(self, project_id: str) -> bool:
        from pocketstack.services.identity.resource import get_project_row

        with self.db.read() as conn:
            return get_project_row(conn, project_id) is not None

    def project_id_by_name(self, name: str, domain_id: str = DEFAULT_DOMAIN_ID) -> str | None:
        with self.db.read() as conn:
            try:
                return str(self.resources.project_by_name(conn, name, domain_id)["id"])
            except Exception:
                return None
