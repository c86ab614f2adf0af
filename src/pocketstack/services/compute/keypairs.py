"""Keypairs: per user, generated (private key returned once) or imported; ssh or x509."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pocketstack.core import timeutils
from pocketstack.core.db import Database
from pocketstack.core.errors import BadRequest, Conflict, Forbidden
from pocketstack.services.compute import errors, quotas
from pocketstack.services.compute.models import keypairs


def _invalid(reason: str) -> BadRequest:
    return BadRequest(f"Keypair data is invalid: {reason}", kind="InvalidKeypair")


def _colons(hexdigest: str) -> str:
    return ":".join(hexdigest[i : i + 2] for i in range(0, len(hexdigest), 2))


def ssh_fingerprint(public_key: str) -> str:
    """MD5 of the key blob, colon separated (what Nova computes)."""
    from cryptography.hazmat.primitives import serialization

    try:
        serialization.load_ssh_public_key(public_key.encode())
        blob = base64.b64decode(public_key.split(" ")[1])
    except Exception:
        raise _invalid("failed to generate fingerprint") from None
    return _colons(hashlib.md5(blob, usedforsecurity=False).hexdigest())


def x509_fingerprint(pem: str) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    try:
        cert = x509.load_pem_x509_certificate(pem.encode())
        return _colons(binascii.hexlify(cert.fingerprint(hashes.SHA1())).decode())
    except (ValueError, TypeError, binascii.Error) as exc:
        raise _invalid(f"failed to generate X509 fingerprint. Error message: {exc}") from None


def generate_ssh() -> tuple[str, str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    blob = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    public = f"{blob} Generated-by-Nova"
    return private, public, ssh_fingerprint(public)


def generate_x509(user_id: str) -> tuple[str, str, str]:
    """A self-signed client certificate for WinRM, as Nova makes: (pkcs12 b64, cert, fp)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user_id)])
    now = timeutils.utcnow()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.OtherName(x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3"), _utf8_der(f"{user_id}@localhost"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    bundle = pkcs12.serialize_key_and_certificates(None, key, cert, None, serialization.NoEncryption())
    return base64.b64encode(bundle).decode(), pem, x509_fingerprint(pem)


def _utf8_der(text: str) -> bytes:
    data = text.encode()
    return bytes([0x0C, len(data)]) + data


class Keypairs:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _row(self, conn: Connection, user_id: str, name: str) -> dict[str, Any]:
        row = conn.execute(sa.select(keypairs).where(keypairs.c.user_id == user_id, keypairs.c.name == name)).first()
        if row is None:
            raise errors.keypair_not_found(name, user_id)
        return dict(row._mapping)

    def get(self, user_id: str, name: str) -> dict[str, Any]:
        with self.db.read() as conn:
            return self._row(conn, user_id, name)

    def index(self, user_id: str, limit: int | None = None, marker: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(keypairs).where(keypairs.c.user_id == user_id)
        with self.db.read() as conn:
            if marker is not None:
                if (
                    conn.execute(
                        sa.select(keypairs.c.id).where(keypairs.c.user_id == user_id, keypairs.c.name == marker)
                    ).first()
                    is None
                ):
                    raise BadRequest(f"Marker {marker} could not be found.", kind="MarkerNotFound")
                query = query.where(keypairs.c.name > marker)
            query = query.order_by(keypairs.c.name.asc())
            if limit is not None:
                query = query.limit(limit)
            return [dict(r._mapping) for r in conn.execute(query)]

    def create(
        self, *, user_id: str, project_id: str | None, name: str, key_type: str, public_key: str | None
    ) -> dict[str, Any]:
        """Import ``public_key`` or generate a pair; the result carries ``private_key`` once."""
        private_key = None
        if public_key is not None:
            fingerprint = ssh_fingerprint(public_key) if key_type == "ssh" else x509_fingerprint(public_key)
        elif key_type == "ssh":
            private_key, public_key, fingerprint = generate_ssh()
        else:
            private_key, public_key, fingerprint = generate_x509(user_id)
        with self.db.write() as conn:
            limit = quotas.limits(conn, project_id).get("key_pairs", -1) if project_id else -1
            if limit != -1 and quotas.keypair_count(conn, user_id) + 1 > limit:
                raise Forbidden("Quota exceeded, too many key pairs.", kind="KeypairLimitExceeded")
            exists = conn.execute(
                sa.select(keypairs.c.id).where(keypairs.c.user_id == user_id, keypairs.c.name == name)
            ).first()
            if exists:
                raise Conflict(f"Key pair '{name}' already exists.", kind="KeyPairExists")
            conn.execute(
                keypairs.insert().values(
                    user_id=user_id,
                    name=name,
                    type=key_type,
                    fingerprint=fingerprint,
                    public_key=public_key,
                    created_at=timeutils.utcnow(),
                )
            )
            row = self._row(conn, user_id, name)
        row["private_key"] = private_key
        return row

    def delete(self, user_id: str, name: str) -> None:
        with self.db.write() as conn:
            self._row(conn, user_id, name)
            conn.execute(keypairs.delete().where(keypairs.c.user_id == user_id, keypairs.c.name == name))
