"""Neutron's errors: ``{"NeutronError": {"type", "message", "detail"}}``.

``type`` is the upstream exception class name and ``message`` its text, so clients
that branch on either (openstacksdk, gophercloud, Tempest) see what Neutron sends.
:func:`neutron` builds an :class:`ApiError` for a named upstream exception from the
table below (name -> HTTP status, message template).
"""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import ApiRequest, ErrorReply
from pocketstack.core.errors import (
    ApiError,
    BadRequest,
    Conflict,
    Forbidden,
    InternalError,
    NotFound,
    PolicyDenied,
    ServiceUnavailable,
    ValidationFailed,
)

_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    500: InternalError,
    503: ServiceUnavailable,
}

# upstream exception name -> (status, message template)
EXCEPTIONS: dict[str, tuple[int, str]] = {
    # neutron_lib.exceptions
    "BadRequest": (400, "Bad %(resource)s request: %(msg)s."),
    "InvalidInput": (400, "Invalid input for operation: %(error_message)s."),
    "NotAuthorized": (403, "Not authorized."),
    "AdminRequired": (403, "User does not have admin privileges: %(reason)s."),
    "NetworkNotFound": (404, "Network %(net_id)s could not be found."),
    "SubnetNotFound": (404, "Subnet %(subnet_id)s could not be found."),
    "PortNotFound": (404, "Port %(port_id)s could not be found."),
    "PortBound": (
        409,
        "Unable to complete operation on port %(port_id)s, port is already bound, port type: %(vif_type)s, "
        "old_mac %(old_mac)s, new_mac %(new_mac)s.",
    ),
    "SubnetPoolNotFound": (404, "Subnet pool %(subnetpool_id)s could not be found."),
    "NetworkInUse": (409, "Unable to complete operation on network %(net_id)s. %(reason)s."),
    "SubnetInUse": (409, "Unable to complete operation on subnet %(subnet_id)s: %(reason)s."),
    "SubnetPoolInUse": (409, "Unable to complete operation on subnet pool %(subnet_pool_id)s. %(reason)s."),
    "PortInUse": (
        409,
        "Unable to complete operation on port %(port_id)s for network %(net_id)s. "
        "Port already has an attached device %(device_id)s.",
    ),
    "ServicePortInUse": (409, "Port %(port_id)s cannot be deleted directly via the port API: %(reason)s."),
    "IpAddressInUse": (
        409,
        "Unable to complete operation for network %(net_id)s. The IP address %(ip_address)s is in use.",
    ),
    "MacAddressInUse": (
        409,
        "Unable to complete operation for network %(net_id)s. The mac address %(mac)s is in use.",
    ),
    "IpAddressGenerationFailure": (409, "No more IP addresses available on network %(net_id)s."),
    "IpAddressAlreadyAllocated": (
        409,
        "IP address %(ip)s already allocated in subnet %(subnet_id)s",
    ),
    "MacAddressGenerationFailure": (503, "Unable to generate unique mac on network %(net_id)s."),
    "AllocationOnAutoAddressSubnet": (
        400,
        "IPv6 address %(ip)s cannot be directly assigned to a port on subnet %(subnet_id)s since the subnet is "
        "configured for automatic addresses",
    ),
    "InvalidIpForSubnet": (400, "IP address %(ip_address)s is not a valid IP for the specified subnet."),
    "InvalidIpForNetwork": (
        400,
        "IP address %(ip_address)s is not a valid IP for any of the subnets on the specified network.",
    ),
    "InvalidAllocationPool": (400, "The allocation pool %(pool)s is not valid."),
    "OverlappingAllocationPools": (
        409,
        "Found overlapping allocation pools: %(pool_1)s %(pool_2)s for subnet %(subnet_cidr)s.",
    ),
    "OutOfBoundsAllocationPool": (400, "The allocation pool %(pool)s spans beyond the subnet cidr %(subnet_cidr)s."),
    "GatewayConflictWithAllocationPools": (409, "Gateway ip %(ip_address)s conflicts with allocation pool %(pool)s."),
    "GatewayIpInUse": (
        409,
        "Current gateway ip %(ip_address)s already in use by port %(port_id)s. Unable to update.",
    ),
    "HostRoutesExhausted": (
        400,
        "Unable to complete operation for %(subnet_id)s. The number of host routes exceeds the limit %(quota)s.",
    ),
    "DNSNameServersExhausted": (
        400,
        "Unable to complete operation for %(subnet_id)s. The number of DNS nameservers exceeds the limit %(quota)s.",
    ),
    "InvalidCIDR": (400, "Invalid CIDR %(input)s given as IP prefix."),
    "InvalidSharedSetting": (
        409,
        "Unable to reconfigure sharing settings for network %(network)s. Multiple projects are using it.",
    ),
    "OverQuota": (409, "Quota exceeded for resources: %(overs)s."),
    "InvalidQuotaValue": (409, "Change would make usage less than 0 for the following resources: %(unders)s."),
    "QuotaResourceUnknown": (404, "Unknown quota resources %(unknown)s."),
    "ExternalIpAddressExhausted": (400, "Unable to find any IP address on external network %(net_id)s."),
    "SubnetMismatchForPort": (400, "Subnet on port %(port_id)s does not match the requested subnet %(subnet_id)s."),
    "NetworkSubnetPoolAffinityError": (
        400,
        "Subnets hosted on the same network must be allocated from the same subnet pool.",
    ),
    # a 500 upstream; a request the pool cannot satisfy is the caller's conflict, not a server fault
    "SubnetAllocationError": (409, "Failed to allocate subnet: %(reason)s."),
    "MinPrefixSubnetAllocationError": (
        400,
        "Unable to allocate subnet with prefix length %(prefixlen)s, minimum allowed prefix is %(min_prefixlen)s.",
    ),
    "MaxPrefixSubnetAllocationError": (
        400,
        "Unable to allocate subnet with prefix length %(prefixlen)s, maximum allowed prefix is %(max_prefixlen)s.",
    ),
    "IllegalSubnetPoolPrefixBounds": (
        400,
        "Illegal prefix bounds: %(prefix_type)s=%(prefixlen)s, %(base_prefix_type)s=%(base_prefixlen)s.",
    ),
    "IllegalSubnetPoolPrefixUpdate": (400, "Illegal update to prefixes: %(msg)s."),
    "IllegalSubnetPoolUpdate": (400, "Illegal subnetpool update : %(reason)s."),
    "PrefixVersionMismatch": (400, "Cannot mix IPv4 and IPv6 prefixes in a subnet pool."),
    "EmptySubnetPoolPrefixList": (400, "Empty subnet pool prefix list."),
    "SubnetPoolQuotaExceeded": (409, "Per-project subnet pool prefix quota exceeded."),
    "SubnetPoolDeleteError": (400, "Unable to delete subnet pool: %(reason)s."),
    "UnsupportedMinSubnetPoolPrefix": (400, "Prefix '%(prefix)s' not supported in IPv%(version)s pool."),
    "NetworkMTUSubnetConflict": (409, "MTU of %(net_id)s is not valid, subnet requires a minimum of %(mtu)s"),
    "DeviceIDNotOwnedByProject": (
        409,
        "The following device_id %(device_id)s is not owned by your project or matches another project router.",
    ),
    "NoNetworkAvailable": (
        503,
        "Unable to create the network. No project network is available for allocation.",
    ),
    "AvailabilityZoneNotFound": (404, "AvailabilityZone %(availability_zone)s could not be found."),
    "ExternalNetworkInUse": (
        409,
        "External network %(net_id)s cannot be updated to be made non-external, since it has existing gateway ports.",
    ),
    # l3
    "RouterNotFound": (404, "Router %(router_id)s could not be found"),
    "RouterInUse": (409, "Router %(router_id)s %(reason)s"),
    "RouterInterfaceNotFound": (404, "Router %(router_id)s does not have an interface with id %(port_id)s"),
    "RouterInterfaceNotFoundForSubnet": (404, "Router %(router_id)s has no interface on subnet %(subnet_id)s"),
    "RouterInterfaceInUseByFloatingIP": (
        409,
        "Router interface for subnet %(subnet_id)s on router %(router_id)s cannot be deleted, as it is required "
        "by one or more floating IPs.",
    ),
    "RouterExternalGatewayInUseByFloatingIp": (
        409,
        "Gateway cannot be updated for router %(router_id)s, since a gateway to external network %(net_id)s is "
        "required by one or more floating IPs.",
    ),
    "FloatingIPNotFound": (404, "Floating IP %(floatingip_id)s could not be found"),
    "ExternalGatewayForFloatingIPNotFound": (
        404,
        "External network %(external_network_id)s is not reachable from subnet %(subnet_id)s.  Therefore, cannot "
        "associate Port %(port_id)s with a Floating IP.",
    ),
    "FloatingIPPortAlreadyAssociated": (
        409,
        "Cannot associate floating IP %(floating_ip_address)s (%(fip_id)s) with port %(port_id)s using fixed IP "
        "%(fixed_ip)s, as that fixed IP already has a floating IP on external network %(net_id)s.",
    ),
    "FipAssociated": (
        409,
        "Unable to complete the operation on port %(port_id)s because the port still has an associated floating IP.",
    ),
    "RouterInterfaceInUseByRoute": (
        409,
        "Router interface for subnet %(subnet_id)s on router %(router_id)s cannot be deleted, as it is required "
        "by one or more routes.",
    ),
    "InvalidRoutes": (400, "Invalid format for routes: %(routes)s, %(reason)s"),
    "RoutesExhausted": (
        400,
        "Unable to complete operation for %(router_id)s. The number of routes exceeds the maximum %(quota)s.",
    ),
    # allowed address pairs, port security
    "AddressPairAndPortSecurityRequired": (
        409,
        "Port Security must be enabled in order to have allowed address pairs on a port.",
    ),
    "AllowedAddressPairExhausted": (400, "The number of allowed address pair exceeds the maximum %(quota)s."),
    "AllowedAddressPairsMissingIP": (400, "AllowedAddressPair must contain ip_address"),
    "DuplicateAddressPairInRequest": (
        400,
        "Request contains duplicate address pair: mac_address %(mac_address)s ip_address %(ip_address)s.",
    ),
    "PortSecurityAndIPRequiredForSecurityGroups": (
        400,
        "Port security must be enabled and port must have an IP address in order to use security groups.",
    ),
    "PortSecurityPortHasSecurityGroup": (
        409,
        "Port has security group associated. Cannot disable port security or IP address until security group "
        "is removed.",
    ),
    # security groups
    "SecurityGroupNotFound": (404, "Security group %(id)s does not exist"),
    "SecurityGroupRuleNotFound": (404, "Security group rule %(id)s does not exist"),
    "SecurityGroupInUse": (409, "Security Group %(id)s %(reason)s."),
    "SecurityGroupCannotRemoveDefault": (409, "Insufficient rights for removing default security group."),
    "SecurityGroupCannotUpdateDefault": (409, "Updating default security group not allowed."),
    "SecurityGroupDefaultAlreadyExists": (409, "Default security group already exists."),
    "SecurityGroupConflict": (409, "Error %(reason)s while attempting the operation."),
    "SecurityGroupRuleExists": (409, "Security group rule already exists. Rule id is %(rule_id)s."),
    "DuplicateSecurityGroupRuleInPost": (409, "Duplicate Security Group Rule in POST."),
    "SecurityGroupRuleInvalidProtocol": (
        400,
        "Security group rule protocol %(protocol)s not supported. Only protocol values %(values)s and integer "
        "representations [0 to 255] are supported.",
    ),
    "SecurityGroupRuleInvalidEtherType": (
        400,
        "Security group rule for ethertype '%(ethertype)s' not supported. Allowed values are %(values)s.",
    ),
    "SecurityGroupInvalidPortRange": (400, "For TCP/UDP protocols, port_range_min must be <= port_range_max"),
    "SecurityGroupInvalidPortValue": (400, "Invalid value for port %(port)s"),
    "SecurityGroupInvalidProtocolForPort": (
        400,
        "Ports cannot be specified for protocol %(protocol)s. Ports are only supported for %(valid_port_protocols)s.",
    ),
    "SecurityGroupInvalidIcmpValue": (
        400,
        "Invalid value for ICMP %(field)s (%(attr)s) %(value)s. It must be 0 to 255.",
    ),
    "SecurityGroupMissingIcmpType": (
        400,
        "ICMP code (port-range-max) %(value)s is provided but ICMP type (port-range-min) is missing.",
    ),
    "SecurityGroupEthertypeConflictWithProtocol": (
        400,
        "Invalid ethertype %(ethertype)s for protocol %(protocol)s.",
    ),
    "SecurityGroupMultipleRemoteEntites": (
        400,
        "Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.",
    ),
    "SecurityGroupProtocolRequiredWithPorts": (400, "Must also specify protocol if port range is given."),
    "SecurityGroupRuleParameterConflict": (400, "Conflicting value ethertype %(ethertype)s for CIDR %(cidr)s"),
    "SecurityGroupRulesNotSingleProject": (
        400,
        "Multiple project_ids in bulk security group rule create not allowed",
    ),
    "SecurityGroupNotSingleGroupRules": (
        400,
        "Only allowed to update rules for one security profile at a time",
    ),
    # auto-allocated-topology
    "AutoAllocationFailure": (409, "Deployment error: %(reason)s."),
    "DefaultExternalNetworkExists": (409, "A default external network already exists: %(net_id)s."),
    # qos
    "QosPolicyNotFound": (404, "QoS policy %(policy_id)s could not be found."),
    "QosRuleNotFound": (404, "QoS rule %(rule_id)s for policy %(policy_id)s could not be found."),
    "QoSPolicyDefaultAlreadyExists": (409, "A default QoS policy exists for project %(project_id)s."),
    "QosPolicyInUse": (409, "QoS Policy %(policy_id)s is used by %(object_type)s %(object_id)s."),
    "QosRuleNotSupported": (409, "Rule %(rule_type)s is not supported by port %(port_id)s"),
    "QoSRuleParameterConflict": (
        409,
        "Unable to add the rule with value %(rule_value)s to the policy %(policy_id)s as the existing rule of "
        "type %(existing_rule)s has value %(existing_value)s.",
    ),
    "QoSRulesConflict": (
        409,
        "Rule %(new_rule_type)s conflicts with rule %(rule_id)s which already exists in QoS Policy %(policy_id)s.",
    ),
    "PolicyRemoveAuthorizationError": (
        403,
        "Failed to remove provided policy %(policy_id)s because you are not authorized.",
    ),
    # trunks
    "TrunkPortInUse": (409, "Port %(port_id)s is in use by another trunk."),
    "TrunkNotFound": (404, "Trunk %(trunk_id)s could not be found."),
    "SubPortNotFound": (404, "SubPort %(port_id)s on trunk %(trunk_id)s could not be found."),
    "DuplicateSubPort": (
        409,
        "segmentation_type %(segmentation_type)s and segmentation_id %(segmentation_id)s already in use on trunk "
        "%(trunk_id)s.",
    ),
    "ParentPortInUse": (409, "Port %(port_id)s is currently in use and is not eligible for use as a parent port."),
    "SubPortMtuGreaterThanTrunkPortMtu": (
        409,
        "MTU %(port_mtu)s of subport %(port_id)s cannot be greater than MTU %(trunk_mtu)s of trunk %(trunk_id)s.",
    ),
    "PortInUseAsTrunkParent": (409, "Port %(port_id)s is currently a parent port for trunk %(trunk_id)s."),
    "PortInUseAsSubPort": (409, "Port %(port_id)s is currently a subport for trunk %(trunk_id)s."),
    "TrunkInUse": (409, "Trunk %(trunk_id)s is currently in use."),
    "TrunkDisabled": (409, "Trunk %(trunk_id)s is currently disabled."),
    "TrunkInErrorState": (
        409,
        "Trunk %(trunk_id)s is in error state. Attempt to resolve the error condition before proceeding.",
    ),
    # segments
    "SegmentNotFound": (404, "Segment %(segment_id)s could not be found."),
    "SegmentInUse": (409, "Segment '%(segment_id)s' cannot be deleted: %(reason)s."),
    "NetworkIdsDontMatch": (
        400,
        "The subnet's network id, '%(subnet_network)s', doesn't match the network_id of segment '%(segment_id)s'",
    ),
    "SubnetsNotAllAssociatedWithSegments": (
        400,
        "All of the subnets on network '%(network_id)s' must either all be associated with segments or all not "
        "associated with any segment.",
    ),
    "SubnetSegmentAssociationChangeNotAllowed": (
        400,
        "A subnet that is already associated with a segment cannot have its segment association changed.",
    ),
    "NoUpdateSubnetWhenMultipleSegmentsOnNetwork": (
        400,
        "The network '%(network_id)s' has multiple segments, it is only possible to associate an existing subnet "
        "with a segment on networks with a single segment.",
    ),
    "SegmentsSetInConjunctionWithProviders": (400, "Segments and provider values cannot both be set."),
    "SegmentsContainDuplicateEntry": (400, "Duplicate segment entry in request."),
    # address scopes
    "AddressScopeNotFound": (404, "Address scope %(address_scope_id)s could not be found."),
    "AddressScopeInUse": (
        409,
        "Unable to complete operation on address scope %(address_scope_id)s. There are one or more subnet pools "
        "in use on the address scope.",
    ),
    "AddressScopeUpdateError": (400, "Unable to update address scope %(address_scope_id)s : %(reason)s."),
    "NetworkAddressScopeAffinityError": (
        400,
        "Subnets of the same address family hosted on the same network must all participate in the same address scope.",
    ),
    "AddressScopePrefixConflict": (
        409,
        "Failed to associate address scope: subnetpools within an address scope must have unique prefixes.",
    ),
    "IllegalSubnetPoolAssociationToAddressScope": (
        400,
        "Illegal subnetpool association: subnetpool %(subnetpool_id)s cannot be associated with address scope "
        "%(address_scope_id)s.",
    ),
    "IllegalSubnetPoolIpVersionAssociationToAddressScope": (
        400,
        "Illegal subnetpool association: subnetpool %(subnetpool_id)s cannot associate with address scope "
        "%(address_scope_id)s because subnetpool ip_version is not %(ip_version)s.",
    ),
    # rbac-policies
    "RbacPolicyNotFound": (404, "RBAC policy of type %(object_type)s with ID %(id)s not found"),
    "RbacPolicyInUse": (
        409,
        "RBAC policy on object %(object_id)s cannot be removed because other objects depend on it.\n"
        "Details: %(details)s",
    ),
    "DuplicateRbacPolicy": (409, "An RBAC policy already exists with those values."),
    "InvalidActionForType": (
        400,
        "Invalid action '%(action)s' for object type '%(object_type)s'. Valid actions: %(valid_actions)s",
    ),
    # agents
    "AgentNotFound": (404, "Agent %(id)s could not be found."),
    # tags
    "TagNotFound": (404, "Tag %(tag)s could not be found."),
    "TagResourceNotFound": (404, "Resource %(resource)s %(resource_id)s could not be found."),
    # extensions
    "ExtensionNotFound": (404, "Extension with alias %(alias)s does not exist"),
}


