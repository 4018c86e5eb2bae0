#!/usr/bin/python3
"""Exports test models with Debian's torch 1.13 (random weights, no downloads).

usage: torch_models.py NAME OUT.onnx [SIZE]
NAME: a torchvision classifier (resnet18, mobilenet_v2, mobilenet_v3_small,
      efficientnet_b0, regnet_x_400mf, mnasnet0_5, resnext50_32x4d,
      densenet121, convnext_tiny, ...; 1x3xSIZExSIZE input, 64 by default)
      | bert13 | bert17,
      each optionally with -qnnpack or -onednn
Quantized variants use torch's own FX post-training quantization with the
named engine, calibrated on random data, and are exported as QDQ.
"""
import sys
import warnings

import torch
import torchvision

warnings.filterwarnings("ignore")
torch.manual_seed(0)


class EncoderLayer(torch.nn.Module):
    """A BERT-style encoder layer with LayerNorm written out (opset 13) or
    as nn.LayerNorm (exported as LayerNormalization at opset 17)."""

    def __init__(self, d=64, heads=4, ff=128):
        super().__init__()
        self.h, self.dk = heads, d // heads
        self.q = torch.nn.Linear(d, d)
        self.k = torch.nn.Linear(d, d)
        self.v = torch.nn.Linear(d, d)
        self.o = torch.nn.Linear(d, d)
        self.ln1 = torch.nn.LayerNorm(d)
        self.ff1 = torch.nn.Linear(d, ff)
        self.ff2 = torch.nn.Linear(ff, d)
        self.ln2 = torch.nn.LayerNorm(d)

    def forward(self, x):
        b, s, d = x.size(0), x.size(1), x.size(2)
        def split(t):
            return t.view(b, s, self.h, self.dk).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        att = torch.softmax(q @ k.transpose(-2, -1) / (self.dk ** 0.5), dim=-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, s, d)
        x = self.ln1(x + self.o(ctx))
        y = self.ff2(torch.nn.functional.gelu(self.ff1(x)))
        return self.ln2(x + y)


def quantize(model, example, engine):
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.backends.quantized.engine = engine
    prepared = prepare_fx(model, get_default_qconfig_mapping(engine), (example,))
    with torch.no_grad():
        for _ in range(4):
            prepared(torch.randn_like(example))
    return convert_fx(prepared)


def build(name, size=64):
    """The torch module (quantized when the name has an engine) and an example input
    (1x3xSIZExSIZE for torchvision models)."""
    base, _, engine = name.partition("-")
    if base in ("bert13", "bert17"):
        model = EncoderLayer().eval()
        example = torch.randn(1, 8, 64)
    elif callable(getattr(torchvision.models, base, None)) and not base.startswith("_"):
        model = getattr(torchvision.models, base)().eval()
        example = torch.randn(1, 3, size, size)
    else:
        sys.exit("unknown model " + name)
    if engine:
        model = quantize(model, example, engine)
    return model, example


def export(model, example, out, name, dynamic_batch=False):
    base = name.partition("-")[0]
    opset = int(base[4:]) if base.startswith("bert") else 13
    axes = {"input": {0: "N"}, "output": {0: "N"}} if dynamic_batch else None
    with torch.no_grad():
        torch.onnx.export(model, example, out, opset_version=opset,
                          input_names=["input"], output_names=["output"], dynamic_axes=axes)


def main():
    # torch_models.py NAME OUT.onnx [SIZE] [--dynamic-batch]: the batch
    # dimension symbolic ("N") with --dynamic-batch.
    args = [a for a in sys.argv[1:] if a != "--dynamic-batch"]
    name, out = args[0], args[1]
    size = int(args[2]) if len(args) > 2 else 64
    model, example = build(name, size)
    export(model, example, out, name, "--dynamic-batch" in sys.argv)


if __name__ == "__main__":
    main()
