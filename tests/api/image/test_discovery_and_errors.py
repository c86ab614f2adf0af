"""Version discovery, schemas, and Glance's error bodies (WebOb's, by ``Accept``)."""

from __future__ import annotations

import uuid

import httpx

from tests.api.image.util import Glance
from tests.server import Server


def test_version_discovery(server: Server) -> None:
    r = httpx.get(f"{server.url}/image/")
    assert r.status_code == 300
    versions = r.json()["versions"]
    current = [v for v in versions if v["status"] == "CURRENT"]
    assert len(current) == 1
    assert {"v2.0", "v2.6", "v2.7"} <= {v["id"] for v in versions}
    assert all(v["links"] == [{"rel": "self", "href": f"{server.url}/image/v2/"}] for v in versions)
    r = httpx.get(f"{server.url}/image/versions")
    assert r.status_code == 200 and r.json()["versions"] == versions


def test_schemas_need_a_token_and_match_glance(server: Server, member_token: str) -> None:
    r = httpx.get(f"{server.url}/image/v2/schemas/image")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == 401
    assert r.headers["WWW-Authenticate"].startswith("Keystone uri=")
    g = Glance(server, member_token)
    image = g.get("/v2/schemas/image").json()
    assert image["name"] == "image"
    assert image["additionalProperties"] == {"type": "string"}
    assert [link["rel"] for link in image["links"]] == ["self", "enclosure", "describedby"]
    assert image["properties"]["kernel_id"]["is_base"] is False
    assert None in image["properties"]["disk_format"]["enum"]
    images = g.get("/v2/schemas/images").json()
    assert images["properties"]["images"]["items"] == image
    assert g.get("/v2/schemas/member").json()["name"] == "member"
    assert g.get("/v2/schemas/members").json()["properties"]["members"]["items"]["name"] == "member"


def test_info_import_and_stores(server: Server, member_token: str) -> None:
    g = Glance(server, member_token)
    body = g.get("/v2/info/import").json()
    assert body == {
        "import-methods": {
            "description": "Import methods available.",
            "type": "array",
            "value": ["glance-direct", "web-download"],
        }
    }
    r = g.get("/v2/info/stores")
    assert r.status_code == 404
    assert "Multi backend is not supported at this site." in r.json()["message"]


def test_error_body_follows_accept(server: Server, member_token: str) -> None:
    missing = str(uuid.uuid4())
    path = f"/v2/images/{missing}"
    g = Glance(server, member_token)
    r = g.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {
        "message": f"No image found with ID {missing}<br /><br />\n\n\n",
        "code": "404 Not Found",
        "title": "Not Found",
    }
    r = g.get(path, headers={"Accept": "*/*"})
    assert r.headers["content-type"] == "text/html; charset=UTF-8"
    assert r.text.startswith("<html>\n <head>\n  <title>404 Not Found</title>")
    assert f"No image found with ID {missing}<br /><br />" in r.text
    r = httpx.get(f"{server.url}/image{path}", headers={"X-Auth-Token": member_token, "Accept": "text/plain"})
    assert r.headers["content-type"] == "text/plain; charset=UTF-8"
    assert r.text == f"404 Not Found\n\nNo image found with ID {missing}\n\n   "
    # every request carries a request id
    assert r.headers["x-openstack-request-id"].startswith("req-")


def test_unknown_paths_methods_and_trailing_slashes(server: Server, member_token: str) -> None:
    g = Glance(server, member_token)
    assert g.get("/v2/nothing-here").status_code == 404
    r = g.request("PUT", "/v2/images")
    assert r.status_code == 405
    assert r.json()["message"].startswith("The method PUT is not allowed for this resource.")
    assert set(r.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    # Glance's router matches exactly: a trailing slash is another (missing) resource
    assert g.get("/v2/images/").status_code == 404
    assert g.request("DELETE", "/v2/images/").status_code == 404


def test_policy_refusal_message(server: Server, member_token: str) -> None:
    r = Glance(server, member_token).request("POST", "/v2/images", json={"visibility": "public"})
    assert r.status_code == 403
    assert r.json()["message"].startswith("You are not authorized to complete publicize_image action.")
