"""A tiny numpy evaluator for the ONNX graphs this package exports.

It implements only the operators the exported sigma-GPT graph (and its int8 quantization, quantize.py) uses, with ONNX opset-17 semantics, so the
tests and `export` can check that the saved graph (not just the PyTorch module) computes the expected
logits, at sequence lengths other than the export's dummy length. It is a checking tool, not a runtime.
Why it exists: nothing else can run the graph on the project's machines. onnxruntime is not packaged for Debian
12, and Debian's python3-onnx (1.12) predates onnx.reference (1.13); the file itself is read with onnx.
"""
from __future__ import annotations

import math
from typing import Dict

import numpy as np
import onnx
from onnx import numpy_helper

_erf = np.frompyfunc(math.erf, 1, 1)


def numpy_dtype(elem_type: int) -> np.dtype:
    """The numpy dtype of an ONNX element type (onnx >= 1.13 has a helper for it; 1.12 only its mapping table)."""
    helper = getattr(onnx.helper, "tensor_dtype_to_np_dtype", None)
    return np.dtype(helper(elem_type) if helper else onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[elem_type])


def _attributes(node: onnx.NodeProto) -> Dict[str, object]:
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        out[a.name] = numpy_helper.to_array(v) if isinstance(v, onnx.TensorProto) else v
    return out


def _split(x, split, axis, n_out):
    if split is None:
        k = x.shape[axis] // n_out
        split = [k] * n_out
    idx = np.cumsum(split)[:-1]
    return np.split(x, idx, axis=axis)


def _dynamic_quantize_linear(x: np.ndarray):
    """ONNX DynamicQuantizeLinear: uint8, the range widened to hold 0, round half to even, saturated."""
    x = x.astype(np.float32)
    lo, hi = min(0.0, float(x.min())), max(0.0, float(x.max()))
    scale = np.float32((hi - lo) / 255.0) if hi > lo else np.float32(1.0)
    zero = np.uint8(np.clip(np.rint(np.float32(-lo) / scale), 0, 255))
    y = np.clip(np.rint(x / scale) + zero, 0, 255).astype(np.uint8)
    return [y, np.asarray(scale, np.float32), np.asarray(zero, np.uint8)]


