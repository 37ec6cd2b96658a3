"""Token convolutions rewritten as matrix products: same outputs in float32, close ones in int8, nothing else moved."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.models.audit_model import DEFAULT_MODEL, model_available

onnx = pytest.importorskip("onnx")  # train extra


def _conv_model(kernel: int, *, rng: np.random.Generator, channels: int = 6, out: int = 4):  # type: ignore[no-untyped-def]
    """states [1, n, channels] -> conv over tokens (same padding, bias) and a pass-through."""
    from onnx import TensorProto, helper, numpy_helper

    weight = rng.normal(0, 0.5, (out, channels, kernel)).astype(np.float32)
    bias = rng.normal(0, 0.5, out).astype(np.float32)
    nodes = [
        helper.make_node("Transpose", ["states"], ["x"], perm=[0, 2, 1]),
        helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[kernel // 2] * 2),
        helper.make_node("Transpose", ["c"], ["conv_out"], perm=[0, 2, 1]),
        helper.make_node("Identity", ["states"], ["copy"]),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("states", TensorProto.FLOAT, [1, "n", channels])],
        [
            helper.make_tensor_value_info("conv_out", TensorProto.FLOAT, [1, "n", out]),
            helper.make_tensor_value_info("copy", TensorProto.FLOAT, [1, "n", channels]),
        ],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model, states: np.ndarray) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    import onnxruntime as ort

    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"states": states})


@settings(max_examples=25, deadline=None)
@given(kernel=st.sampled_from([1, 3, 5]), n=st.integers(1, 40), seed=st.integers(0, 10**6))
def test_the_matmul_form_computes_the_same_convolution(kernel: int, n: int, seed: int) -> None:
    from newsaudit.training.compact_heads import conv_as_matmul

    rng = np.random.default_rng(seed)
    model = _conv_model(kernel, rng=rng)
    rewritten, matmuls = conv_as_matmul(model)
    assert matmuls == ["conv/as_matmul/matmul"]
    assert not any(node.op_type == "Conv" for node in rewritten.graph.node)
    states = rng.normal(0, 1, (1, n, 6)).astype(np.float32)
    for got, want in zip(_run(rewritten, states), _run(model, states), strict=True):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_compact_quantises_only_the_convolutions_once(tmp_path: Path) -> None:
    from newsaudit.training.compact_heads import compact

    rng = np.random.default_rng(3)
    model = _conv_model(5, rng=rng, channels=32, out=16)
    path = tmp_path / "heads.onnx"
    onnx.save(model, str(path))
    assert compact(path) == ["conv/as_matmul/matmul"]
    assert compact(path) == []  # nothing left to rewrite
    compacted = onnx.load(str(path))
    assert {t.data_type for t in compacted.graph.initializer} & {onnx.TensorProto.INT8}
    states = rng.normal(0, 1, (1, 50, 32)).astype(np.float32)
    (conv_q, copy_q), (conv, copy) = _run(compacted, states), _run(model, states)
    np.testing.assert_array_equal(copy_q, copy)
    assert np.abs(conv_q - conv).max() < 0.05 * np.abs(conv).max()  # int8: close, not equal
    assert np.abs(conv_q - conv).max() > 0


@pytest.mark.skipif(not model_available(), reason="no trained model shipped")
def test_the_shipped_heads_have_no_float_convolution_left() -> None:
    model = onnx.load(str(DEFAULT_MODEL / "heads.onnx"))
    assert not [node.name for node in model.graph.node if node.op_type == "Conv"]
