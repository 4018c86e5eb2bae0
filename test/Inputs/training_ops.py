#!/usr/bin/python3
"""The optimizers of ai.onnx.preview.training (Adagrad, Adam, Momentum)
compiled by octetc and run by octet-run, against the update rules of the
ONNX operator specification evaluated here in float64 with numpy.

usage: training_ops.py models OUTDIR          (the valid and the bad models)
       training_ops.py check TOOLS_DIR OUTDIR (compile, run, compare)

R and T are graph inputs, so one artifact is run at several step counts
(T = 0 takes no bias correction, and Momentum's first step weighs the
gradient by 1)."""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP
from onnx import helper as h

DOMAIN = "ai.onnx.preview.training"
SHAPES = [(3, 5), (7,)]


def vi(name, elem, shape):
    return h.make_tensor_value_info(name, elem, shape)


def optimizer(op, state, elem=TP.FLOAT, shapes=SHAPES, r_elem=TP.FLOAT, t_elem=TP.INT64,
              outputs=None, inputs=None, **attrs):
    """One node over len(shapes) tensors; `state` names the state inputs."""
    n = len(shapes)
    groups = ["X", "G"] + list(state)
    names = inputs or (["R", "T"] + ["%s%d" % (g, i) for g in groups for i in range(n)])
    outs = outputs or ["%s%d_new" % (g, i) for g in ["X"] + list(state) for i in range(n)]
    ins = [vi("R", r_elem, []), vi("T", t_elem, [])]
    ins += [vi("%s%d" % (g, i), elem, list(shapes[i])) for g in groups for i in range(n)]
    ins = [v for v in ins if v.name in names]
    node = h.make_node(op, names, outs, name="opt", domain=DOMAIN, **attrs)
    g = h.make_graph([node], "g", ins, [vi(o, elem, None) for o in outs])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 17), h.make_opsetid(DOMAIN, 1)])
    m.ir_version = 8
    return m


MODELS = {
    "adagrad": lambda: optimizer("Adagrad", "H", decay_factor=0.1, epsilon=1e-5,
                                 norm_coefficient=0.001),
    "adagrad_default": lambda: optimizer("Adagrad", "H"),
    "adam": lambda: optimizer("Adam", "VH", alpha=0.9, beta=0.999, epsilon=1e-6,
                              norm_coefficient=0.01, norm_coefficient_post=0.001),
    "adam_f64": lambda: optimizer("Adam", "VH", elem=TP.DOUBLE, alpha=0.8, beta=0.95),
    "momentum": lambda: optimizer("Momentum", "V", alpha=0.9, beta=0.5, mode="standard",
                                  norm_coefficient=0.02),
    "nesterov": lambda: optimizer("Momentum", "V", alpha=0.85, beta=0.7, mode="nesterov",
                                  norm_coefficient=0.0),
    # Errors.
    "bad_count": lambda: optimizer("Adam", "VH", inputs=["R", "T", "X0", "X1", "G0", "G1",
                                                         "V0", "V1", "H0"]),
    "bad_outputs": lambda: optimizer("Adagrad", "H", shapes=[(2,)],
                                     outputs=["a", "b", "c"]),
    "bad_momentum_attr": lambda: optimizer("Momentum", "V", alpha=0.9, beta=0.5,
                                           mode="standard"),
    "bad_momentum_mode": lambda: optimizer("Momentum", "V", alpha=0.9, beta=0.5, mode="heavy",
                                           norm_coefficient=0.0),
    "bad_t_type": lambda: optimizer("Adagrad", "H", t_elem=TP.FLOAT),
    "bad_r_type": lambda: optimizer("Adagrad", "H", r_elem=TP.INT32),
    "bad_x_type": lambda: optimizer("Adagrad", "H", elem=TP.INT32),
}