def run(path, feeds: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
    graph = onnx.load(str(path)).graph
    env: Dict[str, np.ndarray] = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for v in graph.input:
        if v.name not in env:
            env[v.name] = feeds[v.name]
    for node in graph.node:
        for name, val in zip(node.output, evaluate_node(node, [env[i] if i else None for i in node.input])):
            env[name] = val
    return {v.name: env[v.name] for v in graph.output}


def evaluate_node(node: onnx.NodeProto, x) -> list:
    """The outputs of one node on its input values `x` (None for an omitted optional input)."""
    op, outs, at = node.op_type, list(node.output), _attributes(node)
    if op == "Constant":
        r = [at["value"]]
    elif op == "Add":
        r = [x[0] + x[1]]
    elif op == "Sub":
        r = [x[0] - x[1]]
    elif op == "Mul":
        r = [x[0] * x[1]]
    elif op == "Div":
        r = [x[0] / x[1] if np.issubdtype(x[0].dtype, np.floating) else x[0] // x[1]]
    elif op == "Sqrt":
        r = [np.sqrt(x[0])]
    elif op == "Pow":
        r = [np.power(x[0], x[1]).astype(x[0].dtype)]
    elif op == "Erf":
        r = [_erf(x[0]).astype(x[0].dtype)]
    elif op == "Tanh":
        r = [np.tanh(x[0])]
    elif op == "Sin":
        r = [np.sin(x[0])]
    elif op == "Cos":
        r = [np.cos(x[0])]
    elif op == "Not":
        r = [np.logical_not(x[0])]
    elif op == "Where":
        r = [np.where(x[0], x[1], x[2])]
    elif op == "Cast":
        r = [x[0].astype(numpy_dtype(at["to"]))]
    elif op == "Shape":
        s = np.array(x[0].shape, dtype=np.int64)
        r = [s[at.get("start", 0):at.get("end", len(s))]]
    elif op == "Gather":
        r = [np.take(x[0], x[1], axis=at.get("axis", 0))]
    elif op == "Unsqueeze":
        y = x[0]
        for a in sorted(int(v) for v in np.asarray(x[1]).ravel()):
            y = np.expand_dims(y, a if a >= 0 else y.ndim + 1 + a)
        r = [y]
    elif op == "Squeeze":
        r = [np.squeeze(x[0], axis=tuple(int(v) for v in np.asarray(x[1]).ravel()))]
    elif op == "Concat":
        r = [np.concatenate([np.atleast_1d(v) for v in x], axis=at["axis"])]
    elif op == "Reshape":
        shape = [int(v) for v in x[1]]
        shape = [x[0].shape[i] if (v == 0 and not at.get("allowzero", 0)) else v for i, v in enumerate(shape)]
        r = [x[0].reshape(shape)]
    elif op == "Transpose":
        r = [np.transpose(x[0], at.get("perm"))]
    elif op == "Split":
        split = [int(v) for v in x[1]] if len(x) > 1 and x[1] is not None else at.get("split")
        r = _split(x[0], split, at.get("axis", 0), len(outs))
    elif op == "Slice":
        data, starts, ends = x[0], x[1], x[2]
        axes = x[3] if len(x) > 3 and x[3] is not None else np.arange(len(starts))
        steps = x[4] if len(x) > 4 and x[4] is not None else np.ones(len(starts), np.int64)
        sl = [slice(None)] * data.ndim
        for s, e, a, st in zip(starts, ends, axes, steps):
            sl[int(a)] = slice(int(s), int(e), int(st))
        r = [data[tuple(sl)]]
    elif op == "MatMul":
        r = [np.matmul(x[0], x[1])]
    elif op == "Gemm":
        a = x[0].T if at.get("transA", 0) else x[0]
        b = x[1].T if at.get("transB", 0) else x[1]
        y = at.get("alpha", 1.0) * (a @ b)
        if len(x) > 2 and x[2] is not None:
            y = y + at.get("beta", 1.0) * x[2]
        r = [y.astype(np.float32)]
    elif op == "Softmax":
        ax = at.get("axis", -1)
        z = x[0] - x[0].max(axis=ax, keepdims=True)
        e = np.exp(z)
        r = [e / e.sum(axis=ax, keepdims=True)]
    elif op == "LayerNormalization":
        ax = at.get("axis", -1)
        eps = at.get("epsilon", 1e-5)
        axes = tuple(range(ax if ax >= 0 else x[0].ndim + ax, x[0].ndim))
        mu = x[0].mean(axis=axes, keepdims=True)
        var = ((x[0] - mu) ** 2).mean(axis=axes, keepdims=True)
        y = (x[0] - mu) / np.sqrt(var + eps) * x[1]
        if len(x) > 2 and x[2] is not None:
            y = y + x[2]
        r = [y.astype(x[0].dtype)]
    elif op == "Expand":
        r = [x[0] * np.ones([int(v) for v in x[1]], dtype=x[0].dtype)]
    elif op == "ConstantOfShape":
        v = np.asarray(at.get("value", np.zeros(1, np.float32))).ravel()
        r = [np.full([int(d) for d in x[0]], v[0], dtype=v.dtype)]
    elif op == "GatherElements":
        r = [np.take_along_axis(x[0], x[1], axis=at.get("axis", 0))]
    elif op == "Equal":
        r = [np.equal(x[0], x[1])]
    elif op == "DynamicQuantizeLinear":
        r = _dynamic_quantize_linear(x[0])
    elif op == "MatMulInteger":
        a = x[0].astype(np.int32) - (x[2].astype(np.int32) if len(x) > 2 and x[2] is not None else 0)
        b = x[1].astype(np.int32) - (x[3].astype(np.int32) if len(x) > 3 and x[3] is not None else 0)
        r = [np.matmul(a, b).astype(np.int32)]
    else:
        raise NotImplementedError(f"onnx_ref: operator {op} not supported")
    return [np.asarray(v) for v in r]
