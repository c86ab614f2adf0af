"""Nova's vm_state, task_state and power_state values and the API status they map to."""

from __future__ import annotations

# vm_states
ACTIVE = "active"
BUILDING = "building"
PAUSED = "paused"
SUSPENDED = "suspended"
STOPPED = "stopped"
RESCUED = "rescued"
RESIZED = "resized"
SOFT_DELETED = "soft-delete"
DELETED = "deleted"
ERROR = "error"
SHELVED = "shelved"
SHELVED_OFFLOADED = "shelved_offloaded"

ALLOW_SOFT_REBOOT = {ACTIVE}
ALLOW_HARD_REBOOT = {ACTIVE, STOPPED, PAUSED, SUSPENDED, ERROR}
ALLOW_TRIGGER_CRASH_DUMP = {ACTIVE, PAUSED, RESCUED, RESIZED, ERROR}

# task_states
SCHEDULING = "scheduling"
NETWORKING = "networking"
BLOCK_DEVICE_MAPPING = "block_device_mapping"
SPAWNING = "spawning"
IMAGE_SNAPSHOT = "image_snapshot"
IMAGE_SNAPSHOT_PENDING = "image_snapshot_pending"
IMAGE_PENDING_UPLOAD = "image_pending_upload"
IMAGE_UPLOADING = "image_uploading"
IMAGE_BACKUP = "image_backup"
UPDATING_PASSWORD = "updating_password"
RESIZE_PREP = "resize_prep"
RESIZE_MIGRATING = "resize_migrating"
RESIZE_MIGRATED = "resize_migrated"
RESIZE_FINISH = "resize_finish"
RESIZE_REVERTING = "resize_reverting"
RESIZE_CONFIRMING = "resize_confirming"
REBOOTING = "rebooting"
REBOOT_PENDING = "reboot_pending"
REBOOT_STARTED = "reboot_started"
REBOOTING_HARD = "rebooting_hard"
REBOOT_PENDING_HARD = "reboot_pending_hard"
REBOOT_STARTED_HARD = "reboot_started_hard"
PAUSING = "pausing"
UNPAUSING = "unpausing"
SUSPENDING = "suspending"
RESUMING = "resuming"
POWERING_OFF = "powering-off"
POWERING_ON = "powering-on"
RESCUING = "rescuing"
UNRESCUING = "unrescuing"
REBUILDING = "rebuilding"
REBUILD_BLOCK_DEVICE_MAPPING = "rebuild_block_device_mapping"
REBUILD_SPAWNING = "rebuild_spawning"
MIGRATING = "migrating"
DELETING = "deleting"
SOFT_DELETING = "soft-deleting"
RESTORING = "restoring"
SHELVING = "shelving"
SHELVING_IMAGE_PENDING_UPLOAD = "shelving_image_pending_upload"
SHELVING_IMAGE_UPLOADING = "shelving_image_uploading"
SHELVING_OFFLOADING = "shelving_offloading"
UNSHELVING = "unshelving"

ALLOW_REBOOT = {
    None,
    REBOOTING,
    REBOOT_PENDING,
    REBOOT_STARTED,
    RESUMING,
    REBOOTING_HARD,
    UNPAUSING,
    PAUSING,
    SUSPENDING,
}

# power_state
NOSTATE = 0
RUNNING = 1
PAUSED_POWER = 3
SHUTDOWN = 4
CRASHED = 6
SUSPENDED_POWER = 7

# vm_state -> {task_state or "default": status}
_RESIZE: dict[str | None, str] = {
    RESIZE_PREP: "RESIZE",
    RESIZE_MIGRATING: "RESIZE",
    RESIZE_MIGRATED: "RESIZE",
    RESIZE_FINISH: "RESIZE",
}
_REBUILD: dict[str | None, str] = {
    REBUILDING: "REBUILD",
    REBUILD_BLOCK_DEVICE_MAPPING: "REBUILD",
    REBUILD_SPAWNING: "REBUILD",
}
STATE_MAP: dict[str, dict[str | None, str]] = {
    ACTIVE: {
        "default": "ACTIVE",
        REBOOTING: "REBOOT",
        REBOOT_PENDING: "REBOOT",
        REBOOT_STARTED: "REBOOT",
        REBOOTING_HARD: "HARD_REBOOT",
        REBOOT_PENDING_HARD: "HARD_REBOOT",
        REBOOT_STARTED_HARD: "HARD_REBOOT",
        UPDATING_PASSWORD: "PASSWORD",
        MIGRATING: "MIGRATING",
        **_REBUILD,
        **_RESIZE,
    },
    BUILDING: {"default": "BUILD"},
    STOPPED: {"default": "SHUTOFF", **_RESIZE, **_REBUILD},
    RESIZED: {"default": "VERIFY_RESIZE", RESIZE_REVERTING: "REVERT_RESIZE"},
    PAUSED: {"default": "PAUSED", MIGRATING: "MIGRATING"},
    SUSPENDED: {"default": "SUSPENDED"},
    RESCUED: {"default": "RESCUE"},
    ERROR: {"default": "ERROR", **_REBUILD},
    DELETED: {"default": "DELETED"},
    SOFT_DELETED: {"default": "SOFT_DELETED"},
    SHELVED: {"default": "SHELVED"},
    SHELVED_OFFLOADED: {"default": "SHELVED_OFFLOADED"},
}


def status(vm_state: str, task_state: str | None) -> str:
    task_map = STATE_MAP.get(vm_state, {"default": "UNKNOWN"})
    return task_map.get(task_state, task_map["default"])


def states_for_statuses(statuses: list[str]) -> tuple[list[str], list[str | None]]:
    """The vm_states and task_states that show as any of ``statuses`` (``"default"``
    among the task states means: whatever the task state)."""
    wanted = {s.lower() for s in statuses}
    vm: set[str] = set()
    task: set[str | None] = set()
    for vm_state, task_map in STATE_MAP.items():
        for task_state, shown in task_map.items():
            if shown.lower() in wanted:
                vm.add(vm_state)
                task.add(task_state)
    return sorted(vm), sorted(task, key=lambda t: t or "")
