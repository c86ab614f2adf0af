"""The agents an ML2/OVN deployment reports: an OVN controller and an OVN metadata
agent on every compute host (the hosts the compute service simulates).  Read-only,
derived from settings, alive as long as the cloud is."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pocketstack.core.timeutils import utcnow
from pocketstack.services.network.networks import AVAILABILITY_ZONE
from pocketstack.settings import Settings

_NAMESPACE = uuid.UUID("6f1c2d3e-8a9b-4c5d-9e0f-a1b2c3d4e5f6")
# (agent_type, binary)
KINDS = (("OVN Controller agent", "ovn-controller"), ("OVN Metadata agent", "neutron-ovn-metadata-agent"))


def hosts(settings: Settings) -> list[str]:
    """The compute hosts, named as the compute service names them."""
    return [f"compute{i}" for i in range(1, settings.compute.hosts + 1)]


def agents(settings: Settings, started: datetime) -> list[dict[str, Any]]:
    now = utcnow()
    out = []
    for host in hosts(settings):
        for agent_type, binary in KINDS:
            config: dict[str, Any] = {"chassis_name": host}
            if binary == "ovn-controller":
                config["bridge-mappings"] = "public:br-ex"
            out.append(
                {
                    "id": str(uuid.uuid5(_NAMESPACE, f"{host}/{binary}")),
                    "agent_type": agent_type,
                    "binary": binary,
                    "topic": "n/a",
                    "host": host,
                    "admin_state_up": True,
                    "availability_zone": AVAILABILITY_ZONE,
                    "created_at": started,
                    "started_at": started,
                    "heartbeat_timestamp": now,
                    "alive": True,
                    "configurations": config,
                    "description": "",
                    "resources_synced": None,
                }
            )
    return out
