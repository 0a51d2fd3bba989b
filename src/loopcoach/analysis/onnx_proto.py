"""Just enough of ONNX's protobuf format to write the int8 encoder's graph (see minilm_int8).

The ``onnx`` package would do this too, but importing it (and ml_dtypes through it) took most of
a cold ``loopcoach analyze``: 1.2-2 s of a 2-3 s run. This module writes the same messages with
the standard protobuf wire format, fields in field-number order as protobuf itself writes them,
so the bytes equal what ``onnx.helper`` and ``onnx.numpy_helper`` produce for the same graph
(``tests/analysis/test_onnx_proto.py`` checks that with the onnx package).

Only what the graph uses is here: tensors from numpy arrays (raw data), nodes with int, float,
string and int-list attributes, tensor value infos with named or fixed dimensions, one graph,
and a model with opset imports. Field numbers are those of onnx/onnx-ml.proto.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence

import numpy as np

# TensorProto.DataType
FLOAT = 1
UINT8 = 2
INT8 = 3
INT32 = 6
INT64 = 7
_DTYPES = {
    np.dtype(np.float32): FLOAT,
    np.dtype(np.uint8): UINT8,
    np.dtype(np.int8): INT8,
    np.dtype(np.int32): INT32,
    np.dtype(np.int64): INT64,
}
# AttributeProto.AttributeType
_ATTR_FLOAT, _ATTR_INT, _ATTR_STRING, _ATTR_INTS = 1, 2, 3, 7

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5
_MASK64 = (1 << 64) - 1


def _varint(n: int) -> bytes:
    n &= _MASK64  # negative int64 as two's complement, ten bytes
    out = bytearray()
    while True:
        low = n & 0x7F
        n >>= 7
        if n:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint(field << 3 | wire)


def _int(field: int, value: int) -> bytes:
    return _key(field, _VARINT) + _varint(value)


def _bytes(field: int, value: bytes) -> bytes:
    return _key(field, _LEN) + _varint(len(value)) + value


def _str(field: int, value: str) -> bytes:
    return _bytes(field, value.encode("utf-8"))


def _messages(field: int, items: Iterable[bytes]) -> bytes:
    return b"".join(_bytes(field, m) for m in items)


def tensor(name: str, value: object) -> bytes:
    """A TensorProto holding ``value`` (a numpy array or scalar) as little-endian raw data."""
    arr = np.asarray(value)
    dtype = _DTYPES.get(arr.dtype)
    if dtype is None:
        raise ValueError(f"onnx_proto: unsupported tensor dtype {arr.dtype} for {name!r}")
    dims = b"".join(_int(1, d) for d in arr.shape)
    data = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<")).tobytes()
    return dims + _int(2, dtype) + (_str(8, name) if name else b"") + _bytes(9, data)


def _attribute(name: str, value: object) -> bytes:
    out = _str(1, name)
    if isinstance(value, bool | int | np.integer):
        return out + _int(3, int(value)) + _int(20, _ATTR_INT)
    if isinstance(value, float | np.floating):
        return out + _key(2, _I32) + struct.pack("<f", float(value)) + _int(20, _ATTR_FLOAT)
    if isinstance(value, str):
        return out + _str(4, value) + _int(20, _ATTR_STRING)
    if isinstance(value, Sequence) and value and all(isinstance(v, int) for v in value):
        return out + b"".join(_int(8, int(v)) for v in value) + _int(20, _ATTR_INTS)
    raise ValueError(f"onnx_proto: unsupported attribute {name}={value!r}")


def node(
    op_type: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
    *,
    name: str = "",
    domain: str | None = None,
    **attrs: object,
) -> bytes:
    """A NodeProto; attributes are written sorted by name, as onnx.helper.make_node does."""
    out = b"".join(_str(1, i) for i in inputs) + b"".join(_str(2, o) for o in outputs)
    if name:
        out += _str(3, name)
    out += _str(4, op_type)
    out += _messages(5, (_attribute(k, v) for k, v in sorted(attrs.items()) if v is not None))
    if domain is not None:
        out += _str(7, domain)
    return out


def value_info(name: str, elem_type: int, shape: Sequence[str | int]) -> bytes:
    """A ValueInfoProto of a tensor: named (str) or fixed (int) dimensions."""
    dims = b"".join(_bytes(1, _str(2, d) if isinstance(d, str) else _int(1, d)) for d in shape)
    tensor_type = _int(1, elem_type) + _bytes(2, dims)
    return _str(1, name) + _bytes(2, _bytes(1, tensor_type))


def graph(
    nodes: Sequence[bytes],
    name: str,
    inputs: Sequence[bytes],
    outputs: Sequence[bytes],
    initializers: Sequence[bytes],
) -> bytes:
    return (
        _messages(1, nodes)
        + _str(2, name)
        + _messages(5, initializers)
        + _messages(11, inputs)
        + _messages(12, outputs)
    )


def model(graph_proto: bytes, *, ir_version: int, opsets: Sequence[tuple[str, int]]) -> bytes:
    """A serialised ModelProto: the graph and its opset imports (domain, version)."""
    imports = (_str(1, domain) + _int(2, version) for domain, version in opsets)
    return _int(1, ir_version) + _bytes(7, graph_proto) + _messages(8, imports)