def reference(op, attrs, r, t, xs, gs, states):
    """The specification's update, in float64: the new X's, then the
    states' new values."""
    a = {k: float(v) for k, v in attrs.items() if k != "mode"}
    r, t = float(r), int(t)
    nc = a.get("norm_coefficient", 0.0)
    new_x, new_s = [], [[] for _ in states]
    for i, (x, g) in enumerate(zip(xs, gs)):
        x, g = x.astype(np.float64), g.astype(np.float64)
        gr = nc * x + g
        if op == "Adagrad":
            rate = r / (1 + t * a.get("decay_factor", 0.0))
            hn = states[0][i] + gr * gr
            new_x.append(x - rate * gr / (np.sqrt(hn) + a.get("epsilon", 1e-6)))
            new_s[0].append(hn)
        elif op == "Momentum":
            bt = a["beta"] if t > 0 else 1.0
            vn = a["alpha"] * states[0][i] + bt * gr
            d = gr + a["alpha"] * vn if attrs["mode"] == "nesterov" else vn
            new_x.append(x - r * d)
            new_s[0].append(vn)
        else:
            al, be = a.get("alpha", 0.9), a.get("beta", 0.999)
            vn = al * states[0][i] + (1 - al) * gr
            hn = be * states[1][i] + (1 - be) * gr * gr
            rate = r * np.sqrt(1 - be ** t) / (1 - al ** t) if t > 0 else r
            xn = x - rate * (vn / (np.sqrt(hn) + a.get("epsilon", 1e-6)))
            new_x.append((1 - a.get("norm_coefficient_post", 0.0)) * xn)
            new_s[0].append(vn)
            new_s[1].append(hn)
    return new_x + [s for ss in new_s for s in ss]


def check(tools, out):
    failed = 0
    rng = np.random.RandomState(7)
    for name in [k for k in MODELS if not k.startswith("bad_")]:
        path = os.path.join(out, name + ".onnx")
        so = os.path.join(out, name + ".so")
        subprocess.run([os.path.join(tools, "octetc"), path, "--target=cpu",
                        "--emit=shared-lib", "-o", so], check=True)
        m = onnx.load(path)
        node = m.graph.node[0]
        attrs = {a.name: h.get_attribute_value(a) for a in node.attribute}
        attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in attrs.items()}
        # (Attributes are float32 in the file: the reference takes them so.)
        dt = np.float64 if m.graph.input[2].type.tensor_type.elem_type == TP.DOUBLE else np.float32
        n = len(SHAPES)
        groups = (len(node.input) - 2) // n
        for t in (0, 1, 7):
            arrays = {}
            for k, i in enumerate(m.graph.input[2:]):
                shape = [d.dim_value for d in i.type.tensor_type.shape.dim]
                v = rng.uniform(-2, 2, shape).astype(dt)
                if i.name[0] == "H":  # accumulated squares: non-negative
                    v = np.abs(v)
                arrays[i.name] = v
            arrays["R"] = np.array(0.05, np.float32)
            arrays["T"] = np.array(t, np.int64)
            cmd = [os.path.join(tools, "octet-run"), so, "--threads=1"]
            for k, v in arrays.items():
                p = os.path.join(out, "%s.%s.npy" % (name, k))
                np.save(p, v)
                cmd += ["--input", "%s=@%s" % (k, p)]
            for o in node.output:
                cmd += ["--output", "%s=@%s" % (o, os.path.join(out, "%s.out.%s.npy" % (name, o)))]
            subprocess.run(cmd, check=True)
            ins = [arrays[v] for v in node.input[2:]]
            xs, gs = ins[:n], ins[n:2 * n]
            states = [[x.astype(np.float64) for x in ins[(2 + s) * n:(3 + s) * n]]
                      for s in range(groups - 2)]
            want = reference(node.op_type, attrs, arrays["R"], t, xs, gs, states)
            tol = 1e-12 if dt == np.float64 else 2e-6
            for o, w in zip(node.output, want):
                got = np.load(os.path.join(out, "%s.out.%s.npy" % (name, o)))
                if got.dtype != dt or got.shape != w.shape or not np.allclose(got, w, rtol=tol,
                                                                            atol=tol):
                    print("FAIL %s T=%d %s: max diff %g" %
                          (name, t, o, np.abs(got.astype(np.float64) - w).max()))
                    failed += 1
        print("%s: checked at T = 0, 1, 7" % name)
    print("FAILED" if failed else "all match the specification's rules")
    return 1 if failed else 0


def main():
    if sys.argv[1] == "models":
        out = sys.argv[2]
        os.makedirs(out, exist_ok=True)
        for k, f in MODELS.items():
            onnx.save(f(), os.path.join(out, k + ".onnx"))
        return 0
    return check(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    sys.exit(main())
