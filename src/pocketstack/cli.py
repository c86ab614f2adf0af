"""``pocketstack`` command line."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any

from pocketstack import __version__
from pocketstack.settings import Settings, SettingsError, is_loopback, load_settings

CLOUD_USERS = {
    # cloud name suffix -> (user, project or None for system scope)
    "-admin": ("admin", "admin"),
    "": ("demo", "demo"),
    "-alt": ("alt_demo", "alt_demo"),
    "-system-admin": ("admin", None),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pocketstack",
        description="A whole OpenStack cloud's API (Keystone, Nova, Neutron, Cinder, Glance) in one process.",
    )
    parser.add_argument("--version", action="version", version=f"pocketstack {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve",
        help="start the cloud",
        description=(
            "Start every service on one port. Keystone answers at /v3 (auth URL "
            "http://HOST:PORT/v3); compute, networking, volume and image live under "
            "/compute, /networking, /volume and /image. Each option can also be set "
            "with an environment variable (POCKETSTACK_HOST, …) or in "
            "<data-dir>/pocketstack.toml."
        ),
    )
    serve.add_argument("--host", help="address to bind (default 127.0.0.1; env POCKETSTACK_HOST)")
    serve.add_argument("--port", type=int, help="port to bind, 0 for any free one (default 5000; env POCKETSTACK_PORT)")
    serve.add_argument(
        "--data-dir", help="where state lives (default ~/.local/share/pocketstack; env POCKETSTACK_DATA_DIR)"
    )
    serve.add_argument(
        "--admin-password",
        help="password of the admin, demo and alt_demo users (default 'secret', loopback only; "
        "env POCKETSTACK_ADMIN_PASSWORD)",
    )
    serve.add_argument(
        "--public-url", help="URL clients use to reach this cloud, for the catalog (env POCKETSTACK_PUBLIC_URL)"
    )
    serve.add_argument(
        "--config", help="configuration file (default <data-dir>/pocketstack.toml; env POCKETSTACK_CONFIG)"
    )
    serve.add_argument("--log-level", help="DEBUG, INFO, WARNING (default INFO; env POCKETSTACK_LOG_LEVEL)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "data_dir": args.data_dir,
        "admin_password": args.admin_password,
        "public_url": args.public_url,
        "log_level": args.log_level,
    }
    return load_settings(overrides, config_file=args.config)


def clouds_yaml(settings: Settings, auth_url: str) -> dict[str, Any]:
    clouds: dict[str, Any] = {}
    for prefix in ("pocketstack", "devstack"):
        for suffix, (user, project) in CLOUD_USERS.items():
            auth: dict[str, Any] = {
                "auth_url": auth_url,
                "username": user,
                "password": settings.effective_admin_password,
                "user_domain_id": "default",
            }
            if project is None:
                auth["system_scope"] = "all"
            else:
                auth["project_name"] = project
                auth["project_domain_id"] = "default"
            clouds[prefix + suffix] = {
                "auth": auth,
                "region_name": settings.region,
                "identity_api_version": 3,
                "interface": "public",
            }
    return {"clouds": clouds}


def write_clouds_yaml(settings: Settings, auth_url: str) -> Path:
    import yaml

    path = settings.data_path / "clouds.yaml"
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(yaml.safe_dump(clouds_yaml(settings, auth_url), sort_keys=False))
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return path


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose
    # protocol says TCP, and without it every response waits out a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(settings: Settings) -> int:
    started = time.perf_counter()
    logging.basicConfig(
        level=getattr(logging, settings.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    log = logging.getLogger("pocketstack")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if not is_loopback(settings.host) and settings.admin_password is None:
        print(
            f"pocketstack: refusing to listen on {settings.host} with the default admin password; "
            "give one with --admin-password or POCKETSTACK_ADMIN_PASSWORD",
            file=sys.stderr,
        )
        return 2
    try:
        sock = _bind(settings.host, settings.port)
    except OSError as exc:
        print(f"pocketstack: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]

    import uvicorn

    from pocketstack.app import bootstrap, create_app, create_cloud

    cloud = create_cloud(settings)
    cloud.bind(settings.host, port)
    bootstrap(cloud)
    app = create_app(cloud)
    auth_url = f"{cloud.base_url}/v3"
    path = write_clouds_yaml(settings, auth_url)
    print(f"pocketstack {__version__}: serving on {cloud.base_url} (auth URL {auth_url})", flush=True)
    print(f"clouds.yaml: {path}", flush=True)
    print(f"try: OS_CLIENT_CONFIG_FILE={path} OS_CLOUD=pocketstack-admin openstack token issue", flush=True)
    log.info("ready in %.2fs", time.perf_counter() - started)

    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
        http="h11" if os.environ.get("POCKETSTACK_HTTP") == "h11" else "auto",
    )
    server = uvicorn.Server(config)

    def _stop(*_: Any) -> None:
        server.should_exit = True

    signal.signal(signal.SIGTERM, _stop)
    server.run(sockets=[sock])
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
    except SettingsError as exc:
        print(f"pocketstack: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        return serve(settings)
    return 2


if __name__ == "__main__":
    sys.exit(main())
