"""The network service's logic, as the handlers and the other services see it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pocketstack.core.timeutils import utcnow
from pocketstack.services.network.access import Access
from pocketstack.services.network.address_scopes import AddressScopes
from pocketstack.services.network.auto_allocate import AutoAllocator
from pocketstack.services.network.compute import ComputeContract
from pocketstack.services.network.floatingips import FloatingIPs
from pocketstack.services.network.networks import Networks
from pocketstack.services.network.ports import Ports
from pocketstack.services.network.qos import QosPolicies
from pocketstack.services.network.rbac import RbacPolicies
from pocketstack.services.network.routers import Routers
from pocketstack.services.network.secgroups import SecurityGroups
from pocketstack.services.network.segments import Segments
from pocketstack.services.network.subnetpools import SubnetPools
from pocketstack.services.network.subnets import Subnets
from pocketstack.services.network.trunks import Trunks

if TYPE_CHECKING:
    from pocketstack.core.cloud import Cloud
    from pocketstack.core.policy import PolicyEngine


class NetworkService(ComputeContract):
    def __init__(self, cloud: Cloud, policy: PolicyEngine) -> None:
        self.cloud = cloud
        self.db = cloud.db
        self.settings = cloud.settings
        self.access = Access(policy)
        self.started = utcnow()
        self.segments = Segments(self)
        self.networks = Networks(self)
        self.subnets = Subnets(self)
        self.subnetpools = SubnetPools(self)
        self.address_scopes = AddressScopes(self)
        self.ports = Ports(self)
        self.secgroups = SecurityGroups(self)
        self.routers = Routers(self)
        self.floatingips = FloatingIPs(self)
        self.rbac = RbacPolicies(self)
        self.qos = QosPolicies(self)
        self.trunks = Trunks(self)
        self.auto_allocator = AutoAllocator(self)
