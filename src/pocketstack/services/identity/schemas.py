"""Request body schemas of the identity API, composed from shared parts."""

from __future__ import annotations

from typing import Any

from pocketstack.core.validation import nullable, obj, string, wrapped

# -- parts ---------------------------------------------------------------------------

# Keystone's booleans are JSON booleans only ("True" is a 400, as tempest checks).
boolean: dict[str, Any] = {"type": "boolean"}
name = string(1, 255, pattern=r"[\S]+")
project_name = string(1, 64, pattern=r"[\S]+")
description = nullable(string(0, 255))
long_description = nullable(string(0, None))
id_string = string(1, 64, pattern=r"^[a-zA-Z0-9-]+$")
tag = string(1, 255, pattern=r"^[^,/]*$")
tags = {"type": "array", "items": tag, "maxItems": 80, "uniqueItems": True}
options = {"type": "object"}
id_or_name = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
    "anyOf": [{"required": ["id"]}, {"required": ["name"]}],
}
url = string(0, 225, pattern="^[a-zA-Z0-9+.-]+:.+")

# -- auth -------------------------------------------------------------------------------

_user_ref = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "password": {"type": "string"},
        "domain": id_or_name,
    },
}
_scope = {
    "type": ["object", "string"],
    "properties": {
        "project": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "domain": id_or_name},
            "anyOf": [{"required": ["id"]}, {"required": ["name"]}],
        },
        "domain": id_or_name,
        "OS-TRUST:trust": {"type": "object", "properties": {"id": {"type": "string"}}},
        "system": {"type": "object", "properties": {"all": boolean}},
    },
}
token_issue = wrapped(
    "auth",
    obj(
        {
            "identity": obj(
                {
                    "methods": {"type": "array", "items": {"type": "string"}},
                    "password": obj({"user": _user_ref}),
                    "token": obj({"id": {"type": "string"}}, required=["id"]),
                    "application_credential": obj(
                        {
                            "id": {"type": "string"},
                            "name": {"type": "string"},
                            "secret": {"type": "string"},
                            "user": _user_ref,
                        },
                        required=["secret"],
                    ),
                },
                required=["methods"],
            ),
            "scope": _scope,
        },
        required=["identity"],
    ),
)

# -- domains and projects --------------------------------------------------------------

_domain_props = {
    "name": project_name,
    "description": description,
    "enabled": boolean,
    "tags": tags,
    "options": options,
    "explicit_domain_id": id_string,
}
domain_create = wrapped("domain", obj(_domain_props, required=["name"]))
domain_update = wrapped("domain", obj(_domain_props, minProperties=1))

_project_props = {
    "name": project_name,
    "description": description,
    "domain_id": nullable(id_string),
    "parent_id": nullable(id_string),
    "enabled": boolean,
    "is_domain": boolean,
    "tags": tags,
    "options": options,
}
project_create = wrapped("project", obj(_project_props, required=["name"]))
project_update = wrapped("project", obj(_project_props, minProperties=1))
project_tags = obj({"tags": tags}, required=["tags"])

# -- users and groups --------------------------------------------------------------------

_user_props = {
    "name": name,
    "domain_id": id_string,
    "default_project_id": nullable({"type": "string"}),
    "description": long_description,
    "enabled": boolean,
    "password": nullable({"type": "string"}),
    "options": options,
}
user_create = wrapped("user", obj(_user_props, required=["name"]))
user_update = wrapped("user", obj(_user_props, minProperties=1))
password_change = wrapped(
    "user",
    obj(
        {"password": {"type": "string"}, "original_password": {"type": "string"}},
        required=["password", "original_password"],
    ),
)

_group_props = {"name": name, "domain_id": id_string, "description": long_description}
group_create = wrapped("group", obj(_group_props, required=["name"]))
group_update = wrapped("group", obj(_group_props, minProperties=1))

# -- roles -----------------------------------------------------------------------------------

_role_props = {"name": name, "domain_id": nullable(id_string), "description": description, "options": options}
role_create = wrapped("role", obj(_role_props, required=["name"]))
role_update = wrapped("role", obj(_role_props, minProperties=1))

# -- catalog ---------------------------------------------------------------------------------

_region_props = {
    "id": string(1, 255),
    "description": nullable(string(0, 255)),
    "parent_region_id": nullable(string(1, 255)),
}
region_create = wrapped("region", obj(_region_props))
region_update = wrapped("region", obj(_region_props, minProperties=1))

_service_props = {
    "type": string(1, 255),
    "name": nullable(string(0, 255)),
    "description": long_description,
    "enabled": boolean,
}
service_create = wrapped("service", obj(_service_props, required=["type"]))
service_update = wrapped("service", obj(_service_props, minProperties=1))

_endpoint_props = {
    "service_id": string(1, 64),
    "interface": {"type": "string", "enum": ["public", "internal", "admin"]},
    "url": url,
    "region_id": nullable(string(1, 255)),
    "region": nullable(string(1, 255)),
    "enabled": boolean,
}
endpoint_create = wrapped("endpoint", obj(_endpoint_props, required=["service_id", "interface", "url"]))
endpoint_update = wrapped("endpoint", obj(_endpoint_props, minProperties=1))

