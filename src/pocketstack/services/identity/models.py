"""Identity tables (Alembic branch ``identity``).

Domains are projects with ``is_domain`` set, as in Keystone; a top-level project's
``parent_id`` is its domain.  Passwords are kept only as bcrypt hashes, with history.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

projects = sa.Table(
    "identity_projects",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("enabled", sa.Boolean, nullable=False, default=True),
    sa.Column("is_domain", sa.Boolean, nullable=False, default=False),
    # NULL for domains; the owning domain for projects
    sa.Column("domain_id", sa.String(64), nullable=True, index=True),
    sa.Column("parent_id", sa.String(64), nullable=True, index=True),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
    sa.Column("options", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # names are unique among domains, and among a domain's projects
    sa.UniqueConstraint("domain_id", "name", "is_domain", name="uq_identity_projects_name"),
)

project_tags = sa.Table(
    "identity_project_tags",
    metadata,
    sa.Column(
        "project_id",
        sa.String(64),
        sa.ForeignKey("identity_projects.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("name", sa.String(255), primary_key=True),
)

users = sa.Table(
    "identity_users",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("domain_id", sa.String(64), nullable=False, index=True),
    sa.Column("enabled", sa.Boolean, nullable=False, default=True),
    sa.Column("default_project_id", sa.String(64), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
    sa.Column("options", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_active_at", sa.DateTime, nullable=True),
    sa.Column("failed_auth_count", sa.Integer, nullable=False, default=0),
    sa.Column("failed_auth_at", sa.DateTime, nullable=True),
    sa.UniqueConstraint("domain_id", "name", name="uq_identity_users_name"),
)

passwords = sa.Table(
    "identity_passwords",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "user_id",
        sa.String(64),
        sa.ForeignKey("identity_users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=True),
    sa.Column("self_service", sa.Boolean, nullable=False, default=False),
    # Only the newest row of a user is the current password; older rows are history.
    sa.Column("active", sa.Boolean, nullable=False, default=True),
)

groups = sa.Table(
    "identity_groups",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(64), nullable=False),
    sa.Column("domain_id", sa.String(64), nullable=False, index=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("domain_id", "name", name="uq_identity_groups_name"),
)

group_members = sa.Table(
    "identity_group_members",
    metadata,
    sa.Column(
        "group_id",
        sa.String(64),
        sa.ForeignKey("identity_groups.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "user_id",
        sa.String(64),
        sa.ForeignKey("identity_users.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

roles = sa.Table(
    "identity_roles",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),
    # NULL for global roles; set for domain-specific roles
    sa.Column("domain_id", sa.String(64), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("options", sa.JSON, nullable=False, default=dict),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("domain_id", "name", name="uq_identity_roles_name"),
)

implied_roles = sa.Table(
    "identity_implied_roles",
    metadata,
    sa.Column(
        "prior_role_id",
        sa.String(64),
        sa.ForeignKey("identity_roles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "implied_role_id",
        sa.String(64),
        sa.ForeignKey("identity_roles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

# Grants: actor (user|group) has role on target (project|domain|system), maybe inherited.
assignments = sa.Table(
    "identity_assignments",
    metadata,
    sa.Column("actor_type", sa.String(8), primary_key=True),  # "user" | "group"
    sa.Column("actor_id", sa.String(64), primary_key=True),
    sa.Column("target_type", sa.String(8), primary_key=True),  # "project"|"domain"|"system"
    sa.Column("target_id", sa.String(64), primary_key=True),  # "all" for the system
    sa.Column(
        "role_id",
        sa.String(64),
        sa.ForeignKey("identity_roles.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("inherited", sa.Boolean, primary_key=True, default=False),
    sa.Index("ix_identity_assignments_target", "target_type", "target_id"),
    sa.Index("ix_identity_assignments_actor", "actor_id"),
)

regions = sa.Table(
    "identity_regions",
    metadata,
    sa.Column("id", sa.String(255), primary_key=True),
    sa.Column("description", sa.String(255), nullable=False, default=""),
    sa.Column("parent_region_id", sa.String(255), nullable=True),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
)

services = sa.Table(
    "identity_services",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("type", sa.String(255), nullable=False),
    sa.Column("name", sa.String(255), nullable=True),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("enabled", sa.Boolean, nullable=False, default=True),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
)

endpoints = sa.Table(
    "identity_endpoints",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column(
        "service_id",
        sa.String(64),
        sa.ForeignKey("identity_services.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("interface", sa.String(8), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("region_id", sa.String(255), nullable=True),
    sa.Column("enabled", sa.Boolean, nullable=False, default=True),
    # set on the endpoints bootstrap made, so a restart can move them to the new address
    sa.Column("bootstrap", sa.Boolean, nullable=False, default=False),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
)

app_creds = sa.Table(
    "identity_app_creds",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column(
        "user_id",
        sa.String(64),
        sa.ForeignKey("identity_users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("project_id", sa.String(64), nullable=True),
    sa.Column("system", sa.String(8), nullable=True),
    sa.Column("secret_hash", sa.String(255), nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=True),
    sa.Column("unrestricted", sa.Boolean, nullable=False, default=False),
    sa.Column("roles", sa.JSON, nullable=False, default=list),  # [role id, …]
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("user_id", "name", name="uq_identity_app_creds_name"),
)

access_rules = sa.Table(
    "identity_access_rules",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column(
        "user_id",
        sa.String(64),
        sa.ForeignKey("identity_users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("service", sa.String(64), nullable=False),
    sa.Column("path", sa.String(128), nullable=False),
    sa.Column("method", sa.String(16), nullable=False),
    sa.UniqueConstraint("user_id", "service", "path", "method", name="uq_identity_access_rules"),
)

app_cred_access_rules = sa.Table(
    "identity_app_cred_access_rules",
    metadata,
    sa.Column(
        "app_cred_id",
        sa.String(64),
        sa.ForeignKey("identity_app_creds.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "access_rule_id",
        sa.String(64),
        sa.ForeignKey("identity_access_rules.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)

# Revocation events, as Keystone keeps them: a token matching every non-NULL column
# of an event and issued at or before ``issued_before`` is revoked.
revocations = sa.Table(
    "identity_revocations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.String(64), nullable=True, index=True),
    sa.Column("project_id", sa.String(64), nullable=True, index=True),
    sa.Column("domain_id", sa.String(64), nullable=True),
    sa.Column("audit_id", sa.String(32), nullable=True, index=True),
    sa.Column("audit_chain_id", sa.String(32), nullable=True, index=True),
    sa.Column("app_cred_id", sa.String(64), nullable=True),
    sa.Column("issued_before", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=True),
    sa.Column("revoked_at", sa.DateTime, nullable=False),
)

# Fernet keys: the highest id is the primary (encrypting) key; all keys decrypt.
fernet_keys = sa.Table(
    "identity_fernet_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("key", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

credentials = sa.Table(
    "identity_credentials",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.String(64), nullable=False, index=True),
    sa.Column("project_id", sa.String(64), nullable=True),
    sa.Column("type", sa.String(255), nullable=False),
    sa.Column("blob", sa.Text, nullable=False),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
)

# Keystone's policy store (``/v3/policies``): opaque blobs the identity service keeps for others.
policies = sa.Table(
    "identity_policies",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("type", sa.String(255), nullable=False),
    sa.Column("blob", sa.Text, nullable=False),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
)

# OS-EP-FILTER: endpoint groups, and the endpoints and groups a project's catalog is limited to.
endpoint_groups = sa.Table(
    "identity_endpoint_groups",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("description", sa.Text, nullable=True),
    sa.Column("filters", sa.JSON, nullable=False),
)

project_endpoint_groups = sa.Table(
    "identity_project_endpoint_groups",
    metadata,
    sa.Column(
        "endpoint_group_id",
        sa.String(64),
        sa.ForeignKey("identity_endpoint_groups.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("project_id", sa.String(64), primary_key=True, index=True),
)

project_endpoints = sa.Table(
    "identity_project_endpoints",
    metadata,
    sa.Column(
        "endpoint_id",
        sa.String(64),
        sa.ForeignKey("identity_endpoints.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("project_id", sa.String(64), primary_key=True, index=True),
)

# OS-TRUST: a trustor delegates some of their roles on a project to a trustee.
trusts = sa.Table(
    "identity_trusts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("trustor_user_id", sa.String(64), nullable=False, index=True),
    sa.Column("trustee_user_id", sa.String(64), nullable=False, index=True),
    sa.Column("project_id", sa.String(64), nullable=True),
    sa.Column("impersonation", sa.Boolean, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=True),
    sa.Column("remaining_uses", sa.Integer, nullable=True),
    sa.Column("redelegated_trust_id", sa.String(64), nullable=True),
    sa.Column("redelegation_count", sa.Integer, nullable=True),
    sa.Column("extra", sa.JSON, nullable=False, default=dict),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

trust_roles = sa.Table(
    "identity_trust_roles",
    metadata,
    sa.Column("trust_id", sa.String(64), sa.ForeignKey("identity_trusts.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("role_id", sa.String(64), sa.ForeignKey("identity_roles.id", ondelete="CASCADE"), primary_key=True),
)

# Unified limits: default limits per service/region/resource, and project or domain overrides.
registered_limits = sa.Table(
    "identity_registered_limits",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("service_id", sa.String(64), nullable=False),
    sa.Column("region_id", sa.String(255), nullable=True),
    sa.Column("resource_name", sa.String(255), nullable=False),
    sa.Column("default_limit", sa.Integer, nullable=False),
    sa.Column("description", sa.Text, nullable=True),
)

limits = sa.Table(
    "identity_limits",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("project_id", sa.String(64), nullable=True, index=True),
    sa.Column("domain_id", sa.String(64), nullable=True),
    sa.Column(
        "registered_limit_id",
        sa.String(64),
        sa.ForeignKey("identity_registered_limits.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("resource_limit", sa.Integer, nullable=False),
    sa.Column("description", sa.Text, nullable=True),
)
