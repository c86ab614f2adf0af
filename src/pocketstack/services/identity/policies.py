# ruff: noqa: E501  (upstream check strings are kept whole)
"""Keystone's default policy rules (name, check string, scope types).

These are upstream's current defaults — reader ⊂ member ⊂ admin, with system, domain
and project scopes — so an operator's Keystone ``policy.yaml`` works unchanged here.
"""

from __future__ import annotations

from pocketstack.core.policy import rule

_TABLE: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("admin_required", "role:admin or is_admin:1", None),
    ("service_role", "role:service", None),
    ("service_or_admin", "rule:admin_required or rule:service_role", None),
    ("owner", "user_id:%(user_id)s", None),
    ("admin_or_owner", "rule:admin_required or rule:owner", None),
    ("token_subject", "user_id:%(target.token.user_id)s", None),
    ("admin_or_token_subject", "rule:admin_required or rule:token_subject", None),
    ("service_admin_or_token_subject", "rule:service_or_admin or rule:token_subject", None),
    (
        "domain_managed_target_role",
        "'manager':%(target.role.name)s or 'member':%(target.role.name)s or 'reader':%(target.role.name)s",
        None,
    ),
    (
        "identity:get_access_rule",
        "(role:reader and system_scope:all) or user_id:%(target.user.id)s",
        ("system", "project"),
    ),
    (
        "identity:list_access_rules",
        "(role:reader and system_scope:all) or user_id:%(target.user.id)s",
        ("system", "project"),
    ),
    (
        "identity:delete_access_rule",
        "(role:admin and system_scope:all) or user_id:%(target.user.id)s",
        ("system", "project"),
    ),
    (
        "identity:get_application_credential",
        "(rule:admin_required) or (role:reader and system_scope:all) or rule:owner",
        ("system", "project"),
    ),
    (
        "identity:list_application_credentials",
        "(rule:admin_required) or (role:reader and system_scope:all) or rule:owner",
        ("system", "project"),
    ),
    ("identity:create_application_credential", "user_id:%(user_id)s", ("project",)),
    ("identity:delete_application_credential", "rule:admin_or_owner", ("system", "project")),
    ("identity:get_auth_catalog", "", None),
    ("identity:get_auth_projects", "", None),
    ("identity:get_auth_domains", "", None),
    ("identity:get_auth_system", "", None),
    (
        "identity:get_credential",
        "(rule:admin_required) or (role:reader and system_scope:all) or user_id:%(target.credential.user_id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_credentials",
        "(rule:admin_required) or (role:reader and system_scope:all) or user_id:%(target.credential.user_id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:create_credential",
        "(rule:admin_required) or user_id:%(target.credential.user_id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:update_credential",
        "(rule:admin_required) or user_id:%(target.credential.user_id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:delete_credential",
        "(rule:admin_required) or user_id:%(target.credential.user_id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:get_domain",
        "rule:admin_required or (role:reader and system_scope:all) or token.domain.id:%(target.domain.id)s or token.project.domain.id:%(target.domain.id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_domains",
        "rule:admin_required or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain.id)s)",
        ("system", "domain", "project"),
    ),
    ("identity:create_domain", "rule:admin_required", ("system", "project")),
    ("identity:update_domain", "rule:admin_required", ("system", "project")),
    ("identity:delete_domain", "rule:admin_required", ("system", "project")),
    ("identity:get_endpoint", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:list_endpoints", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:create_endpoint", "rule:admin_required", ("system", "project")),
    ("identity:update_endpoint", "rule:admin_required", ("system", "project")),
    ("identity:delete_endpoint", "rule:admin_required", ("system", "project")),
    (
        "identity:check_grant",
        "(rule:admin_required) or ((role:reader and system_scope:all) or ((role:reader and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:reader and domain_id:%(target.user.domain_id)s and domain_id:%(target.domain.id)s) or (role:reader and domain_id:%(target.group.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:reader and domain_id:%(target.group.domain_id)s and domain_id:%(target.domain.id)s)) and (domain_id:%(target.role.domain_id)s or None:%(target.role.domain_id)s))",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_grants",
        "(rule:admin_required) or ((role:reader and system_scope:all) or (role:reader and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:reader and domain_id:%(target.user.domain_id)s and domain_id:%(target.domain.id)s) or (role:reader and domain_id:%(target.group.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:reader and domain_id:%(target.group.domain_id)s and domain_id:%(target.domain.id)s))",
        ("system", "domain", "project"),
    ),
    (
        "identity:create_grant",
        "(rule:admin_required) or ((role:admin and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:admin and domain_id:%(target.user.domain_id)s and domain_id:%(target.domain.id)s) or (role:admin and domain_id:%(target.group.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:admin and domain_id:%(target.group.domain_id)s and domain_id:%(target.domain.id)s)) and (domain_id:%(target.role.domain_id)s or None:%(target.role.domain_id)s) or ((role:manager and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:manager and domain_id:%(target.user.domain_id)s and domain_id:%(target.domain.id)s) or (role:manager and domain_id:%(target.group.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:manager and domain_id:%(target.group.domain_id)s and domain_id:%(target.domain.id)s)) and rule:domain_managed_target_role",
        ("system", "domain", "project"),
    ),
    (
        "identity:revoke_grant",
        "(rule:admin_required) or ((role:admin and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:admin and domain_id:%(target.user.domain_id)s and domain_id:%(target.domain.id)s) or (role:admin and domain_id:%(target.group.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:admin and domain_id:%(target.group.domain_id)s and domain_id:%(target.domain.id)s)) and (domain_id:%(target.role.domain_id)s or None:%(target.role.domain_id)s) or ((role:manager and domain_id:%(target.user.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:manager and domain_id:%(target.user.domain_id)s and domain_id:%(target.domain.id)s) or (role:manager and domain_id:%(target.group.domain_id)s and domain_id:%(target.project.domain_id)s) or (role:manager and domain_id:%(target.group.domain_id)s and domain_id:%(target.domain.id)s)) and rule:domain_managed_target_role",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_system_grants_for_user",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    (
        "identity:check_system_grant_for_user",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    ("identity:create_system_grant_for_user", "rule:admin_required", ("system", "project")),
    ("identity:revoke_system_grant_for_user", "rule:admin_required", ("system", "project")),
    (
        "identity:list_system_grants_for_group",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    (
        "identity:check_system_grant_for_group",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    ("identity:create_system_grant_for_group", "rule:admin_required", ("system", "project")),
    ("identity:revoke_system_grant_for_group", "rule:admin_required", ("system", "project")),
    (
        "identity:get_group",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.group.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_groups",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.group.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_groups_for_user",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.user.domain_id)s) or user_id:%(user_id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:create_group",
        "(rule:admin_required) or (role:manager and domain_id:%(target.group.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:update_group",
        "(rule:admin_required) or (role:manager and domain_id:%(target.group.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:delete_group",
        "(rule:admin_required) or (role:manager and domain_id:%(target.group.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_users_in_group",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.group.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:remove_user_from_group",
        "(rule:admin_required) or (role:manager and domain_id:%(target.group.domain_id)s and domain_id:%(target.user.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:check_user_in_group",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.group.domain_id)s and domain_id:%(target.user.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:add_user_to_group",
        "(rule:admin_required) or (role:manager and domain_id:%(target.group.domain_id)s and domain_id:%(target.user.domain_id)s)",
        ("system", "domain", "project"),
    ),
    ("identity:get_implied_role", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:list_implied_roles", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:create_implied_role", "rule:admin_required", ("system", "project")),
    ("identity:delete_implied_role", "rule:admin_required", ("system", "project")),
    (
        "identity:list_role_inference_rules",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    ("identity:check_implied_role", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    (
        "identity:get_project",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s) or project_id:%(target.project.id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_projects",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_user_projects",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.user.domain_id)s) or user_id:%(target.user.id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:create_project",
        "(rule:admin_required) or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:update_project",
        "(rule:admin_required) or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:delete_project",
        "(rule:admin_required) or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_project_tags",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s) or project_id:%(target.project.id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:get_project_tag",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s) or project_id:%(target.project.id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:update_project_tags",
        "(rule:admin_required) or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:create_project_tag",
        "(rule:admin_required) or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:delete_project_tags",
        "(rule:admin_required) or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:delete_project_tag",
        "(rule:admin_required) or (role:manager and domain_id:%(target.project.domain_id)s and not None:%(target.project.domain_id)s)",
        ("system", "domain", "project"),
    ),
    ("identity:get_region", "", ("system", "domain", "project")),
    ("identity:list_regions", "", ("system", "domain", "project")),
    ("identity:create_region", "rule:admin_required", ("system", "project")),
    ("identity:update_region", "rule:admin_required", ("system", "project")),
    ("identity:delete_region", "rule:admin_required", ("system", "project")),
    (
        "identity:get_role",
        "(rule:admin_required or (role:reader and system_scope:all)) or (role:manager and rule:domain_managed_target_role)",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_roles",
        "(rule:admin_required or (role:reader and system_scope:all)) or (role:manager and not domain_id:None)",
        ("system", "domain", "project"),
    ),
    ("identity:create_role", "rule:admin_required", ("system", "project")),
    ("identity:update_role", "rule:admin_required", ("system", "project")),
    ("identity:delete_role", "rule:admin_required", ("system", "project")),
    ("identity:get_domain_role", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:list_domain_roles", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:create_domain_role", "rule:admin_required", ("system", "project")),
    ("identity:update_domain_role", "rule:admin_required", ("system", "project")),
    ("identity:delete_domain_role", "rule:admin_required", ("system", "project")),
    (
        "identity:list_role_assignments",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain_id)s and not None:%(target.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_role_assignments_for_tree",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain_id)s and not None:%(target.domain_id)s)",
        ("system", "domain", "project"),
    ),
    ("identity:get_service", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:list_services", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:create_service", "rule:admin_required", ("system", "project")),
    ("identity:update_service", "rule:admin_required", ("system", "project")),
    ("identity:delete_service", "rule:admin_required", ("system", "project")),
    (
        "identity:check_token",
        "rule:admin_required or (role:reader and system_scope:all) or rule:token_subject",
        ("system", "domain", "project"),
    ),
    (
        "identity:validate_token",
        "rule:admin_required or (role:reader and system_scope:all) or rule:service_role or rule:token_subject",
        ("system", "domain", "project"),
    ),
    ("identity:revoke_token", "rule:admin_required or rule:token_subject", ("system", "domain", "project")),
    (
        "identity:get_user",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and token.domain.id:%(target.user.domain_id)s) or user_id:%(target.user.id)s",
        ("system", "domain", "project"),
    ),
    (
        "identity:list_users",
        "(rule:admin_required) or (role:reader and system_scope:all) or (role:reader and domain_id:%(target.domain_id)s)",
        ("system", "domain", "project"),
    ),
    ("identity:list_projects_for_user", "", None),
    ("identity:list_domains_for_user", "", None),
    (
        "identity:create_user",
        "(rule:admin_required) or (role:manager and token.domain.id:%(target.user.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:update_user",
        "(rule:admin_required) or (role:manager and token.domain.id:%(target.user.domain_id)s)",
        ("system", "domain", "project"),
    ),
    (
        "identity:delete_user",
        "(rule:admin_required) or (role:manager and token.domain.id:%(target.user.domain_id)s)",
        ("system", "domain", "project"),
    ),
    ("identity:revoke_tokens_for_user", "rule:admin_or_owner", ("system", "domain", "project")),
]

# Keystone"s extensions pocketstack implements: OS-EC2, policies, OS-TRUST, OS-EP-FILTER.
_EXTENSIONS: list[tuple[str, str, tuple[str, ...] | None]] = [
    (
        "identity:ec2_get_credential",
        "(rule:admin_required) or (role:reader and system_scope:all) or user_id:%(target.credential.user_id)s",
        ("system", "project"),
    ),
    (
        "identity:ec2_list_credentials",
        "(rule:admin_required) or (role:reader and system_scope:all) or rule:owner",
        ("system", "project"),
    ),
    (
        "identity:ec2_create_credential",
        "(rule:admin_required) or (role:member and user_id:%(target.credential.user_id)s)",
        ("system", "project"),
    ),
    (
        "identity:ec2_delete_credential",
        "(rule:admin_required) or (role:member and user_id:%(target.credential.user_id)s)",
        ("system", "project"),
    ),
    ("identity:get_policy", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:list_policies", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:create_policy", "rule:admin_required", ("system", "project")),
    ("identity:update_policy", "rule:admin_required", ("system", "project")),
    ("identity:delete_policy", "rule:admin_required", ("system", "project")),
    ("identity:create_trust", "user_id:%(target.trust.trustor_user_id)s", ("project",)),
    ("identity:list_trusts", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    (
        "identity:list_trusts_for_trustor",
        "(rule:admin_required) or (role:reader and system_scope:all or user_id:%(target.trust.trustor_user_id)s)",
        ("system", "project"),
    ),
    (
        "identity:list_trusts_for_trustee",
        "(rule:admin_required) or (role:reader and system_scope:all or user_id:%(target.trust.trustee_user_id)s)",
        ("system", "project"),
    ),
    (
        "identity:list_roles_for_trust",
        "(rule:admin_required) or (role:reader and system_scope:all or user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s)",
        ("system", "project"),
    ),
    (
        "identity:get_role_for_trust",
        "(rule:admin_required) or (role:reader and system_scope:all or user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s)",
        ("system", "project"),
    ),
    ("identity:delete_trust", "rule:admin_required or user_id:%(target.trust.trustor_user_id)s", ("system", "project")),
    (
        "identity:get_trust",
        "(rule:admin_required) or (role:reader and system_scope:all or user_id:%(target.trust.trustor_user_id)s or user_id:%(target.trust.trustee_user_id)s)",
        ("system", "project"),
    ),
    ("identity:create_endpoint_group", "rule:admin_required", ("system", "project")),
    (
        "identity:list_endpoint_groups",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    ("identity:get_endpoint_group", "rule:admin_required or (role:reader and system_scope:all)", ("system", "project")),
    ("identity:update_endpoint_group", "rule:admin_required", ("system", "project")),
    ("identity:delete_endpoint_group", "rule:admin_required", ("system", "project")),
    (
        "identity:list_projects_associated_with_endpoint_group",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    (
        "identity:list_endpoints_associated_with_endpoint_group",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    (
        "identity:get_endpoint_group_in_project",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    (
        "identity:list_endpoint_groups_for_project",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    ("identity:add_endpoint_group_to_project", "rule:admin_required", ("system", "project")),
    ("identity:remove_endpoint_group_from_project", "rule:admin_required", ("system", "project")),
    (
        "identity:list_projects_for_endpoint",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    ("identity:add_endpoint_to_project", "rule:admin_required", ("system", "project")),
    (
        "identity:check_endpoint_in_project",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    (
        "identity:list_endpoints_for_project",
        "rule:admin_required or (role:reader and system_scope:all)",
        ("system", "project"),
    ),
    ("identity:remove_endpoint_from_project", "rule:admin_required", ("system", "project")),
    ("identity:list_revoke_events", "rule:service_or_admin", ("system", "project")),
    ("identity:get_limit_model", "", ("system", "domain", "project")),
    (
        "identity:get_limit",
        "rule:admin_required or (role:reader and system_scope:all) or (domain_id:%(target.limit.domain.id)s or "
        "domain_id:%(target.limit.project.domain_id)s) or (project_id:%(target.limit.project_id)s and "
        "not None:%(target.limit.project_id)s)",
        ("system", "domain", "project"),
    ),
    ("identity:list_limits", "", ("system", "domain", "project")),
    ("identity:create_limits", "rule:admin_required", ("system", "project")),
    ("identity:update_limit", "rule:admin_required", ("system", "project")),
    ("identity:delete_limit", "rule:admin_required", ("system", "project")),
    ("identity:get_registered_limit", "", ("system", "domain", "project")),
    ("identity:list_registered_limits", "", ("system", "domain", "project")),
    ("identity:create_registered_limits", "rule:admin_required", ("system", "project")),
    ("identity:update_registered_limit", "rule:admin_required", ("system", "project")),
    ("identity:delete_registered_limit", "rule:admin_required", ("system", "project")),
]

DEFAULTS = [rule(name, check, scopes) for name, check, scopes in (*_TABLE, *_EXTENSIONS)]
