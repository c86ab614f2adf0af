"""The image API's route table (Glance v2), under the ``/image`` prefix."""

from __future__ import annotations

from typing import Any

from pocketstack.core.api import NO_BODY, RAW_BODY, ApiRequest, Handler, Route
from pocketstack.services.image import errors
from pocketstack.services.image.api import data, discovery, images, members
from pocketstack.services.image.metadefs import api as md


def _exact(handler: Handler) -> Handler:
    """Glance's router matches paths exactly: ``/v2/images/`` is not ``/v2/images`` (404)."""

    def run(req: ApiRequest) -> Any:
        if len(req.raw_path) > 1 and req.raw_path.endswith("/"):
            raise errors.not_found()
        return handler(req)

    run.__name__ = run.__qualname__ = getattr(handler, "__name__", "handler")
    run.__doc__ = handler.__doc__
    return run


def R(method: str, path: str, handler: Handler, **kw: Any) -> Route:
    return Route(method, path, handler if path in ("/", "/versions") else _exact(handler), **kw)


# Glance reads these bodies itself (its deserializers have their own messages and order).
ANY_JSON: dict[str, object] = {}
IMAGE = "/v2/images/{image_id}"
NS = "/v2/metadefs/namespaces/{namespace}"

ROUTES: list[Route] = [
    # discovery
    R("GET", "/", discovery.versions, auth=False, microversioned=False),
    R("GET", "/versions", discovery.versions_explicit, auth=False, microversioned=False),
    # schemas and info
    R("GET", "/v2/schemas/image", discovery.image_schema),
    R("GET", "/v2/schemas/images", discovery.images_schema),
    R("GET", "/v2/schemas/member", discovery.member_schema),
    R("GET", "/v2/schemas/members", discovery.members_schema),
    R("GET", "/v2/info/import", discovery.import_info),
    R("GET", "/v2/info/stores", discovery.stores_info),
    # images
    R("GET", "/v2/images", images.list_images),
    R("POST", "/v2/images", images.create_image, body=ANY_JSON),
    R("GET", IMAGE, images.get_image),
    R("PATCH", IMAGE, images.update_image, body=RAW_BODY),
    R("DELETE", IMAGE, images.delete_image),
    R("GET", IMAGE + "/tasks", images.image_tasks),
    R("POST", IMAGE + "/actions/deactivate", images.deactivate, body=NO_BODY),
    R("POST", IMAGE + "/actions/reactivate", images.reactivate, body=NO_BODY),
    R("PUT", IMAGE + "/tags/{tag_value}", images.add_tag, body=NO_BODY),
    R("DELETE", IMAGE + "/tags/{tag_value}", images.delete_tag),
    # data
    R("GET", IMAGE + "/file", data.download),
    R("PUT", IMAGE + "/file", data.upload, body=RAW_BODY),
    R("PUT", IMAGE + "/stage", data.stage, body=RAW_BODY),
    R("POST", IMAGE + "/import", data.import_image, body=ANY_JSON),
    # members
    R("GET", IMAGE + "/members", members.list_members),
    R("POST", IMAGE + "/members", members.create_member, body=ANY_JSON),
    R("GET", IMAGE + "/members/{member_id}", members.get_member),
    R("PUT", IMAGE + "/members/{member_id}", members.update_member, body=ANY_JSON),
    R("DELETE", IMAGE + "/members/{member_id}", members.delete_member),
    # metadata definitions
    *(R("GET", f"/v2/schemas/metadefs/{n}", md.schema_handler(n)) for n in md.schemas.DOCUMENTS),
    R("GET", "/v2/metadefs/resource_types", md.list_resource_types),
    R("GET", "/v2/metadefs/namespaces", md.list_namespaces),
    R("POST", "/v2/metadefs/namespaces", md.create_namespace, body=ANY_JSON),
    R("GET", NS, md.get_namespace),
    R("PUT", NS, md.update_namespace, body=ANY_JSON),
    R("DELETE", NS, md.delete_namespace),
    R("GET", NS + "/resource_types", md.list_associations),
    R("POST", NS + "/resource_types", md.create_association, body=ANY_JSON),
    R("DELETE", NS + "/resource_types/{resource_type}", md.delete_association),
    R("GET", NS + "/objects", md.list_objects),
    R("POST", NS + "/objects", md.create_object, body=ANY_JSON),
    R("DELETE", NS + "/objects", md.delete_namespace_objects),
    R("GET", NS + "/objects/{object_name}", md.get_object),
    R("PUT", NS + "/objects/{object_name}", md.update_object, body=ANY_JSON),
    R("DELETE", NS + "/objects/{object_name}", md.delete_object),
    R("GET", NS + "/properties", md.list_properties),
    R("POST", NS + "/properties", md.create_property, body=ANY_JSON),
    R("DELETE", NS + "/properties", md.delete_namespace_properties),
    R("GET", NS + "/properties/{property_name}", md.get_property),
    R("PUT", NS + "/properties/{property_name}", md.update_property, body=ANY_JSON),
    R("DELETE", NS + "/properties/{property_name}", md.delete_property),
    R("GET", NS + "/tags", md.list_tags),
    R("POST", NS + "/tags", md.create_tags, body=ANY_JSON),
    R("DELETE", NS + "/tags", md.delete_namespace_tags),
    R("GET", NS + "/tags/{tag_name}", md.get_tag),
    R("POST", NS + "/tags/{tag_name}", md.create_tag, body=NO_BODY),
    R("PUT", NS + "/tags/{tag_name}", md.update_tag, body=ANY_JSON),
    R("DELETE", NS + "/tags/{tag_name}", md.delete_tag),
]
