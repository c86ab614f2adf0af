"""Neutron's attribute validators and converters, with upstream's messages.

A validator takes ``(value, arg)`` and returns ``None`` or a message (the reason in
``Invalid input for <attr>. Reason: <message>.``); a converter returns the converted
value or raises ``InvalidInput``.  Names follow neutron-lib (``type:uuid`` ->
``uuid``) so the attribute tables in :mod:`.resources` read like upstream's.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from pocketstack.services.network.errors import http, invalid_input, neutron

Validator = Callable[[Any, Any], "str | None"]

_TRUE = ("1", "t", "true", "on", "y", "yes")
_FALSE = ("0", "f", "false", "off", "n", "no")
INVALID_MACS = ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff")
IPV6_MODES = ("dhcpv6-stateful", "dhcpv6-stateless", "slaac")
MAX_ADDRESS_PAIRS = 10  # [DEFAULT] max_allowed_address_pair


# -- helpers --------------------------------------------------------------------


def is_set(value: Any) -> bool:
    return value is not None and value is not NOT_SPECIFIED


class _NotSpecified:
    def __repr__(self) -> str:
        return "ATTR_NOT_SPECIFIED"


NOT_SPECIFIED: Any = _NotSpecified()


def _printable(text: str) -> bool:
    """Neutron's name rule: printable characters, no leading/trailing non-space blanks."""
    for ch in text:
        cat = unicodedata.category(ch)
        if cat.startswith("C") or (cat.startswith("Z") and cat != "Zs"):
            return False
    return True


def _dups(items: Iterable[Any]) -> list[Any]:
    seen: list[Any] = []
    dups: list[Any] = []
    for item in items:
        if item in seen and item not in dups:
            dups.append(item)
        seen.append(item)
    return dups