class PreconditionFailed(ApiError):
    """412: an ``If-Match: revision_number=N`` constraint was not met."""

    status = 412
    default_kind = "HTTPPreconditionFailed"


def revision_mismatch(expected: int, current: int) -> ApiError:
    return PreconditionFailed(
        f"Constrained to {expected}, but current revision is {current}",
        kind="RevisionNumberConstraintFailed",
        neutron=True,
    )


def neutron(kind: str, **values: Any) -> ApiError:
    """The ApiError Neutron raises as ``kind`` (e.g. ``neutron("NetworkNotFound", net_id=x)``)."""
    status, template = EXCEPTIONS[kind]
    return _STATUS[status](template % values, kind=kind, neutron=True)


def http(status: int, message: str) -> ApiError:
    """A webob ``HTTP<Status>`` error as Neutron's API layer raises them (``HTTPBadRequest``)."""
    names = {400: "HTTPBadRequest", 403: "HTTPForbidden", 404: "HTTPNotFound", 409: "HTTPConflict"}
    return _STATUS[status](message, kind=names[status])


def invalid_input(message: str) -> ApiError:
    return neutron("InvalidInput", error_message=message)


def bad_request(resource: str, msg: str) -> ApiError:
    return neutron("BadRequest", resource=resource, msg=msg)


