"""The block storage API's route table (Cinder v3).

Every resource path is served twice, as Cinder's router does: under
``/v3/{project_id}/…`` (the catalog's form) and under ``/v3/…`` (project-less, what
3.67 documents and system-scoped callers use).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from pocketstack.core.api import NO_BODY, ApiRequest, Reply, Route
from pocketstack.services.volume.api import (
    admin,
    attachments,
    backups,
    groups,
    manage,
    quotas,
    snapshots,
    transfers,
    types,
    volume_actions,
    volumes,
)
from pocketstack.services.volume.api.common import check_project
from pocketstack.services.volume.schemas import resources as rs
from pocketstack.services.volume.schemas import volumes as vs


def scoped(handler: Callable[[ApiRequest], Reply]) -> Callable[[ApiRequest], Reply]:
    """Check the URL's project id (and trailing slash) before the handler runs."""

    @functools.wraps(handler)
    def run(req: ApiRequest) -> Reply:
        check_project(req)
        return handler(req)

    return run


def both(method: str, path: str, handler: Any, **kw: Any) -> list[Route]:
    wrapped = scoped(handler)
    return [
        Route(method, "/v3/{project_id}" + path, wrapped, **kw),
        Route(method, "/v3" + path, wrapped, **kw),
    ]


_ANY = {"type": "object"}
_RELEASE = {
    "type": ["object", "null"],
    "properties": {"resource_id": {"type": ["string", "null"]}},
    "additionalProperties": False,
}

