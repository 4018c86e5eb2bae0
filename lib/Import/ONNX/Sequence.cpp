//===- Sequence.cpp - ONNX sequence ops inside a graph --------------------===//
//
// SequenceConstruct, SequenceEmpty, SequenceInsert, SequenceErase,
// SequenceAt, SequenceLength, SplitToSequence and ConcatFromSequence, where
// the sequence stays inside the graph and its length and positions are known
// when it is compiled (what a scripted torch.split / list / torch.cat
// exports). A sequence is then a list of tensor values, kept by the importer
// beside the tensors; no op of the dialect sees one. Sequences as graph
// inputs or outputs, or carried through Loop iterations, are errors: the
// ABI passes tensors.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

/// A sequence longer than this is refused (a SplitToSequence of a huge
/// dimension would make one value per element).
static constexpr int64_t kMaxSequenceLength = 4096;

bool Importer::takesSequence(const NodeProto &n, int k) {
  StringRef op = n.op_type();
  return k == 0 && (op == "SequenceInsert" || op == "SequenceErase" || op == "SequenceAt" ||
                    op == "SequenceLength" || op == "ConcatFromSequence");
}

bool Importer::mayTakeSequence(const NodeProto &n, int k) {
  StringRef op = n.op_type();
  return (op == "Loop" && k >= 2) || (op == "Identity" && k == 0);
}

