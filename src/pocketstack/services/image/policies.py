# ruff: noqa: E501  (upstream check strings are kept whole)
"""Glance's default policy rules (name, check string, scope types), current defaults.

Targets follow Glance: for an existing image, ``project_id`` is the image's owner and
``member_id`` the caller's project when the caller sees a shared image it doesn't own;
for a proposed image, ``project_id``/``owner`` are the requested owner.
"""

from __future__ import annotations

from pocketstack.core.policy import rule

ADMIN = "rule:context_is_admin"
_MEMBER = "role:member and project_id:%(project_id)s"
_READER = "role:reader and project_id:%(project_id)s"
_VISIBLE = "project_id:%(project_id)s or project_id:%(member_id)s or 'community':%(visibility)s or 'public':%(visibility)s or 'shared':%(visibility)s"
ADMIN_OR_MEMBER = f"{ADMIN} or ({_MEMBER})"
ADMIN_OR_READER = f"{ADMIN} or ({_READER})"
P = ("project",)

_TABLE: list[tuple[str, str, tuple[str, ...] | None]] = [
    ("default", "", None),
    ("context_is_admin", "role:admin", None),
    ("service_api", "role:service or role:admin", None),
    ("add_image", f"{ADMIN} or ({_MEMBER} and project_id:%(owner)s)", P),
    ("delete_image", ADMIN_OR_MEMBER, P),
    ("get_image", f"{ADMIN} or (role:reader and ({_VISIBLE}))", P),
    ("get_images", ADMIN_OR_READER, P),
    ("modify_image", ADMIN_OR_MEMBER, P),
    ("publicize_image", ADMIN, P),
    ("communitize_image", ADMIN_OR_MEMBER, P),
    ("download_image", f"{ADMIN} or (role:member and ({_VISIBLE}))", P),
    ("download_from_store", f"{ADMIN} or (role:member and ({_VISIBLE}))", P),
    ("upload_image", ADMIN_OR_MEMBER, P),
    ("delete_image_location", ADMIN, P),
    ("get_image_location", ADMIN_OR_READER, P),
    ("set_image_location", ADMIN_OR_MEMBER, P),
    ("add_image_location", f"rule:service_api or ({_MEMBER} and project_id:%(owner)s)", P),
    ("fetch_image_location", "rule:service_api", P),
    ("add_member", ADMIN_OR_MEMBER, P),
    ("delete_member", ADMIN_OR_MEMBER, P),
    ("get_member", f"{ADMIN} or role:reader and (project_id:%(project_id)s or project_id:%(member_id)s)", P),
    ("get_members", f"{ADMIN} or role:reader and (project_id:%(project_id)s or project_id:%(member_id)s)", P),
    ("modify_member", f"{ADMIN} or (role:member and project_id:%(member_id)s)", P),
    ("manage_image_cache", ADMIN, P),
    ("deactivate", ADMIN_OR_MEMBER, P),
    ("reactivate", ADMIN_OR_MEMBER, P),
    ("copy_image", ADMIN, P),
    ("list_cached_nodes", ADMIN, P),
    ("stores_info_detail", f"{ADMIN} or rule:service_api", P),
    ("get_task", "rule:default", P),
    ("get_tasks", "rule:default", P),
    ("add_task", "rule:default", P),
    ("modify_task", "rule:default", P),
    ("tasks_api_access", ADMIN, P),
    ("cache_image", ADMIN, P),
    ("cache_list", ADMIN, P),
    ("cache_delete", ADMIN, P),
    ("cache_clean", ADMIN, P),
    ("cache_prune", ADMIN, P),
]

DEFAULTS = [rule(name, check, scopes) for name, check, scopes in _TABLE]

# -- metadata definitions (Glance's metadef policies) ----------------------------------------
_MD_READ = "rule:context_is_admin or (role:reader and (project_id:%(project_id)s or 'public':%(visibility)s))"
_METADEF: list[tuple[str, str]] = [
    ("metadef_default", ""),
    ("metadef_admin", "rule:context_is_admin"),
    ("get_metadef_namespace", _MD_READ),
    ("get_metadef_namespaces", "rule:context_is_admin or (role:reader and project_id:%(project_id)s)"),
    ("modify_metadef_namespace", "rule:metadef_admin"),
    ("add_metadef_namespace", "rule:metadef_admin"),
    ("delete_metadef_namespace", "rule:metadef_admin"),
    ("get_metadef_object", _MD_READ),
    ("get_metadef_objects", _MD_READ),
    ("modify_metadef_object", "rule:metadef_admin"),
    ("add_metadef_object", "rule:metadef_admin"),
    ("delete_metadef_object", "rule:metadef_admin"),
    ("list_metadef_resource_types", _MD_READ),
    ("get_metadef_resource_type", _MD_READ),
    ("add_metadef_resource_type_association", "rule:metadef_admin"),
    ("remove_metadef_resource_type_association", "rule:metadef_admin"),
    ("get_metadef_property", _MD_READ),
    ("get_metadef_properties", _MD_READ),
    ("modify_metadef_property", "rule:metadef_admin"),
    ("add_metadef_property", "rule:metadef_admin"),
    ("remove_metadef_property", "rule:metadef_admin"),
    ("get_metadef_tag", _MD_READ),
    ("get_metadef_tags", _MD_READ),
    ("modify_metadef_tag", "rule:metadef_admin"),
    ("add_metadef_tag", "rule:metadef_admin"),
    ("add_metadef_tags", "rule:metadef_admin"),
    ("delete_metadef_tag", "rule:metadef_admin"),
    ("delete_metadef_tags", "rule:metadef_admin"),
]
DEFAULTS += [rule(name, check, None if name.startswith("metadef_") else P) for name, check in _METADEF]
