# ruff: noqa: E501  (upstream check strings are kept whole)
"""Cinder's default policy rules (name, check string), and Cinder's notion of admin.

These are upstream's current defaults (``cinder.policies.list_rules()``): readers of a
project may look, members may change, ``role:admin`` may do anything (Cinder does not
recognise system scope yet, so no rule carries scope types).  Rules that Cinder checks
with ``is_admin:True`` see the result of ``context_is_admin``, as in Cinder's
RequestContext.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oslo_policy import policy as oslo_policy

from pocketstack.core.context import RequestContext
from pocketstack.core.policy import PolicyEngine, flatten, rule

_TABLE: list[tuple[str, str]] = [
    ("admin_or_owner", "is_admin:True or (role:admin and is_admin_project:True) or project_id:%(project_id)s"),
    (
        "system_or_domain_or_project_admin",
        "(role:admin and system_scope:all) or (role:admin and domain_id:%(domain_id)s) or (role:admin and project_id:%(project_id)s)",
    ),
    ("context_is_admin", "role:admin"),
    ("admin_api", "is_admin:True or (role:admin and is_admin_project:True)"),
    ("xena_system_admin_or_project_reader", "(role:admin) or (role:reader and project_id:%(project_id)s)"),
    ("xena_system_admin_or_project_member", "(role:admin) or (role:member and project_id:%(project_id)s)"),
    ("volume:attachment_create", "rule:xena_system_admin_or_project_member"),
    ("volume:attachment_update", "rule:xena_system_admin_or_project_member"),
    ("volume:attachment_delete", "rule:xena_system_admin_or_project_member"),
    ("volume:attachment_complete", "rule:xena_system_admin_or_project_member"),
    ("volume:multiattach_bootable_volume", "rule:xena_system_admin_or_project_member"),
    ("message:get_all", "rule:xena_system_admin_or_project_reader"),
    ("message:get", "rule:xena_system_admin_or_project_reader"),
    ("message:delete", "rule:xena_system_admin_or_project_member"),
    ("clusters:get_all", "rule:admin_api"),
    ("clusters:get", "rule:admin_api"),
    ("clusters:update", "rule:admin_api"),
    ("workers:cleanup", "rule:admin_api"),
    ("volume:get_snapshot_metadata", "rule:xena_system_admin_or_project_reader"),
    ("volume:update_snapshot_metadata", "rule:xena_system_admin_or_project_member"),
    ("volume:delete_snapshot_metadata", "rule:xena_system_admin_or_project_member"),
    ("volume:get_all_snapshots", "rule:xena_system_admin_or_project_reader"),
    ("volume_extension:extended_snapshot_attributes", "rule:xena_system_admin_or_project_reader"),
    ("volume:create_snapshot", "rule:xena_system_admin_or_project_member"),
    ("volume:get_snapshot", "rule:xena_system_admin_or_project_reader"),
    ("volume:update_snapshot", "rule:xena_system_admin_or_project_member"),
    ("volume:delete_snapshot", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:snapshot_admin_actions:reset_status", "rule:admin_api"),
    ("snapshot_extension:snapshot_actions:update_snapshot_status", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:snapshot_admin_actions:force_delete", "rule:admin_api"),
    ("snapshot_extension:list_manageable", "rule:admin_api"),
    ("snapshot_extension:snapshot_manage", "rule:admin_api"),
    ("snapshot_extension:snapshot_unmanage", "rule:admin_api"),
    ("backup:get_all", "rule:xena_system_admin_or_project_reader"),
    ("backup:backup_project_attribute", "rule:admin_api"),
    ("backup:create", "rule:xena_system_admin_or_project_member"),
    ("backup:get", "rule:xena_system_admin_or_project_reader"),
    ("backup:update", "rule:xena_system_admin_or_project_member"),
    ("backup:delete", "rule:xena_system_admin_or_project_member"),
    ("backup:restore", "rule:xena_system_admin_or_project_member"),
    ("backup:backup-import", "rule:admin_api"),
    ("backup:export-import", "rule:admin_api"),
    ("volume_extension:backup_admin_actions:reset_status", "rule:admin_api"),
    ("volume_extension:backup_admin_actions:force_delete", "rule:admin_api"),
    ("group:get_all", "rule:xena_system_admin_or_project_reader"),
    ("group:create", "rule:xena_system_admin_or_project_member"),
    ("group:get", "rule:xena_system_admin_or_project_reader"),
    ("group:update", "rule:xena_system_admin_or_project_member"),
    ("group:group_project_attribute", "rule:admin_api"),
    ("group:group_types:create", "rule:admin_api"),
    ("group:group_types:update", "rule:admin_api"),
    ("group:group_types:delete", "rule:admin_api"),
    ("group:access_group_types_specs", "rule:admin_api"),
    ("group:group_types_specs:get", "rule:admin_api"),
    ("group:group_types_specs:get_all", "rule:admin_api"),
    ("group:group_types_specs:create", "rule:admin_api"),
    ("group:group_types_specs:update", "rule:admin_api"),
    ("group:group_types_specs:delete", "rule:admin_api"),
    ("group:get_all_group_snapshots", "rule:xena_system_admin_or_project_reader"),
    ("group:create_group_snapshot", "rule:xena_system_admin_or_project_member"),
    ("group:get_group_snapshot", "rule:xena_system_admin_or_project_reader"),
    ("group:delete_group_snapshot", "rule:xena_system_admin_or_project_member"),
    ("group:update_group_snapshot", "rule:xena_system_admin_or_project_member"),
    ("group:group_snapshot_project_attribute", "rule:admin_api"),
    ("group:reset_group_snapshot_status", "rule:admin_api"),
    ("group:delete", "rule:xena_system_admin_or_project_member"),
    ("group:reset_status", "rule:admin_api"),
    ("group:enable_replication", "rule:xena_system_admin_or_project_member"),
    ("group:disable_replication", "rule:xena_system_admin_or_project_member"),
    ("group:failover_replication", "rule:xena_system_admin_or_project_member"),
    ("group:list_replication_targets", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:qos_specs_manage:get_all", "rule:admin_api"),
    ("volume_extension:qos_specs_manage:get", "rule:admin_api"),
    ("volume_extension:qos_specs_manage:create", "rule:admin_api"),
    ("volume_extension:qos_specs_manage:update", "rule:admin_api"),
    ("volume_extension:qos_specs_manage:delete", "rule:admin_api"),
    ("volume_extension:quota_classes:get", "rule:admin_api"),
    ("volume_extension:quota_classes:update", "rule:admin_api"),
    ("volume_extension:quotas:show", "rule:xena_system_admin_or_project_reader"),
    ("volume_extension:quotas:update", "rule:admin_api"),
    ("volume_extension:quotas:delete", "rule:admin_api"),
    ("volume_extension:capabilities", "rule:admin_api"),
    ("volume_extension:services:index", "rule:admin_api"),
    ("volume_extension:services:update", "rule:admin_api"),
    ("volume:freeze_host", "rule:admin_api"),
    ("volume:thaw_host", "rule:admin_api"),
    ("volume:failover_host", "rule:admin_api"),
    ("scheduler_extension:scheduler_stats:get_pools", "rule:admin_api"),
    ("volume_extension:hosts", "rule:admin_api"),
    ("limits_extension:used_limits", "rule:xena_system_admin_or_project_reader"),
    ("volume_extension:list_manageable", "rule:admin_api"),
    ("volume_extension:volume_manage", "rule:admin_api"),
    ("volume_extension:volume_unmanage", "rule:admin_api"),
    ("volume_extension:type_create", "rule:admin_api"),
    ("volume_extension:type_update", "rule:admin_api"),
    ("volume_extension:type_delete", "rule:admin_api"),
    ("volume_extension:type_get", "rule:xena_system_admin_or_project_reader"),
    ("volume_extension:type_get_all", "rule:xena_system_admin_or_project_reader"),
    ("volume_extension:access_types_extra_specs", "rule:xena_system_admin_or_project_reader"),
    ("volume_extension:access_types_qos_specs_id", "rule:admin_api"),
    ("volume_extension:volume_type_encryption", "rule:admin_api"),
    ("volume_extension:volume_type_encryption:create", "rule:admin_api"),
    ("volume_extension:volume_type_encryption:get", "rule:admin_api"),
    ("volume_extension:volume_type_encryption:update", "rule:admin_api"),
    ("volume_extension:volume_type_encryption:delete", "rule:admin_api"),
    ("volume_extension:volume_type_access", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_type_access:addProjectAccess", "rule:admin_api"),
    ("volume_extension:volume_type_access:removeProjectAccess", "rule:admin_api"),
    ("volume_extension:volume_type_access:get_all_for_type", "rule:admin_api"),
    ("volume:extend", "rule:xena_system_admin_or_project_member"),
    ("volume:extend_attached_volume", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_admin_actions:extend_volume_completion", "rule:admin_api"),
    ("volume:revert_to_snapshot", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_admin_actions:reset_status", "rule:admin_api"),
    ("volume:retype", "rule:xena_system_admin_or_project_member"),
    ("volume:update_readonly_flag", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_admin_actions:force_delete", "rule:admin_api"),
    ("volume_extension:volume_actions:upload_public", "rule:admin_api"),
    ("volume_extension:volume_actions:upload_image", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_admin_actions:force_detach", "rule:admin_api"),
    ("volume_extension:volume_admin_actions:migrate_volume", "rule:admin_api"),
    ("volume_extension:volume_admin_actions:migrate_volume_completion", "rule:admin_api"),
    ("volume_extension:volume_actions:initialize_connection", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_actions:terminate_connection", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_actions:roll_detaching", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_actions:reserve", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_actions:unreserve", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_actions:begin_detaching", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_actions:attach", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_actions:detach", "rule:xena_system_admin_or_project_member"),
    ("volume:reimage", "rule:xena_system_admin_or_project_member"),
    ("volume:reimage_reserved", "rule:xena_system_admin_or_project_member"),
    ("volume:get_all_transfers", "rule:xena_system_admin_or_project_reader"),
    ("volume:create_transfer", "rule:xena_system_admin_or_project_member"),
    ("volume:get_transfer", "rule:xena_system_admin_or_project_reader"),
    ("volume:accept_transfer", "rule:xena_system_admin_or_project_member"),
    ("volume:delete_transfer", "rule:xena_system_admin_or_project_member"),
    ("volume:get_volume_metadata", "rule:xena_system_admin_or_project_reader"),
    ("volume:create_volume_metadata", "rule:xena_system_admin_or_project_member"),
    ("volume:update_volume_metadata", "rule:xena_system_admin_or_project_member"),
    ("volume:delete_volume_metadata", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_image_metadata:show", "rule:xena_system_admin_or_project_reader"),
    ("volume_extension:volume_image_metadata:set", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:volume_image_metadata:remove", "rule:xena_system_admin_or_project_member"),
    ("volume:update_volume_admin_metadata", "rule:admin_api"),
    ("volume_extension:types_extra_specs:index", "rule:xena_system_admin_or_project_reader"),
    ("volume_extension:types_extra_specs:create", "rule:admin_api"),
    ("volume_extension:types_extra_specs:show", "rule:xena_system_admin_or_project_reader"),
    ("volume_extension:types_extra_specs:read_sensitive", "rule:admin_api"),
    ("volume_extension:types_extra_specs:update", "rule:admin_api"),
    ("volume_extension:types_extra_specs:delete", "rule:admin_api"),
    ("volume:create", "rule:xena_system_admin_or_project_member"),
    ("volume:create_from_image", "rule:xena_system_admin_or_project_member"),
    ("volume:get", "rule:xena_system_admin_or_project_reader"),
    ("volume:get_all", "rule:xena_system_admin_or_project_reader"),
    ("volume:update", "rule:xena_system_admin_or_project_member"),
    ("volume:delete", "rule:xena_system_admin_or_project_member"),
    ("volume:force_delete", "rule:admin_api"),
    ("volume_extension:volume_host_attribute", "rule:admin_api"),
    ("volume_extension:volume_tenant_attribute", "rule:xena_system_admin_or_project_reader"),
    ("volume_extension:volume_mig_status_attribute", "rule:admin_api"),
    ("volume_extension:volume_encryption_metadata", "rule:xena_system_admin_or_project_reader"),
    ("volume:multiattach", "rule:xena_system_admin_or_project_member"),
    ("volume_extension:default_set_or_update", "rule:admin_api"),
    ("volume_extension:default_get", "rule:admin_api"),
    ("volume_extension:default_get_all", "rule:admin_api"),
    ("volume_extension:default_unset", "rule:admin_api"),
]

DEFAULTS = [rule(name, check) for name, check in _TABLE]

# Extra specs a non-admin may see (cinder.policies.type_extra_specs).
USER_VISIBLE_EXTRA_SPECS = ("RESKEY:availability_zones", "multiattach", "replication_enabled")


class VolumePolicyEngine(PolicyEngine):
    """The shared engine, with Cinder's ``is_admin`` credential added.

    Cinder's RequestContext sets ``is_admin`` from the ``context_is_admin`` rule;
    rules such as ``admin_api`` test it with ``is_admin:True``.  A rule checked
    without a target sees the caller's own project (Cinder's default target).
    """

    def is_admin(self, ctx: RequestContext) -> bool:
        return super().check("context_is_admin", ctx, {"project_id": ctx.project_id})

    def check(self, rule_name: str, ctx: RequestContext, target: Mapping[str, Any] | None = None) -> bool:
        self._refresh()
        creds = {**ctx.policy_creds(), "is_admin": self.is_admin(ctx)}
        full = {"project_id": ctx.project_id, "user_id": ctx.user_id, **(target or {})}
        try:
            return bool(self.enforcer.authorize(rule_name, flatten(full), creds))
        except oslo_policy.InvalidScope:
            return False
