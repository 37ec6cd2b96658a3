"""Rewrite the token heads' convolutions as int8 matrix products, for speed on a CPU.

Each 1-D `Conv` over the word pieces becomes: pad the token axis, lay the k shifted copies of the states side by side
([n, k * channels]), and multiply by the flattened kernel; that product is then quantised dynamically to int8
(onnxruntime's `DynamicQuantizeMatMul`). onnxruntime's own int8 `ConvInteger` runs slower than float32 `Conv` here,
the int8 product about 2.5x faster (figures in the README). Every other node is kept.

    python -m newsaudit.training.compact_heads --model-dir src/newsaudit/models/newsaudit-multitask
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.models.audit_model import DEFAULT_MODEL

SUFFIX = "/as_matmul"  # added to each rewritten Conv's name; the new nodes and weights start with it


def _as_matmul(node: Any, weight: np.ndarray, bias: np.ndarray, pads: list[int], prefix: str) -> tuple[list, list]:
    """Nodes and initializers that compute the Conv `node` as one MatMul (named `prefix + "/matmul"`)."""
    from onnx import helper, numpy_helper

    out_ch, in_ch, k = weight.shape
    consts = {
        "kernel": weight.transpose(2, 1, 0).reshape(k * in_ch, out_ch),  # row (shift j, channel c)
        "bias": bias,
        "pads": np.array([0, pads[0], 0, 0, pads[1], 0], dtype=np.int64),
        "axis": np.array([1], dtype=np.int64),
        "span": np.array([k - 1], dtype=np.int64),
        **{f"shift{j}": np.array([j], dtype=np.int64) for j in range(k)},
    }
    inits = [numpy_helper.from_array(np.ascontiguousarray(v), f"{prefix}/{name}") for name, v in consts.items()]

    def n(name: str) -> str:
        return f"{prefix}/{name}"

    nodes = [
        helper.make_node("Transpose", [node.input[0]], [n("rows")], perm=[0, 2, 1]),  # [1, n, channels]
        helper.make_node("Pad", [n("rows"), n("pads")], [n("padded")]),
        helper.make_node("Shape", [n("padded")], [n("shape")]),
        helper.make_node("Gather", [n("shape"), n("axis")], [n("length")]),
        helper.make_node("Sub", [n("length"), n("span")], [n("n")]),
    ]
    for j in range(k):
        nodes += [
            helper.make_node("Add", [n("n"), n(f"shift{j}")], [n(f"end{j}")]),
            helper.make_node("Slice", [n("padded"), n(f"shift{j}"), n(f"end{j}"), n("axis")], [n(f"x{j}")]),
        ]
    nodes += [
        helper.make_node("Concat", [n(f"x{j}") for j in range(k)], [n("window")], axis=-1),
        helper.make_node("MatMul", [n("window"), n("kernel")], [n("product")], name=n("matmul")),
        helper.make_node("Add", [n("product"), n("bias")], [n("out")]),
        helper.make_node("Transpose", [n("out")], [node.output[0]], perm=[0, 2, 1]),  # back to [1, out, n]
    ]
    return nodes, inits


def conv_as_matmul(model: Any) -> tuple[Any, list[str]]:
    """`model` with every 1-D, ungrouped, stride-1, undilated `Conv` replaced by pad / shifted slices / MatMul
    (float32, same results up to rounding), and the names of the new MatMul nodes."""
    import onnx
    from onnx import helper, numpy_helper

    graph = model.graph
    arrays = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    nodes, inits, matmuls = [], list(graph.initializer), []
    for index, node in enumerate(graph.node):
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        weight = arrays.get(node.input[1]) if node.op_type == "Conv" else None  # a float32 initializer
        plain = all(set(attrs.get(key, [1])) == {1} for key in ("strides", "dilations")) and attrs.get("group", 1) == 1
        if weight is None or weight.ndim != 3 or not plain:
            nodes.append(node)
            continue
        has_bias = len(node.input) > 2 and node.input[2]
        bias = arrays[node.input[2]] if has_bias else np.zeros(weight.shape[0], np.float32)
        prefix = (node.name or f"conv{index}") + SUFFIX
        new_nodes, new_inits = _as_matmul(node, weight, bias, list(attrs.get("pads", [0, 0])), prefix)
        nodes += new_nodes
        inits += new_inits
        matmuls.append(f"{prefix}/matmul")
    used = {i for n in nodes for i in n.input}
    inits = [t for t in inits if t.name in used]
    new_graph = helper.make_graph(nodes, graph.name, list(graph.input), list(graph.output), inits)
    new = helper.make_model(new_graph, opset_imports=list(model.opset_import), ir_version=model.ir_version)
    onnx.checker.check_model(new)
    return new, matmuls


def compact(path: Path) -> list[str]:
    """Rewrite the heads file at `path` in place (convolutions as int8 products); returns the quantised nodes."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model, matmuls = conv_as_matmul(onnx.load(str(path)))
    if not matmuls:
        return []
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.onnx"
        onnx.save(model, str(plain))
        quantize_dynamic(
            plain,
            path,
            weight_type=QuantType.QInt8,
            per_channel=True,
            nodes_to_quantize=matmuls,
            op_types_to_quantize=["MatMul"],
        )
    return matmuls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL, help="heads folder to update in place")
    args = parser.parse_args(argv)
    done = compact(args.model_dir / "heads.onnx")
    print(f"{len(done)} convolution(s) rewritten as int8 products: {', '.join(done) or 'none left'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
