"""Minimal protobuf reading/writing for ONNX files, so that no `onnx` package is needed.

Only what we use: walk ModelProto fields, list graph inputs/outputs (name, element type, dims), node op
types, opset imports, metadata_props; append metadata_props entries (ModelProto field 14, repeated
StringStringEntryProto{key = 1, value = 2}). Appending a serialized length-delimited field to the end of
a message is valid protobuf: repeated fields are concatenated by parsers.
"""
from __future__ import annotations

from typing import Dict, Iterator, List, Tuple

import numpy as np

ELEM_TYPES = {1: "float32", 2: "uint8", 3: "int8", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool",
              10: "float16", 11: "float64", 16: "bfloat16"}
NP_TYPES = {1: np.float32, 2: np.uint8, 3: np.int8, 5: np.int16, 6: np.int32, 7: np.int64, 9: np.bool_,
            10: np.float16, 11: np.float64}


def read_varint(buf: bytes, i: int) -> Tuple[int, int]:
    shift, out = 0, 0
    while True:
        b = buf[i]
        i += 1
        out |= (b & 0x7F) << shift
        if b < 0x80:
            return out, i
        shift += 7


def write_varint(v: int) -> bytes:
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def fields(buf: bytes) -> Iterator[Tuple[int, int, object]]:
    """Yield (field number, wire type, value): int for varint/fixed, bytes (memoryview) for length-delimited."""
    i, n = 0, len(buf)
    mv = memoryview(buf)
    while i < n:
        key, i = read_varint(buf, i)
        fno, wt = key >> 3, key & 7
        if wt == 0:
            v, i = read_varint(buf, i)
        elif wt == 1:
            v = int.from_bytes(buf[i:i + 8], "little")
            i += 8
        elif wt == 2:
            ln, i = read_varint(buf, i)
            v = mv[i:i + ln]
            i += ln
        elif wt == 5:
            v = int.from_bytes(buf[i:i + 4], "little")
            i += 4
        else:
            raise ValueError(f"unsupported wire type {wt}")
        yield fno, wt, v


def first(buf, fno, default=None):
    for f, _, v in fields(buf):
        if f == fno:
            return v
    return default


def all_of(buf, fno) -> List:
    return [v for f, _, v in fields(buf) if f == fno]


def _s(v) -> str:
    return bytes(v).decode("utf-8")


def value_info(buf) -> Dict:
    name = _s(first(buf, 1, b""))
    t = first(buf, 2)
    elem, dims = None, []
    if t is not None:
        tt = first(t, 1)
        if tt is not None:
            elem = ELEM_TYPES.get(first(tt, 1, 0), str(first(tt, 1, 0)))
            shape = first(tt, 2)
            if shape is not None:
                for d in all_of(shape, 1):
                    dv, dp = first(d, 1), first(d, 2)
                    dims.append(int(dv) if dv is not None else (_s(dp) if dp is not None else None))
    return {"name": name, "elem_type": elem, "dims": dims}


def summarize(path) -> Dict:
    buf = open(path, "rb").read()
    g = first(buf, 7)
    if g is None:
        raise ValueError(f"{path}: no graph")
    inits = {_s(first(t, 8, b"")) for t in all_of(g, 5)}
    inputs = [value_info(v) for v in all_of(g, 11)]
    return {
        "ir_version": first(buf, 1),
        "producer_name": _s(first(buf, 2, b"")),
        "opset_import": {_s(first(o, 1, b"")): first(o, 2) for o in all_of(buf, 8)},
        "inputs": [v for v in inputs if v["name"] not in inits],
        "outputs": [value_info(v) for v in all_of(g, 12)],
        "op_types": sorted({_s(first(nd, 4, b"")) for nd in all_of(g, 1)}),
        "n_nodes": len(all_of(g, 1)),
        "n_initializers": len(inits),
        "metadata": {_s(first(e, 1, b"")): _s(first(e, 2, b"")) for e in all_of(buf, 14)},
    }


def _ld(fno: int, payload: bytes) -> bytes:
    return write_varint((fno << 3) | 2) + write_varint(len(payload)) + payload


