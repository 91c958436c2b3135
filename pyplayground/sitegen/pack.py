"""Package bundles: many wheels in one download, unpacked by the worker without Python.

Installing 22 wheels with micropip took 1.1-1.6 s per page load in the spike; unpacking a
zip in Python about 0.5 s. A pack is written straight into Pyodide's file system by
``pgWritePack`` in ``web/static/worker_boot.js`` (tens of milliseconds)::

    b"PGPK" | uint32 little-endian index length | JSON index | file data

The index is ``{"files": [[path, offset, size], ...]}`` with paths relative to
site-packages. Packs are gzip-compressed (``.pack.gz``); the browser inflates them with
``DecompressionStream``, so no server configuration is needed.
"""

from __future__ import annotations

import gzip
import io
import json
import struct
import zipfile
from collections.abc import Iterable
from pathlib import Path

from . import SiteBuildError

MAGIC = b"PGPK"


def pack_wheels(wheels: Iterable[Path]) -> tuple[bytes, int]:
    """All files of ``wheels`` as an uncompressed pack, and the number of files."""
    files: dict[str, bytes] = {}
    origin: dict[str, str] = {}
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                data = z.read(info)
                name = info.filename
                if name in files and files[name] != data:
                    raise SiteBuildError(
                        f"{wheel.name} and {origin[name]} both contain "
                        f"{name} with different contents"
                    )
                files[name] = data
                origin[name] = wheel.name
    index, blob, offset = [], io.BytesIO(), 0
    for name in sorted(files):
        data = files[name]
        index.append([name, offset, len(data)])
        blob.write(data)
        offset += len(data)
    head = json.dumps({"files": index}, separators=(",", ":")).encode()
    return MAGIC + struct.pack("<I", len(head)) + head + blob.getvalue(), len(files)


def write_pack(wheels: Iterable[Path], out: Path) -> int:
    """Write the gzip-compressed pack of ``wheels`` to ``out``; return the file count."""
    data, count = pack_wheels(wheels)
    out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    return count


def read_pack(data: bytes) -> dict[str, bytes]:
    """The files in a (possibly gzip-compressed) pack: ``{path: contents}``."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data[:4] != MAGIC:
        raise ValueError("not a pack (bad magic)")
    (n,) = struct.unpack("<I", data[4:8])
    index = json.loads(data[8 : 8 + n])
    base = 8 + n
    return {name: data[base + off : base + off + size] for name, off, size in index["files"]}