_RESOURCES: list[tuple[str, str, Any, dict[str, Any]]] = [
    # volumes
    ("GET", "/volumes", volumes.list_volumes, {}),
    ("GET", "/volumes/detail", volumes.list_volumes_detail, {}),
    ("GET", "/volumes/summary", volumes.summary, {}),
    ("POST", "/volumes", volumes.create, {"body": vs.create}),
    ("GET", "/volumes/{volume_id}", volumes.show, {}),
    ("PUT", "/volumes/{volume_id}", volumes.update, {"body": vs.update}),
    ("DELETE", "/volumes/{volume_id}", volumes.delete, {}),
    ("POST", "/volumes/{volume_id}/action", volume_actions.dispatch, {"body": vs.any_action}),
    ("GET", "/volumes/{volume_id}/encryption", volumes.encryption_metadata, {}),
    ("GET", "/volumes/{volume_id}/encryption/{key}", volumes.encryption_metadata_item, {}),
    ("GET", "/volumes/{volume_id}/metadata", volumes.get_metadata, {}),
    ("POST", "/volumes/{volume_id}/metadata", volumes.create_metadata, {"body": vs.metadata_create}),
    ("PUT", "/volumes/{volume_id}/metadata", volumes.replace_metadata, {"body": vs.metadata_create}),
    ("GET", "/volumes/{volume_id}/metadata/{key}", volumes.get_metadata_item, {}),
    ("PUT", "/volumes/{volume_id}/metadata/{key}", volumes.update_metadata_item, {"body": vs.metadata_item}),
    ("DELETE", "/volumes/{volume_id}/metadata/{key}", volumes.delete_metadata_item, {}),
    # attachments (3.27+)
    ("GET", "/attachments", attachments.list_attachments, {}),
    ("GET", "/attachments/detail", attachments.list_attachments_detail, {}),
    ("POST", "/attachments", attachments.create, {"body": rs.attachment_create}),
    ("GET", "/attachments/{attachment_id}", attachments.show, {}),
    ("PUT", "/attachments/{attachment_id}", attachments.update, {"body": rs.attachment_update}),
    ("DELETE", "/attachments/{attachment_id}", attachments.delete, {}),
    ("POST", "/attachments/{attachment_id}/action", attachments.action, {"body": _ANY}),
    # snapshots
    ("GET", "/snapshots", snapshots.list_snapshots, {}),
    ("GET", "/snapshots/detail", snapshots.list_snapshots_detail, {}),
    ("POST", "/snapshots", snapshots.create, {"body": rs.snapshot_create}),
    ("GET", "/snapshots/{snapshot_id}", snapshots.show, {}),
    ("PUT", "/snapshots/{snapshot_id}", snapshots.update, {"body": rs.snapshot_update}),
    ("DELETE", "/snapshots/{snapshot_id}", snapshots.delete, {}),
    ("POST", "/snapshots/{snapshot_id}/action", snapshots.action, {"body": _ANY}),
    ("GET", "/snapshots/{snapshot_id}/metadata", snapshots.get_metadata, {}),
    ("POST", "/snapshots/{snapshot_id}/metadata", snapshots.create_metadata, {"body": vs.metadata_create}),
    ("PUT", "/snapshots/{snapshot_id}/metadata", snapshots.replace_metadata, {"body": vs.metadata_create}),
    ("GET", "/snapshots/{snapshot_id}/metadata/{key}", snapshots.get_metadata_item, {}),
    ("PUT", "/snapshots/{snapshot_id}/metadata/{key}", snapshots.update_metadata_item, {"body": vs.metadata_item}),
    ("DELETE", "/snapshots/{snapshot_id}/metadata/{key}", snapshots.delete_metadata_item, {}),
    # backups
    ("GET", "/backups", backups.list_backups, {}),
    ("GET", "/backups/detail", backups.list_backups_detail, {}),
    ("POST", "/backups", backups.create, {"body": rs.backup_create}),
    ("POST", "/backups/import_record", backups.import_record, {"body": rs.backup_import, "status": 201}),
    ("GET", "/backups/{backup_id}", backups.show, {}),
    ("PUT", "/backups/{backup_id}", backups.update, {"body": rs.backup_update}),
    ("DELETE", "/backups/{backup_id}", backups.delete, {}),
    ("POST", "/backups/{backup_id}/restore", backups.restore, {"body": rs.backup_restore}),
    ("GET", "/backups/{backup_id}/export_record", backups.export_record, {}),
    ("POST", "/backups/{backup_id}/action", backups.action, {"body": _ANY}),
    # volume types, extra specs, access
    ("GET", "/types", types.list_types, {}),
    ("POST", "/types", types.create, {"body": rs.type_create}),
    ("GET", "/types/{type_id}", types.show, {}),
    ("PUT", "/types/{type_id}", types.update, {"body": rs.type_update}),
    ("DELETE", "/types/{type_id}", types.delete, {}),
    ("POST", "/types/{type_id}/action", types.action, {"body": _ANY}),
    ("GET", "/types/{type_id}/os-volume-type-access", types.list_access, {}),
    ("GET", "/types/{type_id}/extra_specs", types.list_extra_specs, {}),
    ("POST", "/types/{type_id}/extra_specs", types.create_extra_specs, {"body": rs.extra_specs_create}),
    ("GET", "/types/{type_id}/extra_specs/{key}", types.show_extra_spec, {}),
    ("PUT", "/types/{type_id}/extra_specs/{key}", types.update_extra_spec, {"body": rs.extra_spec_update}),
    ("DELETE", "/types/{type_id}/extra_specs/{key}", types.delete_extra_spec, {}),
    ("GET", "/types/{type_id}/encryption", types.get_encryption, {}),
    ("POST", "/types/{type_id}/encryption", types.create_encryption, {"body": rs.encryption_create}),
    ("GET", "/types/{type_id}/encryption/{key}", types.show_encryption_item, {}),
    ("PUT", "/types/{type_id}/encryption/{key}", types.update_encryption, {"body": rs.encryption_update}),
    ("DELETE", "/types/{type_id}/encryption/{key}", types.delete_encryption, {}),
    # generic volume groups: group types and specs (3.11+), groups (3.13+), group snapshots (3.14+)
    ("GET", "/group_types", groups.list_group_types, {}),
    ("POST", "/group_types", groups.create_group_type, {"body": _ANY}),
    ("GET", "/group_types/{group_type_id}", groups.show_group_type, {}),
    ("PUT", "/group_types/{group_type_id}", groups.update_group_type, {"body": _ANY}),
    ("DELETE", "/group_types/{group_type_id}", groups.delete_group_type, {}),
    ("GET", "/group_types/{group_type_id}/group_specs", groups.list_group_specs, {}),
    ("POST", "/group_types/{group_type_id}/group_specs", groups.create_group_specs, {"body": _ANY}),
    ("GET", "/group_types/{group_type_id}/group_specs/{key}", groups.show_group_spec, {}),
    ("PUT", "/group_types/{group_type_id}/group_specs/{key}", groups.update_group_spec, {"body": _ANY}),
    ("DELETE", "/group_types/{group_type_id}/group_specs/{key}", groups.delete_group_spec, {}),
    ("GET", "/groups", groups.list_groups, {}),
    ("GET", "/groups/detail", groups.list_groups_detail, {}),
    ("POST", "/groups", groups.create_group, {"body": _ANY}),
    ("POST", "/groups/action", groups.create_group_from_src, {"body": _ANY}),
    ("GET", "/groups/{group_id}", groups.show_group, {}),
    ("PUT", "/groups/{group_id}", groups.update_group, {"body": _ANY}),
    ("POST", "/groups/{group_id}/action", groups.group_action, {"body": _ANY}),
    ("GET", "/group_snapshots", groups.list_group_snapshots, {}),
    ("GET", "/group_snapshots/detail", groups.list_group_snapshots_detail, {}),
    ("POST", "/group_snapshots", groups.create_group_snapshot, {"body": _ANY}),
    ("GET", "/group_snapshots/{group_snapshot_id}", groups.show_group_snapshot, {}),
    ("DELETE", "/group_snapshots/{group_snapshot_id}", groups.delete_group_snapshot, {}),
    ("POST", "/group_snapshots/{group_snapshot_id}/action", groups.group_snapshot_action, {"body": _ANY}),
    # managing existing backend storage
    ("POST", "/os-volume-manage", manage.manage_volume, {"body": _ANY}),
    ("GET", "/os-volume-manage", manage.list_volumes, {}),
    ("GET", "/os-volume-manage/detail", manage.list_volumes_detail, {}),
    ("POST", "/os-snapshot-manage", manage.manage_snapshot, {"body": _ANY}),
    ("GET", "/os-snapshot-manage", manage.list_snapshots, {}),
    ("GET", "/os-snapshot-manage/detail", manage.list_snapshots_detail, {}),
    ("POST", "/manageable_volumes", manage.manage_volume_v38, {"body": _ANY}),
    ("GET", "/manageable_volumes", manage.list_volumes_v38, {}),
    ("GET", "/manageable_volumes/detail", manage.list_volumes_detail_v38, {}),
    ("POST", "/manageable_snapshots", manage.manage_snapshot_v38, {"body": _ANY}),
    ("GET", "/manageable_snapshots", manage.list_snapshots_v38, {}),
    ("GET", "/manageable_snapshots/detail", manage.list_snapshots_detail_v38, {}),
    # project default types (3.62+)
    ("GET", "/default-types", types.list_default_types, {}),
    ("GET", "/default-types/{target_project_id}", types.get_default_type, {}),
    ("PUT", "/default-types/{target_project_id}", types.set_default_type, {"body": rs.default_type_set}),
    ("DELETE", "/default-types/{target_project_id}", types.delete_default_type, {}),
    # QoS specs
    ("GET", "/qos-specs", types.list_qos, {}),
    ("POST", "/qos-specs", types.create_qos, {"body": rs.qos_create}),
    ("GET", "/qos-specs/{qos_id}", types.show_qos, {}),
    ("PUT", "/qos-specs/{qos_id}", types.update_qos, {"body": rs.qos_set}),
    ("DELETE", "/qos-specs/{qos_id}", types.delete_qos, {}),
    ("PUT", "/qos-specs/{qos_id}/delete_keys", types.delete_qos_keys, {"body": rs.qos_unset}),
    ("GET", "/qos-specs/{qos_id}/associations", types.qos_associations, {}),
    ("GET", "/qos-specs/{qos_id}/associate", types.qos_associate, {}),
    ("GET", "/qos-specs/{qos_id}/disassociate", types.qos_disassociate, {}),
    ("GET", "/qos-specs/{qos_id}/disassociate_all", types.qos_disassociate_all, {}),
    # quotas and limits
    ("GET", "/os-quota-sets/{target_project_id}", quotas.show, {}),
    ("PUT", "/os-quota-sets/{target_project_id}", quotas.update, {"body": rs.quota_update}),
    ("DELETE", "/os-quota-sets/{target_project_id}", quotas.delete, {}),
    ("GET", "/os-quota-sets/{target_project_id}/defaults", quotas.defaults, {}),
    ("GET", "/os-quota-class-sets/{class_name}", quotas.show_class, {}),
    ("PUT", "/os-quota-class-sets/{class_name}", quotas.update_class, {"body": rs.quota_class_update}),
    ("GET", "/limits", quotas.limits, {}),
    # transfers
    ("GET", "/os-volume-transfer", transfers.list_transfers, {}),
    ("GET", "/os-volume-transfer/detail", transfers.list_transfers_detail, {}),
    ("POST", "/os-volume-transfer", transfers.create, {"body": rs.transfer_create}),
    ("GET", "/os-volume-transfer/{transfer_id}", transfers.show, {}),
    ("DELETE", "/os-volume-transfer/{transfer_id}", transfers.delete, {}),
    ("POST", "/os-volume-transfer/{transfer_id}/accept", transfers.accept, {"body": rs.transfer_accept}),
    ("GET", "/volume-transfers", transfers.list_transfers_v355, {}),
    ("GET", "/volume-transfers/detail", transfers.list_transfers_detail_v355, {}),
    ("POST", "/volume-transfers", transfers.create_v355, {"body": rs.transfer_create}),
    ("GET", "/volume-transfers/{transfer_id}", transfers.show_v355, {}),
    ("DELETE", "/volume-transfers/{transfer_id}", transfers.delete_v355, {}),
    ("POST", "/volume-transfers/{transfer_id}/accept", transfers.accept_v355, {"body": rs.transfer_accept}),
    # deployment views
    ("GET", "/os-services", admin.list_services, {}),
    ("PUT", "/os-services/{action}", admin.update_service, {"body": _ANY}),
    ("GET", "/os-hosts", admin.list_hosts, {}),
    ("GET", "/os-hosts/{host_name}", admin.show_host, {}),
    ("GET", "/scheduler-stats/get_pools", admin.get_pools, {}),
    ("GET", "/capabilities/{host_name}", admin.capabilities, {}),
    ("GET", "/os-availability-zone", admin.availability_zones, {}),
    ("GET", "/messages", admin.list_messages, {}),
    ("GET", "/messages/{message_id}", admin.show_message, {}),
    ("DELETE", "/messages/{message_id}", admin.delete_message, {}),
    ("GET", "/extensions", admin.list_extensions, {}),
    ("GET", "/resource_filters", admin.resource_filters, {}),
    # pocketstack's own: the simulated backend's pending transitions (admin)
    ("GET", "/os-pocketstack/transitions", admin.list_transitions, {}),
    ("POST", "/os-pocketstack/transitions/release", admin.release_transitions, {"body": _RELEASE}),
]

ROUTES: list[Route] = [
    Route("GET", "/", admin.versions, auth=False, microversioned=False),
    Route("GET", "/v3", admin.version_v3, auth=False, microversioned=False),
    *[r for method, path, handler, kw in _RESOURCES for r in both(method, path, handler, **kw)],
]

__all__ = ["NO_BODY", "ROUTES"]