def parse_ip(text: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not isinstance(text, str) or re.search(r"\s", text):
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def parse_net(text: Any, strict: bool = False) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not isinstance(text, str) or re.search(r"\s", text):
        return None
    try:
        return ipaddress.ip_network(text, strict=strict)
    except ValueError:
        return None


# -- validators -------------------------------------------------------------------


def values(data: Any, valid: Any) -> str | None:
    if valid is None:
        return None
    if data not in valid:
        return f"{data} is not in valid_values"
    return None


def string(data: Any, max_len: int | None = None) -> str | None:
    if not isinstance(data, str):
        return f"'{data}' is not a valid string"
    if max_len is not None and len(data) > max_len:
        return f"'{data}' exceeds maximum length of {max_len}"
    return None


def string_or_none(data: Any, max_len: int | None = None) -> str | None:
    return None if data is None else string(data, max_len)


def not_empty_string(data: Any, max_len: int | None = None) -> str | None:
    msg = string(data, max_len)
    if msg:
        return msg
    if not data.strip():
        return f"'{data}' Blank strings are not permitted"
    return None


def name_string(data: Any, max_len: int | None = None) -> str | None:
    """Printable characters only, and no blank at either end (upstream's name regex)."""
    msg = string(data, max_len)
    if msg:
        return msg
    if not data or (_printable(data) and not _blank(data[0]) and not _blank(data[-1])):
        return None
    return f"'{data}' is not a valid string"


def _blank(ch: str) -> bool:
    return unicodedata.category(ch) == "Zs"


def not_empty_name_string(data: Any, max_len: int | None = None) -> str | None:
    return not_empty_string(data, max_len) or name_string(data, max_len)


def boolean(data: Any, _arg: Any = None) -> str | None:
    try:
        to_boolean(data)
    except Exception:
        return f"'{data}' is not a valid boolean value"
    return None


def non_negative(data: Any, _arg: Any = None) -> str | None:
    try:
        value = int(data)
    except (ValueError, TypeError):
        return f"'{data}' is not an integer"
    if value < 0:
        return f"'{data}' should be non-negative"
    return None


def range_(data: Any, bounds: tuple[int | None, int | None]) -> str | None:
    try:
        value = int(data)
    except (ValueError, TypeError):
        return f"'{data}' is not an integer"
    lo, hi = bounds
    if lo is not None and value < lo:
        return f"'{value}' is too small - must be at least '{lo}'"
    if hi is not None and value > hi:
        return f"'{value}' is too large - must be no larger than '{hi}'"
    return None


def uuid_(data: Any, _arg: Any = None) -> str | None:
    if isinstance(data, str):
        try:
            uuid.UUID(data.replace("urn:", "").replace("uuid:", "").strip("{}").replace("-", ""))
            return None
        except ValueError:
            pass
    return f"'{data}' is not a valid UUID"


def uuid_or_none(data: Any, _arg: Any = None) -> str | None:
    return None if data is None else uuid_(data)


def list_of(item: Validator, data: Any, arg: Any = None, non_empty: bool = False) -> str | None:
    if not isinstance(data, list):
        return f"'{data}' is not a list"
    dups = _dups(data)
    if dups:
        return "Duplicate items in the list: '{}'".format(", ".join(str(d) for d in dups))
    for element in data:
        msg = item(element, arg)
        if msg:
            return msg
    if non_empty and not data:
        return "List should not be empty"
    return None


def uuid_list(data: Any, _arg: Any = None) -> str | None:
    return list_of(uuid_, data)


def unique_strings(data: Any, max_len: int | None = None) -> str | None:
    return list_of(string, data, max_len)


def mac_address(data: Any, _arg: Any = None) -> str | None:
    mac = sanitize_mac(data) if isinstance(data, str) and not re.search(r"\s", data) else None
    if mac is None or mac in INVALID_MACS:
        return f"'{data}' is not a valid MAC address"
    return None


def ip_address(data: Any, _arg: Any = None) -> str | None:
    if not isinstance(data, str):
        return f"'{data}' is not a valid IP address"
    if ":" not in data:
        parts = data.split(".")
        if len(parts) != 4 or not all(p.isdigit() for p in parts):
            return f"'{data}' is not a valid IP address"
        normal = ".".join(str(int(p)) for p in parts)
        if parse_ip(normal) is None:
            return f"'{data}' is not a valid IP address"
        if normal != data:
            return f"'{data}' is not an accepted IP address, '{normal}' is recommended"
        return None
    if parse_ip(data.split("%")[0]) is None or "%" in data:
        return f"'{data}' is not a valid IP address"
    return None


def ip_address_or_none(data: Any, _arg: Any = None) -> str | None:
    return None if data is None else ip_address(data)


def subnet(data: Any, _arg: Any = None) -> str | None:
    net = parse_net(data)
    if net is None or "/" not in data or (net.version == 4 and not _v4_cidr_text_ok(data)):
        return f"'{data}' is not a valid IP subnet"
    return None


def _v4_cidr_text_ok(data: str) -> bool:
    addr, _, plen = data.partition("/")
    return ip_address(addr) is None and plen.isdigit() and str(int(plen)) == plen


def subnet_or_none(data: Any, _arg: Any = None) -> str | None:
    return None if data is None else subnet(data)


def subnet_list(data: Any, _arg: Any = None) -> str | None:
    return list_of(subnet, data)


def route_cidr(data: Any, _arg: Any = None) -> str | None:
    net = parse_net(data, strict=True) if isinstance(data, str) and "/" in data else None
    if net is None:
        return f"'{data}' is not a valid CIDR"
    if net.is_loopback:
        return f"'{data}' is not a routable CIDR"
    return None


def _verify_keys(expected: list[str], target: Any, strict: bool = True) -> str | None:
    if not isinstance(target, dict):
        return f"Invalid input. '{target}' must be a dictionary with keys: {expected}"
    want, have = set(expected), set(target)
    if (want != have) if strict else not want <= have:
        return f"Validation of dictionary's keys failed. Expected keys: {want} Provided keys: {have}"
    return None


def ip_pools(data: Any, _arg: Any = None) -> str | None:
    if not isinstance(data, list):
        return f"Invalid data format for IP pool: '{data}'"
    for pool in data:
        msg = _verify_keys(["start", "end"], pool)
        if msg:
            return msg
        for key in ("start", "end"):
            msg = ip_address(pool[key])
            if msg:
                return msg
    return None


def fixed_ips(data: Any, _arg: Any = None) -> str | None:
    if not isinstance(data, list):
        return f"Invalid data format for fixed IP: '{data}'"
    seen: list[str] = []
    for fixed in data:
        if not isinstance(fixed, dict):
            return f"Invalid data format for fixed IP: '{fixed}'"
        if "ip_address" in fixed:
            addr = fixed["ip_address"]
            msg = f"Duplicate IP address '{addr}'" if addr in seen else ip_address(addr)
            if msg:
                return msg
            seen.append(addr)
        if "subnet_id" in fixed:
            msg = uuid_(fixed["subnet_id"])
            if msg:
                return msg
    return None


def nameservers(data: Any, _arg: Any = None) -> str | None:
    if not isinstance(data, list):
        return f"Invalid data format for nameserver: '{data}'"
    hosts: list[str] = []
    for host in data:
        msg = ip_address(host)
        if msg:
            return f"'{host}' is not a valid nameserver. {msg}"
        if host in hosts:
            return f"Duplicate nameserver '{host}'"
        hosts.append(host)
    return None


def hostroutes(data: Any, _arg: Any = None) -> str | None:
    if not isinstance(data, list):
        return f"Invalid data format for hostroute: '{data}'"
    seen: list[Any] = []
    for route in data:
        msg = _verify_keys(["destination", "nexthop"], route)
        if msg:
            return msg
        msg = route_cidr(route["destination"]) or ip_address(route["nexthop"])
        if msg:
            return msg
        if route in seen:
            return f"Duplicate hostroute '{route}'"
        seen.append(route)
    return None


def dict_(data: Any, specs: dict[str, dict[str, Any]] | None = None) -> str | None:
    """A dict whose keys follow ``specs`` ({key: {"validator": fn, "arg": x, "required": b,
    "convert": fn}}); converts values in place as upstream does."""
    if not isinstance(data, dict):
        return f"'{data}' is not a dictionary"
    if not specs:
        return None
    required = [k for k, s in specs.items() if s.get("required")]
    if required:
        msg = _verify_keys(required, data, strict=False)
        if msg:
            return msg
    unexpected = [k for k in data if k not in specs]
    if unexpected:
        return "Unexpected keys supplied: {}".format(", ".join(unexpected))
    for key, spec in specs.items():
        if key not in data:
            continue
        if spec.get("convert"):
            data[key] = spec["convert"](data[key])
        check = spec.get("validator")
        if check:
            msg = check(data[key], spec.get("arg"))
            if msg:
                return str(msg)
    return None


def dict_or_none(data: Any, specs: dict[str, dict[str, Any]] | None = None) -> str | None:
    return None if data is None else dict_(data, specs)


def dict_or_nodata(data: Any, specs: dict[str, dict[str, Any]] | None = None) -> str | None:
    return dict_(data, specs) if data else None


def availability_zone_hints(data: Any, _arg: Any = None) -> str | None:
    msg = list_of(lambda v, _a: string(v, 255), data)
    if msg:
        return msg
    if len("".join(data)) > 255:
        return "Too many availability_zone_hints specified"
    return None


def allowed_address_pairs(data: Any, _arg: Any = None) -> str | None:
    """Upstream raises its own errors here rather than returning a reason."""
    if not isinstance(data, list):
        raise http(400, "Allowed address pairs must be a list.")
    if len(data) > MAX_ADDRESS_PAIRS:
        raise neutron("AllowedAddressPairExhausted", quota=MAX_ADDRESS_PAIRS)
    seen: set[tuple[Any, Any]] = set()
    for pair in data:
        msg = dict_(pair)
        if msg:
            return msg
        if "mac_address" in pair:
            msg = mac_address(pair["mac_address"])
            if msg:
                raise http(400, msg)
        if "ip_address" not in pair:
            raise neutron("AllowedAddressPairsMissingIP")
        addr = pair["ip_address"]
        msg = subnet(addr) if "/" in str(addr) else ip_address(addr)
        if msg:
            raise http(400, msg)
        key = (pair.get("mac_address"), addr)
        if key in seen:
            raise neutron("DuplicateAddressPairInRequest", mac_address=key[0], ip_address=key[1])
        seen.add(key)
        unexpected = set(pair) - {"mac_address", "ip_address"}
        if unexpected:
            raise http(400, "Unrecognized attribute(s) '{}'".format(", ".join(unexpected)))
    return None


def dns_name(data: Any, max_len: int = 255) -> str | None:
    msg = string(data, max_len)
    if msg or not data:
        return msg
    labels = data.rstrip(".").split(".")
    for label in labels:
        if not re.fullmatch(r"(?!-)[a-z0-9-]{1,63}(?<!-)", label):
            return f"'{data}' not a valid PQDN or FQDN. Reason: Label '{label}' is invalid"
    return None


def dns_domain(data: Any, max_len: int = 255) -> str | None:
    msg = string(data, max_len)
    if msg or not data:
        return msg
    if not data.endswith("."):
        return f"'{data}' is not a FQDN"
    return dns_name(data, max_len)


def extra_dhcp_opts(data: Any, _arg: Any = None) -> str | None:
    if data is None:
        return None
    if not isinstance(data, list):
        raise invalid_input(f"'{data}' is not a list")
    for opt in data:
        if not isinstance(opt, dict) or "opt_name" not in opt or "opt_value" not in opt:
            raise invalid_input(f"No valid key specs matched for: {opt}")
        if set(opt) - {"opt_name", "opt_value", "ip_version"}:
            raise invalid_input(f"No valid key specs matched for: {opt}")
        if string(opt["opt_name"], 255) or (opt["opt_value"] is not None and string(opt["opt_value"], 255)):
            raise invalid_input(f"No valid key specs matched for: {opt}")
        if "ip_version" in opt and str(opt["ip_version"]) not in ("4", "6"):
            raise invalid_input(f"No valid key specs matched for: {opt}")
    return None


# -- converters --------------------------------------------------------------------


def to_boolean(data: Any) -> bool:
    if isinstance(data, bool):
        return data
    text = str(data).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise invalid_input(f"'{data}' cannot be converted to boolean")


def to_boolean_if_not_none(data: Any) -> bool | None:
    return None if data is None else to_boolean(data)


INT64_MAX = (1 << 63) - 1


def to_int(data: Any) -> int:
    try:
        value = int(data)
    except (ValueError, TypeError):
        raise invalid_input(f"'{data}' is not an integer") from None
    if not -INT64_MAX <= value <= INT64_MAX:
        # the database's integers are 64 bits wide (Neutron's MySQL columns narrower still)
        raise invalid_input(f"'{data}' is out of range")
    return value


def to_int_if_not_none(data: Any) -> int | None:
    return None if data is None else to_int(data)


def none_to_empty_list(value: Any) -> Any:
    return [] if value is None else value


def lower(data: Any) -> Any:
    if data is None:
        return None
    if not isinstance(data, str):
        raise invalid_input(f"The value '{data}' for {data} is not a string")
    return data.lower()


def canonical_ip(value: Any) -> Any:
    """IPv6 addresses in compact form; anything else unchanged."""
    addr = parse_ip(value) if isinstance(value, str) else None
    if addr is not None and addr.version == 6:
        return str(addr)
    return value


def canonical_cidr(value: Any) -> Any:
    if value is None or value is NOT_SPECIFIED:
        return value
    net = parse_net(value)
    if net is None or not isinstance(value, str):
        raise invalid_input(f"{value} is not in a CIDR format")
    addr = value.split("/")[0]
    return f"{canonical_ip(addr)}/{net.prefixlen}"


def canonical_pools(value: Any) -> Any:
    if value is None or value is NOT_SPECIFIED:
        return value
    try:
        return [{k: canonical_ip(v) for k, v in pool.items()} for pool in value]
    except Exception:
        raise invalid_input("Invalid data format for allocation pools") from None


def sanitize_mac(value: Any) -> str | None:
    """``fa:16:3e:00:00:01`` from the spellings netaddr accepts; None if not a MAC."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if re.fullmatch(r"([0-9a-f]{1,2}[:-]){5}[0-9a-f]{1,2}", text):
        parts = re.split(r"[:-]", text)
    elif re.fullmatch(r"([0-9a-f]{4}\.){2}[0-9a-f]{4}", text):
        flat = text.replace(".", "")
        parts = [flat[i : i + 2] for i in range(0, 12, 2)]
    elif re.fullmatch(r"[0-9a-f]{12}", text):
        parts = [text[i : i + 2] for i in range(0, 12, 2)]
    else:
        return None
    return ":".join(p.zfill(2) for p in parts)


def to_mac(value: Any) -> Any:
    mac = sanitize_mac(value)
    return mac if mac is not None else value


def kvp_list_to_dict(items: list[str]) -> dict[str, list[str]]:
    """``["ip_address=1.2.3.4", "subnet_id=x"]`` -> ``{"ip_address": [...], ...}`` (filters)."""
    if items == ["True"]:
        return {}
    out: dict[str, list[str]] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise invalid_input(f"'{item}' is not of the form <key>=[value]")
        if value not in out.setdefault(key, []):
            out[key].append(value)
    return out
