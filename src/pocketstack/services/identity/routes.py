"""The identity API's route table (Keystone v3)."""

from __future__ import annotations

from pocketstack.core.api import NO_BODY, Route
from pocketstack.services.identity import schemas as s
from pocketstack.services.identity.api import (
    appcreds,
    auth,
    catalog,
    credentials,
    discovery,
    endpoint_filter,
    limits,
    policies,
    resource,
    revoke,
    roles,
    trusts,
    users,
)

R = Route
EP = "/v3/OS-EP-FILTER"


def _grant_routes(prefix: str, actor: str) -> list[Route]:
    """PUT/HEAD/GET/DELETE a role of an actor on a target, and list the actor's roles."""
    base = f"{prefix}/{actor}/roles"
    return [
        R("GET", base, roles.list_grants),
        R("PUT", base + "/{role_id}", roles.create_grant, body=NO_BODY),
        R("HEAD", base + "/{role_id}", roles.check_grant),
        R("GET", base + "/{role_id}", roles.check_grant),
        R("DELETE", base + "/{role_id}", roles.revoke_grant),
    ]


def _inherited_routes(prefix: str, actor: str) -> list[Route]:
    base = f"/v3/OS-INHERIT{prefix}/{actor}/roles"
    return [
        R("GET", base + "/inherited_to_projects", roles.list_inherited),
        R("PUT", base + "/{role_id}/inherited_to_projects", roles.create_inherited, body=NO_BODY),
        R("HEAD", base + "/{role_id}/inherited_to_projects", roles.check_inherited),
        R("GET", base + "/{role_id}/inherited_to_projects", roles.check_inherited),
        R("DELETE", base + "/{role_id}/inherited_to_projects", roles.revoke_inherited),
    ]