LogicalResult Importer::onSequence(const NodeProto &n) {
  StringRef op = n.op_type();
  // A constant position in [-len, len) (or [-len, len] to insert).
  auto position = [&](int k, int64_t len, bool insert, int64_t def) -> FailureOr<int64_t> {
    Value v = input(n, k);
    if (!v)
      return def;
    auto c = constOf(v);
    if (!c || c->isFloat || c->i.size() != 1 || rtt(v).getRank() != 0)
      return nodeError(n) << "position (input #" << k
                          << ") must be a constant integer scalar";
    int64_t p = c->i[0], hi = insert ? len : len - 1;
    if (p < -len || p > hi)
      return nodeError(n) << "position " << p << " is out of range for a sequence of " << len
                          << (len == 1 ? " tensor" : " tensors");
    return p < 0 ? p + len : p;
  };
  auto seqIn = [&]() -> FailureOr<Sequence> {
    // (A node with no inputs at all: found by tools/octet-fuzz-import.)
    if (n.input_size() == 0 || n.input(0).empty())
      return nodeError(n) << "missing required input #0";
    auto it = sequences.find(n.input(0));
    if (it == sequences.end())
      return nodeError(n) << "input '" << n.input(0) << "' must be a sequence";
    return it->second;
  };
  auto defineSeq = [&](Sequence s) -> LogicalResult {
    if ((int64_t)s.values.size() > kMaxSequenceLength)
      return nodeError(n) << "makes a sequence of " << s.values.size()
                          << " tensors (at most " << kMaxSequenceLength << ")";
    values.erase(n.output(0));
    sequences[n.output(0)] = std::move(s);
    return success();
  };
  auto sameType = [&](const Sequence &s, Value v) -> LogicalResult {
    if (rtt(v).getElementType() != s.element)
      return nodeError(n) << "tensor of element type " << rtt(v).getElementType()
                          << " in a sequence of " << s.element;
    return success();
  };

  if (op == "SequenceConstruct") {
    Sequence s;
    for (int k = 0; k < n.input_size(); ++k) {
      Value v = input(n, k);
      if (!v)
        return nodeError(n) << "missing required input #" << k;
      v = asPlain(v);
      if (k == 0)
        s.element = rtt(v).getElementType();
      if (failed(sameType(s, v)))
        return failure();
      s.values.push_back(v);
    }
    if (s.values.empty())
      return nodeError(n) << "needs at least one input";
    return defineSeq(std::move(s));
  }
  if (op == "SequenceEmpty") {
    Sequence s;
    auto el = elementType(attrInt(n, "dtype", onnx::TensorProto::FLOAT),
                          [&] { return nodeError(n); });
    if (failed(el))
      return failure();
    s.element = *el;
    return defineSeq(std::move(s));
  }
  if (op == "SplitToSequence") {
    if (failed(need(n, {0})))
      return failure();
    Value x = asPlain(input(n, 0));
    auto xt = rtt(x);
    auto axis = normAxis(attrInt(n, "axis", 0), xt.getRank());
    if (!axis)
      return nodeError(n) << "axis out of range";
    int64_t dim = xt.getDimSize(*axis);
    if (dim == kDyn)
      return nodeError(n) << "needs a static dimension " << *axis << ", got " << xt;
    SmallVector<int64_t> sizes;
    bool squeeze = false;
    if (Value sv = input(n, 1)) {
      auto c = constOf(sv);
      if (!c || c->isFloat || rtt(sv).getRank() > 1)
        return nodeError(n) << "split (input #1) must be an integer constant scalar or 1-D tensor";
      if (rtt(sv).getRank() == 0) {
        int64_t chunk = c->i.empty() ? 0 : c->i[0];
        if (chunk <= 0)
          return nodeError(n) << "split size " << chunk << " must be positive";
        if (dim / chunk >= kMaxSequenceLength)
          return nodeError(n) << "makes a sequence of more than " << kMaxSequenceLength
                              << " tensors";
        for (int64_t s = 0; s < dim; s += chunk)
          sizes.push_back(std::min(chunk, dim - s));
      } else {
        sizes.assign(c->i.begin(), c->i.end());
      }
    } else {
      if (dim > kMaxSequenceLength)
        return nodeError(n) << "makes a sequence of " << dim << " tensors (at most "
                            << kMaxSequenceLength << ")";
      sizes.assign(dim, 1);
      squeeze = attrInt(n, "keepdims", 1) == 0;
    }
    auto parts = splitAlong(n, x, *axis, sizes);
    if (failed(parts))
      return failure();
    Sequence s;
    s.element = xt.getElementType();
    for (Value part : *parts) {
      if (squeeze) {
        SmallVector<int64_t> shape(rtt(part).getShape());
        shape.erase(shape.begin() + *axis);
        auto r = buildReshape(n, part, shape, false);
        if (failed(r))
          return failure();
        part = *r;
      }
      s.values.push_back(part);
    }
    return defineSeq(std::move(s));
  }

  // The ops that read a sequence.
  auto in = seqIn();
  if (failed(in))
    return failure();
  Sequence s = *in;
  int64_t len = s.values.size();
  if (op == "SequenceLength") {
    ConstTensor c;
    c.i = {len};
    auto t = RankedTensorType::get({}, b.getI64Type());
    define(n, 0, createConstant(c.write(t), t, n.output(0)));
    return success();
  }
  if (op == "SequenceAt") {
    if (!input(n, 1))
      return nodeError(n) << "missing required input #1";
    auto p = position(1, len, false, 0);
    if (failed(p))
      return failure();
    define(n, 0, s.values[*p]);
    return success();
  }
  if (op == "SequenceErase") {
    if (len == 0)
      return nodeError(n) << "erases from an empty sequence";
    auto p = position(1, len, false, len - 1);
    if (failed(p))
      return failure();
    s.values.erase(s.values.begin() + *p);
    return defineSeq(std::move(s));
  }
  if (op == "SequenceInsert") {
    Value v = input(n, 1);
    if (!v)
      return nodeError(n) << "missing required input #1";
    v = asPlain(v);
    if (failed(sameType(s, v)))
      return failure();
    auto p = position(2, len, true, len);
    if (failed(p))
      return failure();
    s.values.insert(s.values.begin() + *p, v);
    return defineSeq(std::move(s));
  }
  // ConcatFromSequence.
  if (!attr(n, "axis"))
    return nodeError(n) << "missing required attribute 'axis'";
  if (len == 0)
    return nodeError(n) << "concatenates an empty sequence";
  SmallVector<Value> ins(s.values);
  if (attrInt(n, "new_axis", 0) != 0) {
    // Stacked: each tensor gains a dimension of 1 at the axis, counted in
    // the result's rank.
    int64_t rank = rtt(ins[0]).getRank();
    auto axis = normAxis(attrInt(n, "axis", 0), rank + 1);
    if (!axis)
      return nodeError(n) << "axis out of range";
    for (Value &v : ins) {
      if (rtt(v).getRank() != rank)
        return nodeError(n) << "stacks tensors of different ranks";
      SmallVector<int64_t> shape(rtt(v).getShape());
      shape.insert(shape.begin() + *axis, 1);
      auto r = buildReshape(n, v, shape, false);
      if (failed(r))
        return failure();
      v = *r;
    }
  }
  return defineConcat(n, ins);
}