def metadata_bytes(meta: Dict[str, str]) -> bytes:
    out = b""
    for k, v in meta.items():
        entry = _ld(1, str(k).encode("utf-8")) + _ld(2, str(v).encode("utf-8"))
        out += _ld(14, entry)
    return out


def append_metadata(path, meta: Dict[str, str]):
    with open(path, "ab") as f:
        f.write(metadata_bytes(meta))


# ---------------------------------------------------------------------------------------------
# graph access for the tiny reference evaluator (onnx_ref.py)

def tensor_to_numpy(t) -> Tuple[str, np.ndarray]:
    """TensorProto -> (name, array). Supports raw_data and the typed repeated fields we meet."""
    dims = [int(d) for d in _packed_ints(t, 1)]
    dtype = first(t, 2, 1)
    name = _s(first(t, 8, b""))
    raw = first(t, 9)
    npt = NP_TYPES[dtype]
    if raw is not None:
        arr = np.frombuffer(bytes(raw), dtype=npt).copy()
    elif dtype == 1:
        arr = np.array(_packed_floats(t, 4), dtype=np.float32)
    elif dtype == 11:
        arr = np.array(_packed_doubles(t, 10), dtype=np.float64)
    elif dtype in (7,):
        arr = np.array(_packed_ints(t, 7, signed=True), dtype=np.int64)
    else:
        arr = np.array(_packed_ints(t, 5, signed=True), dtype=npt)
    return name, arr.reshape(dims)


def _to_signed(v: int) -> int:
    return v - (1 << 64) if v >= (1 << 63) else v


def _packed_ints(buf, fno, signed=False) -> List[int]:
    out = []
    for f, wt, v in fields(buf):
        if f != fno:
            continue
        if wt == 2:
            b = bytes(v)
            i = 0
            while i < len(b):
                x, i = read_varint(b, i)
                out.append(_to_signed(x) if signed else x)
        else:
            out.append(_to_signed(v) if signed else v)
    return out


def _packed_floats(buf, fno) -> List[float]:
    out = []
    for f, wt, v in fields(buf):
        if f == fno:
            if wt == 2:
                out.extend(np.frombuffer(bytes(v), dtype="<f4").tolist())
            else:
                out.append(float(np.array([v], dtype="<u4").view("<f4")[0]))
    return out


def _packed_doubles(buf, fno) -> List[float]:
    out = []
    for f, wt, v in fields(buf):
        if f == fno:
            if wt == 2:
                out.extend(np.frombuffer(bytes(v), dtype="<f8").tolist())
            else:
                out.append(float(np.array([v], dtype="<u8").view("<f8")[0]))
    return out


def attributes(node) -> Dict[str, object]:
    """AttributeProto: name=1, f=2, i=3, s=4, t=5, floats=7, ints=8, type=20."""
    out = {}
    for a in all_of(node, 5):
        name = _s(first(a, 1, b""))
        typ = first(a, 20, 0)
        if typ == 1:
            v = first(a, 2, 0)
            out[name] = float(np.array([v], dtype="<u4").view("<f4")[0])
        elif typ == 2:
            out[name] = _to_signed(first(a, 3, 0))
        elif typ == 3:
            out[name] = bytes(first(a, 4, b""))
        elif typ == 4:
            out[name] = tensor_to_numpy(first(a, 5))[1]
        elif typ == 6:
            out[name] = _packed_floats(a, 7)
        elif typ == 7:
            out[name] = _packed_ints(a, 8, signed=True)
        else:
            out[name] = None
    return out


def graph_nodes(path):
    """-> (nodes [(op_type, inputs, outputs, attrs)], initializers {name: array}, input names, output names)."""
    buf = open(path, "rb").read()
    g = first(buf, 7)
    inits = dict(tensor_to_numpy(t) for t in all_of(g, 5))
    nodes = []
    for nd in all_of(g, 1):
        nodes.append((_s(first(nd, 4, b"")), [_s(x) for x in all_of(nd, 1)], [_s(x) for x in all_of(nd, 2)],
                      attributes(nd)))
    ins = [_s(first(v, 1, b"")) for v in all_of(g, 11)]
    outs = [_s(first(v, 1, b"")) for v in all_of(g, 12)]
    return nodes, inits, [i for i in ins if i not in inits], outs