def not_found() -> ApiError:
    """What Neutron answers when policy hides a resource from the caller."""
    return http(404, "The resource could not be found.")


# kinds raised by the core dispatcher, and what Neutron's API layer calls them
_CORE_KINDS = {
    "NotFound": "HTTPNotFound",
    "HTTPMethodNotAllowed": "HTTPMethodNotAllowed",
    "RequestEntityTooLarge": "HTTPRequestEntityTooLarge",
    "HTTPNotAcceptable": "HTTPNotAcceptable",
    "HTTPUnsupportedMediaType": "HTTPUnsupportedMediaType",
    "BadRequest": "HTTPBadRequest",
    "Forbidden": "HTTPForbidden",
    "Conflict": "HTTPConflict",
    "ServiceUnavailable": "HTTPServiceUnavailable",
}


def render_error(exc: ApiError, req: ApiRequest | None) -> ErrorReply:
    if exc.status == 401:
        # keystonemiddleware answers before Neutron sees the request, in its own shape
        body: dict[str, Any] = {
            "error": {
                "code": 401,
                "title": "Unauthorized",
                "message": "The request you have made requires authentication.",
            }
        }
        return ErrorReply(401, body)
    kind, message = exc.kind, exc.message
    if isinstance(exc, PolicyDenied):
        kind = "PolicyNotAuthorized"
        if not message.endswith("disallowed by policy"):
            message = f"rule:{exc.rule} is disallowed by policy"
    elif kind == "MalformedRequestBody":
        kind, message = "HTTPBadRequest", "Body contains invalid data"
    elif isinstance(exc, ValidationFailed):
        kind = "HTTPBadRequest"
    elif exc.status == 500:
        kind = "HTTPInternalServerError"
        message = "Request Failed: internal server error while processing your request."
    elif not exc.extra.get("neutron"):
        kind = _CORE_KINDS.get(kind, kind)
    return ErrorReply(exc.status, {"NeutronError": {"type": kind, "message": message, "detail": exc.detail}})
