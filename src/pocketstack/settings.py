"""Configuration: defaults < ``pocketstack.toml`` < ``POCKETSTACK_*`` env vars < CLI options.

Top-level options map to ``POCKETSTACK_<NAME>`` (``POCKETSTACK_PORT``); options in a
section map to ``POCKETSTACK_<SECTION>__<NAME>`` (``POCKETSTACK_IDENTITY__TOKEN_EXPIRATION``).
The file is ``<data_dir>/pocketstack.toml`` unless ``--config``/``POCKETSTACK_CONFIG`` names one.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_PREFIX = "POCKETSTACK_"
DEFAULT_ADMIN_PASSWORD = "secret"


def _default_data_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "pocketstack")


@dataclass
class SecurityCompliance:
    """Keystone's ``[security_compliance]`` options (all off by default, as upstream)."""

    lockout_failure_attempts: int | None = None
    lockout_duration: int = 1800
    unique_last_password_count: int = 0
    minimum_password_age: int = 0
    password_expires_days: int | None = None
    password_regex: str | None = None
    password_regex_description: str | None = None
    change_password_upon_first_use: bool = False
    disable_user_account_days_inactive: int | None = None


@dataclass
class IdentitySettings:
    token_expiration: int = 3600
    # bcrypt cost; Keystone's default is 12.  Tests and benchmarks lower it and say so.
    password_hash_rounds: int = 12
    max_password_length: int = 4096
    list_limit: int | None = None
    allow_expired_window: int = 48 * 3600
    security_compliance: SecurityCompliance = field(default_factory=SecurityCompliance)


@dataclass
class ComputeSettings:
    # How simulated servers move between states: "instant", "delay" or "manual".
    build_mode: str = "instant"
    build_delay: float = 1.0
    hosts: int = 3
    host_vcpus: int = 64
    host_ram_mb: int = 262144
    host_disk_gb: int = 4096


@dataclass
class VolumeSettings:
    build_mode: str = "instant"
    build_delay: float = 1.0
    backend_capacity_gb: int = 10000
    # simulated LVM backends lvmdriver-1 … lvmdriver-N (DevStack's multi-backend when > 1)
    backends: int = 1
    # DevStack's ENABLE_VOLUME_MULTIATTACH: bootstrap creates the "multiattach" volume type
    multiattach: bool = True


@dataclass
class NetworkSettings:
    # Whether bootstrap creates DevStack's public/private networks and router.
    bootstrap_networks: bool = True


@dataclass
class ImageSettings:
    # Glance's image_size_cap: uploads larger than this are refused (413).
    max_image_size: int = 1 << 40
    # Glance's image_member_quota, image_tag_quota, image_property_quota (-1: unlimited).
    member_quota: int = 128
    tag_quota: int = 128
    property_quota: int = 128
    # Glance's limit_param_default and api_limit_max for image lists.
    limit_param_default: int = 25
    api_limit_max: int = 1000
    # Glance's [image_format] require_image_format_match: uploads must match disk_format.
    require_image_format_match: bool = True
    # Whether bootstrap creates DevStack's cirros image.
    bootstrap_image: bool = True
    # Glance's [import_filtering_opts] allowed_ports for web-download imports ("": any port).
    web_download_allowed_ports: str = "80,443"


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 5000
    data_dir: str = field(default_factory=_default_data_dir)
    admin_password: str | None = None
    # The address clients use to reach us (catalog URLs); defaults to the bound address.
    public_url: str | None = None
    region: str = "RegionOne"
    database_url: str | None = None
    log_level: str = "INFO"
    max_request_body_size: int = 114688
    identity: IdentitySettings = field(default_factory=IdentitySettings)
    compute: ComputeSettings = field(default_factory=ComputeSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    volume: VolumeSettings = field(default_factory=VolumeSettings)
    image: ImageSettings = field(default_factory=ImageSettings)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def effective_admin_password(self) -> str:
        return self.admin_password if self.admin_password is not None else DEFAULT_ADMIN_PASSWORD

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_path / 'pocketstack.db'}"


class SettingsError(ValueError):
    pass


def _coerce(value: Any, annotation: Any, name: str) -> Any:
    """Turn a TOML or env value into the annotated type (``int | None`` etc.)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if value is None or (isinstance(value, str) and value.lower() in ("", "none", "null")):
            return None
        return _coerce(value, args[0], name)
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on"):
            return True
        if isinstance(value, str) and value.lower() in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{name}: expected a boolean, got {value!r}")
    if annotation in (int, float, str):
        try:
            return annotation(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{name}: expected {annotation.__name__}, got {value!r}") from None
    return value


def _apply(target: Any, values: dict[str, Any], prefix: str) -> None:
    hints = typing.get_type_hints(type(target))
    known = {f.name: f for f in dataclasses.fields(target)}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"unknown option {prefix}{key}")
        hint = hints[key]
        current = getattr(target, key)
        if dataclasses.is_dataclass(current):
            if not isinstance(value, dict):
                raise SettingsError(f"{prefix}{key} must be a table")
            _apply(current, value, f"{prefix}{key}.")
        else:
            setattr(target, key, _coerce(value, hint, prefix + key))


def _env_values(target: Any, env: dict[str, str], prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(target):
        current = getattr(target, f.name)
        if dataclasses.is_dataclass(current):
            nested = _env_values(current, env, f"{prefix}{f.name.upper()}__")
            if nested:
                out[f.name] = nested
        elif prefix + f.name.upper() in env:
            out[f.name] = env[prefix + f.name.upper()]
    return out


def load_settings(
    overrides: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    config_file: str | None = None,
) -> Settings:
    """Build settings from defaults, the config file, the environment and ``overrides``."""
    env = dict(os.environ if env is None else env)
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    settings = Settings()
    from_env = _env_values(settings, env, ENV_PREFIX)
    # The data dir decides where the default config file lives, so settle it first.
    data_dir = overrides.get("data_dir") or from_env.get("data_dir")
    if data_dir:
        settings.data_dir = str(data_dir)
    path = config_file or env.get(ENV_PREFIX + "CONFIG")
    candidate = Path(path) if path else settings.data_path / "pocketstack.toml"
    if candidate.exists():
        with candidate.open("rb") as fh:
            try:
                _apply(settings, tomllib.load(fh), "")
            except tomllib.TOMLDecodeError as exc:
                raise SettingsError(f"{candidate}: {exc}") from None
    elif path:
        raise SettingsError(f"config file {path} does not exist")
    _apply(settings, from_env, "")
    _apply(settings, overrides, "")
    return settings


def is_loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")
