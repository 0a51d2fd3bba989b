"""The fast path for answer sentences: all-MiniLM-L6-v2's encoder with int8 weights on ONNX Runtime.

The graph is built in memory, once per process, from the same safetensors weights the exact numpy
forward pass reads (nothing is downloaded or written), and serialised by ``onnx_proto`` (the onnx
package's import alone took most of a cold ``loopcoach analyze``). Every dense layer's weights are
quantised per output channel to int8 (symmetric, scale = max |w| / 127); activations are quantised
per call by ONNX Runtime (``DynamicQuantizeLinear``), the products run as integer matrix multiplies
and are rescaled to float. Embeddings, LayerNorm, attention, GELU and pooling stay in float32, and
the word-piece and position lookup plus the first LayerNorm run in numpy, so the graph holds only
the six encoder layers (about 22 MB).

On the fixture answers the vectors are within cosine 0.98 of the exact ones and sentence-to-rubric
similarities differ by 0.008 on average (``tests/analysis/test_minilm_int8.py``); the forward pass
is about twice as fast. Output is deterministic: the same texts in the same call give the same
bits. A text's vector can move in the last digits with the other texts embedded beside it (the
activation scale is per call), so the analyser embeds one answer per call and keeps rubric text
on the exact path.
"""

from __future__ import annotations

import importlib
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from loopcoach.analysis import onnx_proto as P

F32 = npt.NDArray[np.float32]

_MASK_PENALTY = 1.0e4  # added (negated) to attention scores of padding positions


class Int8Unavailable(RuntimeError):
    """onnxruntime is missing, the CPU lacks exact int8 dot products, or the graph fails."""


def exact_int8_cpu() -> bool:
    """True where ONNX Runtime's uint8 x int8 products are exact: x86 with VNNI, or ARM64.

    Older x86 CPUs (AVX2 or AVX-512 without VNNI) add pairs of products in 16 bits, which can
    saturate with full-range weights and change results; those take the exact float32 path.
    """
    machine = platform.machine().lower()
    if machine in ("arm64", "aarch64"):
        return True
    if machine not in ("x86_64", "amd64", "i686", "x86"):
        return False
    features: dict[str, bool] = {}
    for module in ("numpy._core._multiarray_umath", "numpy.core._multiarray_umath"):  # 2, then 1
        try:
            features = importlib.import_module(module).__cpu_features__
        except (ImportError, AttributeError):
            continue
        break
    if features.get("AVX512VNNI") or features.get("AVXVNNI"):
        return True
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    return " avx_vnni" in flags or " avx512_vnni" in flags


def _quantise(w: F32) -> tuple[npt.NDArray[np.int8], F32]:
    """Symmetric per-output-channel int8 quantisation of an (in, out) weight matrix."""
    scale = np.abs(w).max(axis=0) / np.float32(127.0)
    scale = np.where(scale == 0, np.float32(1.0), scale).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