# -- application credentials ---------------------------------------------------------------------

_access_rule = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "path": string(0, 225),
        "method": {"type": "string", "enum": ["POST", "GET", "HEAD", "PATCH", "PUT", "DELETE"]},
        "service": string(1, 64),
    },
    "anyOf": [{"required": ["id"]}, {"required": ["path", "method", "service"]}],
    "additionalProperties": False,
}
app_cred_create = wrapped(
    "application_credential",
    obj(
        {
            "name": name,
            "description": description,
            "secret": nullable(string(1, None)),
            "expires_at": nullable({"type": "string"}),
            "roles": {"type": "array", "items": id_or_name},
            "unrestricted": boolean,
            "access_rules": {"type": "array", "items": _access_rule},
        },
        required=["name"],
        additional=False,
    ),
)

# -- credentials ---------------------------------------------------------------------------------

_credential_props = {
    "blob": {"type": "string"},
    "project_id": {"type": ["string", "null"]},
    "type": {"type": "string"},
    "user_id": {"type": "string"},
}
credential_create = wrapped(
    "credential",
    obj(
        {"id": {"type": "string"}, **_credential_props},
        required=["blob", "type", "user_id"],
    )
    # an ec2 credential must name its project
    | {"if": {"properties": {"type": {"const": "ec2"}}}, "then": {"required": ["project_id"]}},
)
credential_update = wrapped("credential", obj(_credential_props, minProperties=1))
ec2_create = {"type": "object", "properties": {"tenant_id": {"type": ["string", "null"]}}}

# -- policies (the blob store) -------------------------------------------------------------------

_policy_props = {"blob": {"type": "string"}, "type": {"type": "string", "maxLength": 255}}
policy_create = wrapped("policy", obj(_policy_props, required=["blob", "type"]))
policy_update = wrapped("policy", obj(_policy_props, minProperties=1))

# -- OS-EP-FILTER ----------------------------------------------------------------------------------

_endpoint_group_props = {
    "description": nullable({"type": "string"}),
    "filters": obj(
        {
            "interface": {"type": "string", "enum": ["admin", "internal", "public"]},
            "service_id": {"type": "string"},
            "region_id": {"type": ["string", "null"]},
            "enabled": {"type": "boolean"},
        }
    ),
    "name": name,
}
endpoint_group_create = wrapped(
    "endpoint_group", obj(_endpoint_group_props, required=["name", "filters"], additional=False)
)
endpoint_group_update = wrapped("endpoint_group", obj(_endpoint_group_props, minProperties=1, additional=False))

# -- OS-TRUST --------------------------------------------------------------------------------------

trust_create = wrapped(
    "trust",
    obj(
        {
            "trustor_user_id": {"type": "string"},
            "trustee_user_id": {"type": "string"},
            "impersonation": {"type": "boolean"},
            "project_id": {"type": ["string", "null"]},
            "remaining_uses": {"type": ["integer", "null"], "minimum": 1},
            "expires_at": {"type": ["null", "string"]},
            "allow_redelegation": {"type": ["boolean", "null"]},
            "redelegation_count": {"type": ["integer", "null"], "minimum": 0},
            "roles": {
                "type": "array",
                "items": obj({"id": id_string, "name": name}, additional=False, minProperties=1, maxProperties=1),
            },
        },
        required=["trustor_user_id", "trustee_user_id", "impersonation"],
    ),
)

# -- unified limits ----------------------------------------------------------------------------------

_limit_value = {"type": "integer", "minimum": -1, "maximum": 0x7FFFFFFF}
_region_id = {"type": ["string", "null"], "minLength": 1, "maxLength": 255}
_service_id = {"type": "string", "format": "uuid"}
_registered_limit_props = {
    "service_id": _service_id,
    "region_id": _region_id,
    "resource_name": name,
    "default_limit": _limit_value,
    "description": nullable({"type": "string"}),
}
registered_limits_create = obj(
    {
        "registered_limits": {
            "type": "array",
            "minItems": 1,
            "items": obj(
                _registered_limit_props, required=["service_id", "resource_name", "default_limit"], additional=False
            ),
        }
    },
    required=["registered_limits"],
    additional=False,
)
registered_limit_update = wrapped("registered_limit", obj(_registered_limit_props, additional=False))
_limit_props = {
    "project_id": nullable(id_string),
    "domain_id": nullable(id_string),
    "service_id": _service_id,
    "region_id": _region_id,
    "resource_name": name,
    "resource_limit": _limit_value,
    "description": nullable({"type": "string"}),
}
limits_create = obj(
    {
        "limits": {
            "type": "array",
            "minItems": 1,
            "items": obj(
                _limit_props,
                required=["service_id", "resource_name", "resource_limit"],
                additional=False,
                oneOf=[{"required": ["domain_id"]}, {"required": ["project_id"]}],
            ),
        }
    },
    required=["limits"],
    additional=False,
)
limit_update = wrapped(
    "limit",
    obj({"resource_limit": _limit_value, "description": nullable({"type": "string"})}, additional=False),
)
