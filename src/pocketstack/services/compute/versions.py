"""Nova's microversions: the history we implement and the range we announce.

Schemas and views branch on ``req.version``; this module is the one place that says
which versions exist.  Every version in Nova's history up to ``MAXIMUM`` is accepted;
the notes say what changes at each step that this implementation honours.
"""

from __future__ import annotations

from pocketstack.core.microversion import VersionRange

MINIMUM = "2.1"
MAXIMUM = "2.104"

# The dates Nova's version documents carry.
V21_UPDATED = "2013-07-23T11:33:21Z"
V20_UPDATED = "2025-07-04T12:00:00Z"

RANGE = VersionRange.of("compute", MINIMUM, MAXIMUM, legacy_header="X-OpenStack-Nova-API-Version")

# What each step changes (the subset with effects on the wire here).
HISTORY: dict[str, str] = {
    "2.1": "initial version (v2.0 compatible)",
    "2.2": "keypair type; keypair create 201 and delete 204",
    "2.3": "more OS-EXT-SRV-ATTR fields; delete_on_termination in volumes_attached",
    "2.6": "POST /servers/{id}/remote-consoles",
    "2.9": "server 'locked'",
    "2.10": "admins manage other users' keypairs (user_id)",
    "2.11": "os-services forced_down",
    "2.13": "server group project_id/user_id",
    "2.15": "soft-affinity and soft-anti-affinity",
    "2.16": "server host_status",
    "2.17": "trigger_crash_dump",
    "2.19": "server description",
    "2.20": "volume attach/detach while shelved",
    "2.21": "instance actions of deleted servers",
    "2.25": "block_migration 'auto', no disk_over_commit",
    "2.26": "server tags",
    "2.28": "hypervisor cpu_info as an object",
    "2.30": "live-migrate 'force'",
    "2.32": "device tags on networks and BDMs",
    "2.33": "hypervisor pagination",
    "2.35": "keypair pagination",
    "2.36": "proxy APIs (images, networks, security groups, quotas for network) removed",
    "2.37": "networks 'auto'/'none' and uuid format enforced",
    "2.38": "400 for an invalid status filter",
    "2.40": "simple tenant usage pagination",
    "2.41": "aggregate uuid",
    "2.45": "createImage returns image_id in the body",
    "2.47": "embedded flavor in servers",
    "2.48": "standardised diagnostics",
    "2.49": "tagged attach of interfaces and volumes",
    "2.50": "quota class sets server_groups fields, no network quotas",
    "2.51": "non-admins see action event details",
    "2.52": "tags on server create",
    "2.53": "service and hypervisor ids are uuids",
    "2.54": "rebuild with key_name",
    "2.55": "flavor description",
    "2.56": "cold migrate to a host",
    "2.57": "no personality; rebuild with user_data",
    "2.58": "instance action pagination and changes-since",
    "2.59": "migrations pagination, uuid",
    "2.60": "multiattach volumes",
    "2.61": "flavor extra_specs in flavor bodies",
    "2.62": "host and hostId in action events",
    "2.63": "trusted_image_certificates",
    "2.64": "server group 'policy' and 'rules'",
    "2.66": "changes-before filter",
    "2.67": "BDM volume_type",
    "2.68": "no force on live-migrate/evacuate",
    "2.69": "down-cell minimal constructs (never happen here)",
    "2.70": "device tags in attachment and interface bodies",
    "2.71": "server_groups in server show",
    "2.72": "ports with resource requests",
    "2.73": "locked_reason, locked filter",
    "2.74": "host/hypervisor_hostname on create",
    "2.75": "unknown query parameters rejected; consistent server bodies; swap 0",
    "2.77": "unshelve to an availability zone",
    "2.78": "server topology",
    "2.79": "delete_on_termination on volume attach",
    "2.80": "migrations user_id/project_id",
    "2.83": "more filters for non-admin",
    "2.84": "action event details",
    "2.85": "update volume attachment delete_on_termination",
    "2.86": "extra spec validation",
    "2.87": "rescue of volume-backed servers",
    "2.88": "hypervisor statistics fields removed",
    "2.89": "attachment_id and bdm_uuid in volume attachments",
    "2.90": "hostname on create/update/rebuild; OS-EXT-SRV-ATTR:hostname for all",
    "2.91": "unshelve to a host, pin/unpin AZ",
    "2.92": "keypair generation dropped; name validation",
    "2.93": "rebuild of volume-backed servers",
    "2.94": "FQDN hostnames",
    "2.95": "evacuate leaves the server stopped",
    "2.96": "pinned_availability_zone",
    "2.98": "image properties in the embedded image",
    "2.99": "spice-direct consoles",
    "2.100": "scheduler_hints in server bodies",
    "2.101": "volume attach answers 202",
    "2.102": "flavor name filter; rxtx_factor and OS-FLV-DISABLED removed",
    "2.103": "os-volumes_boot removed",
    "2.104": "update pinned_availability_zone",
}
