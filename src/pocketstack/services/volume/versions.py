"""Cinder v3 microversions: the names the code branches on, and the range served.

Each constant names the first microversion with that behaviour (Cinder's own
``cinder/api/microversions.py`` names them the same way).  Handlers, schemas and
views compare ``req.version`` against these, never against bare strings.
"""

from __future__ import annotations

from pocketstack.core.microversion import VersionRange

MIN_VERSION = "3.0"
MAX_VERSION = "3.71"
# The "updated" stamp Cinder publishes for its current maximum.
UPDATED = "2023-08-31T00:00:00Z"

UPLOAD_IMAGE_PARAMS = "3.1"  # protected/visibility on os-volume_upload_image
VOLUME_LIST_BOOTABLE = "3.2"  # strict boolean parsing of the bootable filter
MESSAGES = "3.3"  # /messages
VOLUME_LIST_GLANCE_METADATA = "3.4"  # glance_metadata filter
MESSAGES_PAGINATION = "3.5"
MANAGE_EXISTING_LIST = "3.8"  # /manageable_volumes, /manageable_snapshots
BACKUP_UPDATE = "3.9"  # PUT /backups/{id}
VOLUME_LIST_GROUP = "3.10"  # group_id filter
GROUP_TYPE = "3.11"
VOLUME_SUMMARY = "3.12"  # /volumes/summary
GROUP_VOLUME = "3.13"  # group_id in volume details and create
GROUP_SNAPSHOTS = "3.14"  # group_snapshot_id in snapshot details
VOLUME_MIGRATE_CLUSTER = "3.16"  # cluster in migrate and manage bodies
MANAGE_EXISTING_CLUSTER = "3.17"  # cluster in manageable lists
BACKUP_PROJECT = "3.18"  # os-backup-project-attr:project_id
GROUP_SNAPSHOT_RESET_STATUS = "3.19"
GROUP_VOLUME_RESET_STATUS = "3.20"
VOLUME_DETAIL_PROVIDER_ID = "3.21"
SNAPSHOT_LIST_METADATA_FILTER = "3.22"
VOLUME_DELETE_FORCE = "3.23"
GROUP_VOLUME_LIST = "3.25"  # ?list_volume on group show
NEW_ATTACH = "3.27"  # the attachments API
POOL_FILTER = "3.28"
GROUP_SNAPSHOT_PAGINATION = "3.29"
SNAPSHOT_SORT = "3.30"  # sort snapshots by name
RESOURCE_FILTER = "3.31"  # configured resource filters; unknown filters -> 400
RESOURCE_FILTER_CONFIG = "3.33"  # /resource_filters
LIKE_FILTER = "3.34"  # name~ style filters
POOL_TYPE_FILTER = "3.35"
VOLUME_SUMMARY_METADATA = "3.36"
BACKUP_SORT_NAME = "3.37"
GROUP_REPLICATION = "3.38"
LIMITS_ADMIN_FILTER = "3.39"  # /limits?project_id=
VOLUME_REVERT = "3.40"
SNAPSHOT_LIST_USER_ID = "3.41"
VOLUME_EXTEND_INUSE = "3.42"
BACKUP_METADATA = "3.43"
NEW_ATTACH_COMPLETION = "3.44"
SUPPORT_COUNT_INFO = "3.45"  # with_count / count
SUPPORT_NOVA_IMAGE = "3.46"
VOLUME_CREATE_FROM_BACKUP = "3.47"
VOLUME_SHARED_TARGETS_AND_SERVICE_FIELDS = "3.48"
BACKEND_STATE_REPORT = "3.49"
MULTIATTACH_VOLUMES = "3.50"
BACKUP_AZ = "3.51"
SUPPORT_VOLUME_TYPE_FILTER = "3.52"
SUPPORT_VOLUME_SCHEMA_CHANGES = "3.53"
ATTACHMENT_CREATE_MODE_ARG = "3.54"
TRANSFER_WITH_SNAPSHOTS = "3.55"
BACKUP_PROJECT_USER_ID = "3.56"
TRANSFER_WITH_HISTORY = "3.57"
GROUP_GROUPSNAPSHOT_PROJECT_ID = "3.58"
SUPPORT_TRANSFER_PAGINATION = "3.59"
VOLUME_TIME_COMPARISON_FILTER = "3.60"
VOLUME_CLUSTER_NAME = "3.61"
DEFAULT_TYPE_OVERRIDES = "3.62"
VOLUME_TYPE_ID_IN_VOLUME_DETAIL = "3.63"
ENCRYPTION_KEY_ID_IN_DETAILS = "3.64"
USE_QUOTA = "3.65"
SNAPSHOT_IN_USE = "3.66"
PROJECT_ID_OPTIONAL_IN_URL = "3.67"
SUPPORT_REIMAGE_VOLUME = "3.68"
SHARED_TARGETS_TRISTATE = "3.69"
TRANSFER_ENCRYPTED_VOLUME = "3.70"
EXTEND_VOLUME_COMPLETION = "3.71"

RANGE = VersionRange.of("volume", MIN_VERSION, MAX_VERSION)