def build_graph(
    layers: Sequence[Any],
    *,
    dim: int,
    heads: int,
    eps: float,
    fused_attention: bool = True,
    tail: Sequence[Any] | None = None,
    trunk: int = 0,
) -> bytes:
    """Serialise an ONNX graph of the encoder layers: (hidden, mask) -> normalised mean-pooled rows.

    With ``tail`` (the flaw tail's layers, see flaw_tail), the states after the first ``trunk``
    layers also go through the tail's layers, and a second output "tail" holds their mean-pooled
    (not normalised) rows.

    ``layers`` are ``minilm._Layer`` objects (pre-transposed, fused weights; the query weights
    already carry 1/sqrt(head_dim); ``w_2`` carries the 1/2 of the numpy path's 2*GELU, restored
    here because the graph uses the plain GELU).
    """
    head_dim = dim // heads
    inits: list[bytes] = []
    nodes: list[bytes] = []
    counter = [0]

    def const(name: str, value: Any) -> str:
        inits.append(P.tensor(name, value))
        return name

    def node(op: str, inputs: list[str], outputs: int = 1, **attrs: Any) -> Any:
        counter[0] += 1
        names = [f"{op.lower()}{counter[0]}_{k}" for k in range(outputs)]
        nodes.append(P.node(op, inputs, names, name=f"n{counter[0]}", **attrs))
        return names[0] if outputs == 1 else names

    def linear(x: str, weight: F32, bias: F32, name: str) -> str:
        q, scale = _quantise(weight)
        xq, xs, xz = node("DynamicQuantizeLinear", [x], 3)
        zero = const(f"{name}.zp", np.zeros(weight.shape[1], dtype=np.int8))
        product = node("MatMulInteger", [xq, const(f"{name}.q", q), xz, zero])
        rescale = node("Mul", [xs, const(f"{name}.scale", scale)])
        y = node("Mul", [node("Cast", [product], to=P.FLOAT), rescale])
        return str(node("Add", [y, const(f"{name}.bias", bias.astype(np.float32))]))

    def layer_norm(x: str, weight: F32, bias: F32, name: str) -> str:
        return str(
            node(
                "LayerNormalization",
                [x, const(f"{name}.w", weight), const(f"{name}.b", bias)],
                axis=-1,
                epsilon=eps,
            )
        )

    mask = node("Unsqueeze", ["mask", const("axes12", np.array([1, 2], dtype=np.int64))])
    penalty = node(
        "Mul",
        [
            node("Sub", [mask, const("one", np.array(1.0, dtype=np.float32))]),
            const("penalty", np.array(_MASK_PENALTY, dtype=np.float32)),
        ],
    )
    split_shape = const("shape5", np.array([0, 0, 3, heads, head_dim], dtype=np.int64))
    merge_shape = const("shape3", np.array([0, 0, dim], dtype=np.int64))
    axis0 = const("axis0", np.array([0], dtype=np.int64))
    keep = node("Cast", ["mask"], to=P.INT32)

    def encoder_layer(x: str, layer: Any, name: str) -> str:
        qkv = linear(x, layer.w_qkv, layer.b_qkv, f"{name}.qkv")
        if fused_attention:
            # ONNX Runtime's MultiHeadAttention: no transposes; q already carries the scale.
            q, k, v = node("Split", [qkv], 3, axis=-1, num_outputs=3)
            ctx = node(
                "MultiHeadAttention",
                [q, k, v, "", keep],
                domain="com.microsoft",
                num_heads=heads,
                scale=1.0,
            )
        else:
            parts = node("Transpose", [node("Reshape", [qkv, split_shape])], perm=[2, 0, 3, 1, 4])
            q, k, v = (
                node("Squeeze", [p, axis0])
                for p in node("Split", [parts], 3, axis=0, num_outputs=3)
            )
            scores = node(
                "Add", [node("MatMul", [q, node("Transpose", [k], perm=[0, 1, 3, 2])]), penalty]
            )
            ctx = node("MatMul", [node("Softmax", [scores], axis=-1), v])
            ctx = node("Reshape", [node("Transpose", [ctx], perm=[0, 2, 1, 3]), merge_shape])
        return finish_layer(x, ctx, layer, name)

    def finish_layer(x: str, ctx: str, layer: Any, name: str) -> str:
        attn = linear(ctx, layer.w_o, layer.b_o, f"{name}.out")
        x = layer_norm(node("Add", [attn, x]), layer.ln1_w, layer.ln1_b, f"{name}.ln1")
        hidden = node("Gelu", [linear(x, layer.w_1, layer.b_1, f"{name}.ffn1")], approximate="none")
        out = linear(hidden, layer.w_2 * np.float32(2.0), layer.b_2, f"{name}.ffn2")
        return layer_norm(node("Add", [out, x]), layer.ln2_w, layer.ln2_b, f"{name}.ln2")

    weights = node("Unsqueeze", ["mask", const("axis2", np.array([2], dtype=np.int64))])
    axis1 = const("axis1", np.array([1], dtype=np.int64))
    counts = node("ReduceSum", [weights, axis1], keepdims=0)

    def mean_pool(x: str) -> str:
        summed = node("ReduceSum", [node("Mul", [x, weights]), axis1], keepdims=0)
        return str(node("Div", [summed, counts]))

    x = "hidden"
    outputs = [P.value_info("vectors", P.FLOAT, ["batch", dim])]
    for i, layer in enumerate(layers):
        if tail is not None and i == trunk:
            y = x
            for j, tail_layer in enumerate(tail):
                y = encoder_layer(y, tail_layer, f"t{j}")
            nodes.append(P.node("Identity", [mean_pool(y)], ["tail"]))
            outputs.append(P.value_info("tail", P.FLOAT, ["batch", dim]))
        x = encoder_layer(x, layer, f"l{i}")
    nodes.append(P.node("LpNormalization", [mean_pool(x)], ["vectors"], axis=-1, p=2))
    graph = P.graph(
        nodes,
        "minilm_int8",
        [
            P.value_info("hidden", P.FLOAT, ["batch", "length", dim]),
            P.value_info("mask", P.FLOAT, ["batch", "length"]),
        ],
        outputs,
        inits,
    )
    return P.model(graph, ir_version=9, opsets=[("", 20), ("com.microsoft", 1)])


class Int8Encoder:
    """Runs the int8 graph; ``encode`` takes padded hidden states and a 0/1 mask."""

    def __init__(self, session: Any) -> None:
        self._session = session

    @classmethod
    def load(
        cls,
        layers: Sequence[Any],
        *,
        dim: int,
        heads: int,
        eps: float,
        tail: Sequence[Any] | None = None,
        trunk: int = 0,
    ) -> Int8Encoder:
        if not exact_int8_cpu():
            raise Int8Unavailable(
                "this CPU has no exact int8 dot product (VNNI); answers use float32"
            )
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise Int8Unavailable(f"onnxruntime is not installed ({exc})") from exc
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.inter_op_num_threads = 1
        # Idle workers sleep instead of spinning: with spinning, a busy second core (another
        # program, or a test run beside us) made each answer two to three times slower.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        failure: Exception | None = None
        # ONNX Runtime's fused MultiHeadAttention (a contrib op) is about 5% faster and gives
        # the same bits; the plain ONNX attention is the fall-back if a build lacks it.
        for fused in (True, False):
            try:
                model = build_graph(
                    layers,
                    dim=dim,
                    heads=heads,
                    eps=eps,
                    fused_attention=fused,
                    tail=tail,
                    trunk=trunk,
                )
                session = ort.InferenceSession(
                    model,
                    options,
                    providers=["CPUExecutionProvider"],
                    # The fused SkipLayerNormalization kernel measured 3-4x slower here than
                    # the Add + LayerNormalization it replaces.
                    disabled_optimizers=["SkipLayerNormFusion"],
                )
                return cls(session)
            except Int8Unavailable:
                raise
            except Exception as exc:  # a broken install or an unsupported CPU: say why
                failure = exc
        why = f"int8 graph failed to load: {type(failure).__name__}: {failure}"
        raise Int8Unavailable(why) from failure

    def encode(self, hidden: F32, mask: F32) -> tuple[F32, F32 | None]:
        """Normalised sentence vectors, and the tail's pooled states when the graph has a tail."""
        outputs = self._session.run(None, {"hidden": hidden, "mask": mask})
        tail = np.asarray(outputs[1], dtype=np.float32) if len(outputs) > 1 else None
        return np.asarray(outputs[0], dtype=np.float32), tail
