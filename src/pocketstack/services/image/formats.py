"""Disk image format detection, as Glance inspects uploads (``require_image_format_match``).

Glance looks at the data of every ``bare`` upload, refuses data whose format does not
match the image's ``disk_format`` (raw data passes for formats it cannot inspect, and
``raw`` accepts anything), runs safety checks (a qcow2 with a backing or external data
file is refused) and records the ``virtual_size``.  Only the first bytes are needed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEAD_BYTES = 64 * 1024  # enough for every signature below (ISO's is at 32 KiB)
INSPECTABLE = frozenset(("raw", "qcow2", "vhd", "vhdx", "vmdk", "vdi", "iso", "gpt", "luks"))


class FormatError(Exception):
    """The data does not match the disk format, or fails a safety check."""


@dataclass(frozen=True)
class Detected:
    format: str
    virtual_size: int | None
    unsafe: str | None = None  # the failed safety check, if any


def _u32be(buf: bytes, off: int) -> int:
    return int(struct.unpack_from(">I", buf, off)[0])


def _u64be(buf: bytes, off: int) -> int:
    return int(struct.unpack_from(">Q", buf, off)[0])


def _u64le(buf: bytes, off: int) -> int:
    return int(struct.unpack_from("<Q", buf, off)[0])


def _qcow2(head: bytes) -> Detected | None:
    if len(head) < 104 or head[:4] != b"QFI\xfb":
        return None
    unsafe = None
    if _u64be(head, 8):  # backing_file_offset
        unsafe = "backing_file"
    elif _u32be(head, 4) >= 3 and _u64be(head, 72) & 0x4:  # incompatible feature: external data file
        unsafe = "data_file"
    return Detected("qcow2", _u64be(head, 24), unsafe)


def _vmdk(head: bytes) -> Detected | None:
    if len(head) < 20 or head[:4] != b"KDMV":
        return None
    return Detected("vmdk", _u64le(head, 12) * 512)


def _vdi(head: bytes) -> Detected | None:
    if len(head) < 0x178 or struct.unpack_from("<I", head, 0x40)[0] != 0xBEDA107F:
        return None
    return Detected("vdi", _u64le(head, 0x170))


def _vhd(head: bytes) -> Detected | None:
    if len(head) < 56 or head[:8] != b"conectix":
        return None
    return Detected("vhd", _u64be(head, 48))


def _vhdx(head: bytes) -> Detected | None:
    return Detected("vhdx", None) if head[:8] == b"vhdxfile" else None


def _luks(head: bytes) -> Detected | None:
    return Detected("luks", None) if head[:6] == b"LUKS\xba\xbe" else None


def _iso(head: bytes) -> Detected | None:
    for offset in (0x8001, 0x8801, 0x9001):
        if head[offset : offset + 5] == b"CD001":
            pvd = 0x8000
            if len(head) >= pvd + 0x82:
                blocks = struct.unpack_from("<I", head, pvd + 80)[0]
                block_size = struct.unpack_from("<H", head, pvd + 128)[0]
                return Detected("iso", blocks * block_size)
            return Detected("iso", None)
    return None


def _gpt(head: bytes, size: int) -> Detected | None:
    if len(head) < 520 or head[510:512] != b"\x55\xaa" or head[512:520] != b"EFI PART":
        return None
    return Detected("gpt", size)


def detect(head: bytes, size: int) -> Detected:
    """The format of data starting with ``head`` (``size`` bytes in all); raw when unknown."""
    for probe in (_qcow2, _vhdx, _vmdk, _vdi, _vhd, _luks, _iso):
        found = probe(head)
        if found is not None:
            return found
    gpt = _gpt(head, size)
    if gpt is not None:
        return gpt
    return Detected("raw", size)


def check(head: bytes, size: int, disk_format: str | None, container_format: str | None) -> int | None:
    """Glance's upload inspection: the virtual size to record, or raise :class:`FormatError`."""
    found = detect(head, size)
    if container_format != "bare":
        return None
    virtual_size: int | None = None
    if found.format == disk_format:
        virtual_size = found.virtual_size
    elif found.format == "raw" and disk_format not in INSPECTABLE:
        virtual_size = None  # ami/ari/aki/ploop: not inspectable, raw data accepted
    elif disk_format == "raw":
        virtual_size = size
    else:
        raise FormatError(f"Image disk_format {disk_format} does not match stream data {found.format}")
    if found.unsafe is not None:
        raise FormatError("Image failed safety checks")
    return virtual_size or None


def virtual_size_of(head: bytes, size: int, disk_format: str | None) -> int | None:
    """Best-effort virtual size for data that is not inspected strictly (internal creates)."""
    found = detect(head, size)
    if found.format == disk_format or disk_format == "raw":
        return found.virtual_size if found.format == disk_format else size
    return None


def tiny_qcow2(virtual_size: int = 117440512, cluster_bits: int = 12) -> bytes:
    """A valid, empty qcow2 (v2) image: header, refcount table and block, L1 table."""
    cluster = 1 << cluster_bits
    l2_span = cluster * (cluster // 8)
    l1_size = -(-virtual_size // l2_span)
    refcount_table, refcount_block, l1_table = cluster, 2 * cluster, 3 * cluster
    header = struct.pack(
        ">4sIQIIQIIQQIIQ",
        b"QFI\xfb",
        2,  # version
        0,  # backing_file_offset
        0,  # backing_file_size
        cluster_bits,
        virtual_size,
        0,  # crypt_method
        l1_size,
        l1_table,
        refcount_table,
        1,  # refcount_table_clusters
        0,  # nb_snapshots
        0,  # snapshots_offset
    )
    out = bytearray(4 * cluster)
    out[: len(header)] = header
    struct.pack_into(">Q", out, refcount_table, refcount_block)
    for index in range(4):  # the four clusters in use, refcount 1 each (16-bit entries)
        struct.pack_into(">H", out, refcount_block + 2 * index, 1)
    return bytes(out)