ROUTES: list[Route] = [
    # discovery
    R("GET", "/", discovery.versions, auth=False),
    R("GET", "/v3", discovery.version_v3, auth=False),
    # tokens and what a token gives access to
    R("POST", "/v3/auth/tokens", auth.issue_token, body=s.token_issue, auth=False, status=201),
    R("GET", "/v3/auth/tokens", auth.validate_token),
    R("HEAD", "/v3/auth/tokens", auth.check_token),
    R("DELETE", "/v3/auth/tokens", auth.revoke_token),
    R("GET", "/v3/auth/catalog", auth.auth_catalog),
    R("GET", "/v3/auth/projects", auth.auth_projects),
    R("GET", "/v3/auth/domains", auth.auth_domains),
    R("GET", "/v3/auth/system", auth.auth_system),
    # catalog
    R("GET", "/v3/regions", catalog.list_regions),
    R("POST", "/v3/regions", catalog.create_region, body=s.region_create),
    R("GET", "/v3/regions/{region_id}", catalog.get_region),
    R("PUT", "/v3/regions/{region_id}", catalog.create_region_with_id, body=s.region_create),
    R("PATCH", "/v3/regions/{region_id}", catalog.update_region, body=s.region_update),
    R("DELETE", "/v3/regions/{region_id}", catalog.delete_region),
    R("GET", "/v3/services", catalog.list_services),
    R("POST", "/v3/services", catalog.create_service, body=s.service_create),
    R("GET", "/v3/services/{service_id}", catalog.get_service),
    R("PATCH", "/v3/services/{service_id}", catalog.update_service, body=s.service_update),
    R("DELETE", "/v3/services/{service_id}", catalog.delete_service),
    R("GET", "/v3/endpoints", catalog.list_endpoints),
    R("POST", "/v3/endpoints", catalog.create_endpoint, body=s.endpoint_create),
    R("GET", "/v3/endpoints/{endpoint_id}", catalog.get_endpoint),
    R("PATCH", "/v3/endpoints/{endpoint_id}", catalog.update_endpoint, body=s.endpoint_update),
    R("DELETE", "/v3/endpoints/{endpoint_id}", catalog.delete_endpoint),
    # OS-EP-FILTER
    R("GET", f"{EP}/endpoint_groups", endpoint_filter.list_groups),
    R("POST", f"{EP}/endpoint_groups", endpoint_filter.create_group, body=s.endpoint_group_create),
    R("GET", f"{EP}/endpoint_groups/{{endpoint_group_id}}", endpoint_filter.get_group),
    R(
        "PATCH",
        f"{EP}/endpoint_groups/{{endpoint_group_id}}",
        endpoint_filter.update_group,
        body=s.endpoint_group_update,
    ),
    R("DELETE", f"{EP}/endpoint_groups/{{endpoint_group_id}}", endpoint_filter.delete_group),
    R("GET", f"{EP}/endpoint_groups/{{endpoint_group_id}}/endpoints", endpoint_filter.group_endpoints),
    R("GET", f"{EP}/endpoint_groups/{{endpoint_group_id}}/projects", endpoint_filter.group_projects),
    R(
        "GET",
        f"{EP}/endpoint_groups/{{endpoint_group_id}}/projects/{{project_id}}",
        endpoint_filter.get_group_in_project,
    ),
    R(
        "PUT",
        f"{EP}/endpoint_groups/{{endpoint_group_id}}/projects/{{project_id}}",
        endpoint_filter.add_group_to_project,
        body=NO_BODY,
    ),
    R(
        "DELETE",
        f"{EP}/endpoint_groups/{{endpoint_group_id}}/projects/{{project_id}}",
        endpoint_filter.remove_group_from_project,
    ),
    R("GET", f"{EP}/projects/{{project_id}}/endpoint_groups", endpoint_filter.project_groups),
    R("GET", f"{EP}/projects/{{project_id}}/endpoints", endpoint_filter.project_endpoints),
    R("GET", f"{EP}/projects/{{project_id}}/endpoints/{{endpoint_id}}", endpoint_filter.check_endpoint_in_project),
    R(
        "PUT",
        f"{EP}/projects/{{project_id}}/endpoints/{{endpoint_id}}",
        endpoint_filter.add_endpoint_to_project,
        body=NO_BODY,
    ),
    R(
        "DELETE",
        f"{EP}/projects/{{project_id}}/endpoints/{{endpoint_id}}",
        endpoint_filter.remove_endpoint_from_project,
    ),
    R("GET", f"{EP}/endpoints/{{endpoint_id}}/projects", endpoint_filter.endpoint_projects),
    # OS-TRUST
    R("GET", "/v3/OS-TRUST/trusts", trusts.list_trusts),
    R("POST", "/v3/OS-TRUST/trusts", trusts.create_trust, body=s.trust_create),
    R("GET", "/v3/OS-TRUST/trusts/{trust_id}", trusts.get_trust),
    R("DELETE", "/v3/OS-TRUST/trusts/{trust_id}", trusts.delete_trust),
    R("GET", "/v3/OS-TRUST/trusts/{trust_id}/roles", trusts.list_trust_roles),
    R("GET", "/v3/OS-TRUST/trusts/{trust_id}/roles/{role_id}", trusts.get_trust_role),
    R("GET", "/v3/OS-REVOKE/events", revoke.list_events),
    # unified limits
    R("GET", "/v3/limits/model", limits.get_model),
    R("GET", "/v3/registered_limits", limits.list_registered),
    R("POST", "/v3/registered_limits", limits.create_registered, body=s.registered_limits_create),
    R("GET", "/v3/registered_limits/{registered_limit_id}", limits.get_registered),
    R("PATCH", "/v3/registered_limits/{registered_limit_id}", limits.update_registered, body=s.registered_limit_update),
    R("DELETE", "/v3/registered_limits/{registered_limit_id}", limits.delete_registered),
    R("GET", "/v3/limits", limits.list_limits),
    R("POST", "/v3/limits", limits.create_limits, body=s.limits_create),
    R("GET", "/v3/limits/{limit_id}", limits.get_limit),
    R("PATCH", "/v3/limits/{limit_id}", limits.update_limit, body=s.limit_update),
    R("DELETE", "/v3/limits/{limit_id}", limits.delete_limit),
    # the policy store
    R("GET", "/v3/policies", policies.list_policies),
    R("POST", "/v3/policies", policies.create_policy, body=s.policy_create),
    R("GET", "/v3/policies/{policy_id}", policies.get_policy),
    R("PATCH", "/v3/policies/{policy_id}", policies.update_policy, body=s.policy_update),
    R("DELETE", "/v3/policies/{policy_id}", policies.delete_policy),
    # domains
    R("GET", "/v3/domains", resource.list_domains),
    R("POST", "/v3/domains", resource.create_domain, body=s.domain_create),
    R("GET", "/v3/domains/{domain_id}", resource.get_domain),
    R("PATCH", "/v3/domains/{domain_id}", resource.update_domain, body=s.domain_update),
    R("DELETE", "/v3/domains/{domain_id}", resource.delete_domain),
    # projects
    R("GET", "/v3/projects", resource.list_projects),
    R("POST", "/v3/projects", resource.create_project, body=s.project_create),
    R("GET", "/v3/projects/{project_id}", resource.get_project),
    R("PATCH", "/v3/projects/{project_id}", resource.update_project, body=s.project_update),
    R("DELETE", "/v3/projects/{project_id}", resource.delete_project),
    R("GET", "/v3/projects/{project_id}/tags", resource.list_tags),
    R("PUT", "/v3/projects/{project_id}/tags", resource.replace_tags, body=s.project_tags),
    R("DELETE", "/v3/projects/{project_id}/tags", resource.delete_tags),
    R("GET", "/v3/projects/{project_id}/tags/{value}", resource.check_project_tag),
    R("PUT", "/v3/projects/{project_id}/tags/{value}", resource.add_tag, body=NO_BODY),
    R("DELETE", "/v3/projects/{project_id}/tags/{value}", resource.delete_tag),
    # users
    R("GET", "/v3/users", users.list_users),
    R("POST", "/v3/users", users.create_user, body=s.user_create),
    R("GET", "/v3/users/{user_id}", users.get_user),
    R("PATCH", "/v3/users/{user_id}", users.update_user, body=s.user_update),
    R("DELETE", "/v3/users/{user_id}", users.delete_user),
    R("POST", "/v3/users/{user_id}/password", users.change_password, body=s.password_change, auth=False),
    R("GET", "/v3/users/{user_id}/groups", users.list_user_groups),
    R("GET", "/v3/users/{user_id}/projects", users.list_user_projects),
    # application credentials and access rules
    R("GET", "/v3/users/{user_id}/application_credentials", appcreds.list_creds),
    R("POST", "/v3/users/{user_id}/application_credentials", appcreds.create, body=s.app_cred_create),
    R("GET", "/v3/users/{user_id}/application_credentials/{application_credential_id}", appcreds.get_cred),
    R("DELETE", "/v3/users/{user_id}/application_credentials/{application_credential_id}", appcreds.delete_cred),
    R("GET", "/v3/users/{user_id}/access_rules", appcreds.list_rules),
    R("GET", "/v3/users/{user_id}/access_rules/{access_rule_id}", appcreds.get_rule),
    R("DELETE", "/v3/users/{user_id}/access_rules/{access_rule_id}", appcreds.delete_rule),
    # credentials, and their EC2 view
    R("GET", "/v3/credentials", credentials.list_credentials),
    R("POST", "/v3/credentials", credentials.create_credential, body=s.credential_create),
    R("GET", "/v3/credentials/{credential_id}", credentials.get_credential),
    R("PATCH", "/v3/credentials/{credential_id}", credentials.update_credential, body=s.credential_update),
    R("DELETE", "/v3/credentials/{credential_id}", credentials.delete_credential),
    R("GET", "/v3/users/{user_id}/credentials/OS-EC2", credentials.list_ec2),
    R("POST", "/v3/users/{user_id}/credentials/OS-EC2", credentials.create_ec2, body=s.ec2_create),
    R("GET", "/v3/users/{user_id}/credentials/OS-EC2/{credential_id}", credentials.get_ec2),
    R("DELETE", "/v3/users/{user_id}/credentials/OS-EC2/{credential_id}", credentials.delete_ec2),
    # groups
    R("GET", "/v3/groups", users.list_groups),
    R("POST", "/v3/groups", users.create_group, body=s.group_create),
    R("GET", "/v3/groups/{group_id}", users.get_group),
    R("PATCH", "/v3/groups/{group_id}", users.update_group, body=s.group_update),
    R("DELETE", "/v3/groups/{group_id}", users.delete_group),
    R("GET", "/v3/groups/{group_id}/users", users.list_group_users),
    R("PUT", "/v3/groups/{group_id}/users/{user_id}", users.add_member, body=NO_BODY),
    R("HEAD", "/v3/groups/{group_id}/users/{user_id}", users.check_member),
    R("GET", "/v3/groups/{group_id}/users/{user_id}", users.check_member),
    R("DELETE", "/v3/groups/{group_id}/users/{user_id}", users.remove_member),
    # roles and implied roles
    R("GET", "/v3/roles", roles.list_roles),
    R("POST", "/v3/roles", roles.create_role, body=s.role_create),
    R("GET", "/v3/roles/{role_id}", roles.get_role),
    R("PATCH", "/v3/roles/{role_id}", roles.update_role, body=s.role_update),
    R("DELETE", "/v3/roles/{role_id}", roles.delete_role),
    R("GET", "/v3/roles/{prior_role_id}/implies", roles.list_implied),
    R("PUT", "/v3/roles/{prior_role_id}/implies/{implied_role_id}", roles.create_implied, body=NO_BODY),
    R("GET", "/v3/roles/{prior_role_id}/implies/{implied_role_id}", roles.get_implied),
    R("HEAD", "/v3/roles/{prior_role_id}/implies/{implied_role_id}", roles.check_implied),
    R("DELETE", "/v3/roles/{prior_role_id}/implies/{implied_role_id}", roles.delete_implied),
    R("GET", "/v3/role_inferences", roles.list_inferences),
    R("GET", "/v3/role_assignments", roles.list_role_assignments),
    # grants
    *_grant_routes("/v3/projects/{project_id}", "users/{user_id}"),
    *_grant_routes("/v3/projects/{project_id}", "groups/{group_id}"),
    *_grant_routes("/v3/domains/{domain_id}", "users/{user_id}"),
    *_grant_routes("/v3/domains/{domain_id}", "groups/{group_id}"),
    *_grant_routes("/v3/system", "users/{user_id}"),
    *_grant_routes("/v3/system", "groups/{group_id}"),
    *_inherited_routes("/domains/{domain_id}", "users/{user_id}"),
    *_inherited_routes("/domains/{domain_id}", "groups/{group_id}"),
    *_inherited_routes("/projects/{project_id}", "users/{user_id}"),
    *_inherited_routes("/projects/{project_id}", "groups/{group_id}"),
]
