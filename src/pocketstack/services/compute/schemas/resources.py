"""Schemas of a server's sub-resources (metadata, tags, interfaces, volumes, consoles)."""

from __future__ import annotations

from typing import Any

from pocketstack.core.validation import Versioned
from pocketstack.services.compute import validation as p

strict_query = p.obj({})

metadata_create = p.wrapped("metadata", p.metadata)
metadata_item = p.wrapped("meta", {**p.metadata, "minProperties": 1, "maxProperties": 1})

tags_replace = p.obj({"tags": p.tags}, ["tags"])
tag_add: dict[str, Any] = {"type": "null"}

_fixed_ips = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": p.obj(
        {"ip_address": {"type": "string", "oneOf": [{"format": "ipv4"}, {"format": "ipv6"}]}}, ["ip_address"]
    ),
}
_interface_props: dict[str, Any] = {"net_id": p.uuid_string, "port_id": p.uuid_string, "fixed_ips": _fixed_ips}
interface_create = Versioned(
    ("2.1", "2.48", p.obj({"interfaceAttachment": p.obj(_interface_props)})),
    ("2.49", None, p.obj({"interfaceAttachment": p.obj({**_interface_props, "tag": p.tag})})),
)

_device = {"type": ["string", "null"], "pattern": "(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$"}
_attach: dict[str, Any] = {"volumeId": p.uuid_string, "device": _device}
volume_attach = Versioned(
    ("2.1", "2.48", p.wrapped("volumeAttachment", p.obj(_attach, ["volumeId"]))),
    ("2.49", "2.78", p.wrapped("volumeAttachment", p.obj({**_attach, "tag": p.tag}, ["volumeId"]))),
    (
        "2.79",
        None,
        p.wrapped(
            "volumeAttachment", p.obj({**_attach, "tag": p.tag, "delete_on_termination": p.boolean}, ["volumeId"])
        ),
    ),
)
volume_update = Versioned(
    ("2.1", "2.84", p.wrapped("volumeAttachment", p.obj({"volumeId": p.uuid_string}, ["volumeId"]))),
    (
        "2.85",
        None,
        p.wrapped(
            "volumeAttachment",
            p.obj(
                {
                    **_attach,
                    "tag": p.tag,
                    "delete_on_termination": p.boolean,
                    "serverId": p.uuid_string,
                    "id": p.uuid_string,
                },
                ["volumeId"],
            ),
        ),
    ),
)
attachments_query_v275 = p.obj({"limit": p.multi(p.non_negative_integer), "offset": p.multi(p.non_negative_integer)})

_types = ["novnc", "xvpvnc", "rdp-html5", "spice-html5", "serial", "webmks", "spice-direct"]


def _console(protocols: list[str], types: list[str]) -> dict[str, Any]:
    return p.wrapped(
        "remote_console",
        p.obj(
            {"protocol": {"type": "string", "enum": protocols}, "type": {"type": "string", "enum": types}},
            ["protocol", "type"],
        ),
    )


remote_console = Versioned(
    ("2.6", "2.7", _console(["vnc", "spice", "rdp", "serial"], _types[:5])),
    ("2.8", "2.98", _console(["vnc", "spice", "rdp", "serial", "mks"], _types[:6])),
    ("2.99", None, _console(["vnc", "spice", "rdp", "serial", "mks"], _types)),
)

_changes = {
    "changes-since": p.multi({"type": "string", "format": "date-time"}),
    "limit": p.multi(p.non_negative_integer),
    "marker": p.multi({"type": "string"}),
}
actions_query_v258 = p.obj(_changes, additional=True)
actions_query_v266 = p.obj({**_changes, "changes-before": p.multi({"type": "string", "format": "date-time"})})
