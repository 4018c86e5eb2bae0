//===- ControlFlow.cpp - Loop and Scan handlers ---------------------------===//
//
// Loop and Scan, unrolled at import: the graphs Octet compiles are static, so
// a loop whose trip count the importer can see becomes that many copies of
// its body, each imported with its iteration's values bound to the body's
// inputs (If is in Importer.cpp).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::octet;
using namespace ::octet::onnx_import::detail;

/// The most iterations a Loop or Scan is unrolled over (as the recurrent
/// ops), and the most body nodes imported for one node in all.
constexpr int64_t kMaxIterations = 1024;
constexpr int64_t kMaxUnrolledNodes = int64_t{1} << 14;

/// Counts the nodes of `g` and of the graphs in its nodes' attributes.
static int64_t nodeCount(const onnx::GraphProto &g, int depth = 0) {
  int64_t count = g.node_size();
  if (depth > 64)
    return count;
  for (const auto &node : g.node())
    for (const auto &a : node.attribute()) {
      if (a.has_g())
        count += nodeCount(a.g(), depth + 1);
      for (const auto &sub : a.graphs())
        count += nodeCount(sub, depth + 1);
    }
  return count;
}

LogicalResult Importer::checkUnrolling(const NodeProto &n, const onnx::GraphProto &body,
                                       int64_t iterations) {
  if (iterations > kMaxIterations)
    return nodeError(n) << "unrolling " << iterations << " iterations is not supported (at most "
                        << kMaxIterations << ")";
  int64_t nodes = nodeCount(body) + 1;
  if (iterations * nodes > kMaxUnrolledNodes)
    return nodeError(n) << "unrolling " << iterations << " iterations of a body of " << nodes - 1
                        << " nodes is too large to compile (at most " << kMaxUnrolledNodes
                        << " nodes in all)";
  return success();
}

/// A constant of zeros of type `t`: float, integer, or quantized (its stored
/// integers zero).
FailureOr<Value> Importer::zerosFor(const NodeProto &n, RankedTensorType t, const Twine &what) {
  Type el = t.getElementType();
  if (isa<FloatType>(el))
    return createConstant(DenseElementsAttr::get(t, b.getFloatAttr(el, 0.0)), t, "");
  if (isa<IntegerType>(el))
    return createConstant(DenseElementsAttr::get(t, b.getIntegerAttr(el, 0)), t, "");
  if (auto q = dyn_cast<quant::QuantizedType>(el)) {
    Type storage = IntegerType::get(ctx, q.getStorageTypeIntegralWidth(),
                                    q.isSigned() ? IntegerType::Signless : IntegerType::Unsigned);
    auto st = t.clone(storage);
    return asQuant(n, createConstant(DenseElementsAttr::get(st, b.getIntegerAttr(storage, 0)), st, ""),
                   q);
  }
  return nodeError(n) << what << " of " << t << " is not supported";
}

/// `v` with a new axis of size 1 at `axis`.
FailureOr<Value> Importer::insertUnitAxis(const NodeProto &n, Value v, int64_t axis) {
  SmallVector<int64_t> shape(rtt(v).getShape());
  shape.insert(shape.begin() + axis, 1);
  return buildReshape(n, v, shape, false);
}

/// `parts` (one shape) stacked along a new axis `axis`; with no parts, an
/// empty tensor of the given entry type.
FailureOr<Value> Importer::stackAxis(const NodeProto &n, ArrayRef<Value> parts, int64_t axis,
                                     RankedTensorType entry, StringRef what) {
  if (parts.empty()) {
    SmallVector<int64_t> shape(entry.getShape());
    shape.insert(shape.begin() + axis, 0);
    return zerosFor(n, entry.clone(shape), Twine("an empty ") + what);
  }
  SmallVector<Value> grown;
  for (Value p : parts) {
    if (p.getType() != parts[0].getType())
      return nodeError(n) << what << " must have one type and shape in every iteration, got "
                          << parts[0].getType() << " and " << p.getType();
    auto g = insertUnitAxis(n, p, axis);
    if (failed(g))
      return failure();
    grown.push_back(*g);
  }
  return concatAxis(n, grown, axis);
}

/// The body's element type check: where a body input declares a tensor
/// element type, the value bound to it must have it.
LogicalResult Importer::checkBodyInputs(const NodeProto &n, const onnx::GraphProto &body,
                                        ArrayRef<Value> args) {
  if (body.input_size() != (int)args.size())
    return nodeError(n) << "the body has " << body.input_size() << " inputs, expected "
                        << args.size();
  for (auto [k, in] : llvm::enumerate(body.input())) {
    if (!args[k]) // a sequence (Loop's carried values)
      continue;
    if (!in.has_type() || !in.type().has_tensor_type() ||
        !in.type().tensor_type().has_elem_type() || in.type().tensor_type().elem_type() == 0)
      continue;
    auto el = elementType(in.type().tensor_type().elem_type(), [&] { return nodeError(n); });
    if (failed(el))
      return failure();
    // (A quantized value is checked by its stored integers.)
    Type got = getElementTypeOrSelf(asPlain(args[k]).getType());
    if (got != *el)
      return nodeError(n) << "body input '" << in.name() << "' is declared " << *el
                          << " but is given " << args[k].getType();
  }
  return success();
}

/// Loop (opsets 1-21): unrolled while its trip count and condition are known
/// at compile time. A trip count M (given) bounds the iterations; the body's
/// condition output must fold to a constant in every iteration, or, where M
/// is given and the loop has no scan outputs, the iterations past a false
/// condition are computed and discarded (each carried value selected by a
/// Where on the running condition). Scan outputs are stacked along a new
/// leading axis.
LogicalResult Importer::onLoop(const NodeProto &n) {
  const onnx::AttributeProto *bodyA = attr(n, "body");
  if (!bodyA || !bodyA->has_g())
    return nodeError(n) << "needs a body graph";
  const onnx::GraphProto &body = bodyA->g();
  int carried = n.input_size() - 2;
  if (carried < 0)
    return nodeError(n) << "needs the inputs M and cond (either may be empty)";
  int scans = body.output_size() - 1 - carried;
  if (body.input_size() != carried + 2 || scans < 0)
    return nodeError(n) << "the body has " << body.input_size() << " inputs and "
                        << body.output_size() << " outputs; with " << carried
                        << " loop-carried values it needs " << carried + 2
                        << " inputs and at least " << carried + 1 << " outputs";
  if (n.output_size() > carried + scans)
    return nodeError(n) << "has " << n.output_size() << " outputs; the body gives "
                        << carried + scans;
  for (int k = 2; k < n.input_size(); ++k)
    if (!input(n, k) && !sequences.count(n.input(k)))
      return nodeError(n) << "loop-carried value #" << k - 2 << " (input #" << k
                          << ") must be given";

  // The trip count and the initial condition.
  std::optional<int64_t> tripCount;
  if (Value m = input(n, 0)) {
    auto c = constOf(m);
    if (!c || c->isFloat || c->numElements() != 1)
      return nodeError(n) << "the trip count M must be a one-element integer constant (a loop "
                             "whose length is known only at run time is not supported)";
    tripCount = std::max<int64_t>(c->i[0], 0);
  }
  auto i1 = b.getI1Type();
  Value running; // the condition when known only at run time
  bool condKnown = true, condValue = true;
  if (Value c0 = input(n, 1)) {
    if (getElementTypeOrSelf(c0.getType()) != i1 || !rtt(c0).hasStaticShape() ||
        rtt(c0).getNumElements() != 1)
      return nodeError(n) << "cond must be a one-element bool tensor, got " << c0.getType();
    if (auto c = constOf(c0)) {
      condValue = c->i[0] != 0;
    } else {
      condKnown = false;
      auto r = buildReshape(n, c0, {}, false);
      if (failed(r))
        return failure();
      running = *r;
    }
  }
  if (!tripCount && !condKnown)
    return nodeError(n) << "a Loop without a trip count whose condition is known only at run "
                           "time is not supported";
  int64_t limit = tripCount ? *tripCount : kMaxIterations + 1;
  if (tripCount && failed(checkUnrolling(n, body, *tripCount)))
    return failure();

  // Carried values: tensors, or sequences (state null, seqState set): a
  // list built over the iterations (scripted torch's appends).
  SmallVector<Value> state;
  SmallVector<std::optional<Sequence>> seqState;
  for (int k = 2; k < n.input_size(); ++k) {
    auto seq = sequences.find(n.input(k));
    seqState.push_back(seq == sequences.end() ? std::nullopt
                                              : std::optional<Sequence>(seq->second));
    state.push_back(seqState.back() ? Value() : input(n, k));
  }
  bool carriesSequence = llvm::any_of(seqState, [](const auto &q) { return q.has_value(); });
  auto runTimeCondCarriesSequence = [&] {
    return nodeError(n) << "a Loop whose condition is known only at run time cannot carry a "
                           "sequence (its length would depend on the data)";
  };
  if (carriesSequence && !condKnown)
    return runTimeCondCarriesSequence();
  auto seqArgs = [&] {
    SmallVector<std::optional<Sequence>> a(2);
    a.append(seqState.begin(), seqState.end());
    return a;
  };
  SmallVector<SmallVector<Value>> scanParts(scans);
  SmallVector<RankedTensorType> scanTypes(scans);
  int64_t i = 0;
  auto int64 = b.getIntegerType(64);
  // The body's iteration number `it` and a true condition, in the shapes the
  // body declares (a scalar, or one element), then the carried values.
  auto bodyArgs = [&](int64_t it) {
    auto declared = [&](int k, Type el) {
      const auto &in = body.input(k);
      if (in.has_type() && in.type().has_tensor_type() &&
          in.type().tensor_type().has_shape() && in.type().tensor_type().shape().dim_size() == 1)
        return RankedTensorType::get({1}, el);
      return RankedTensorType::get({}, el);
    };
    auto iterT = declared(0, int64), condT = declared(1, i1);
    SmallVector<Value> args{
        createConstant(DenseElementsAttr::get(iterT, b.getIntegerAttr(int64, it)), iterT, ""),
        createConstant(DenseElementsAttr::get(condT, b.getBoolAttr(true)), condT, "")};
    args.append(state.begin(), state.end());
    return args;
  };
  for (; i < limit && (!condKnown || condValue); ++i) {
    if (!tripCount && i >= kMaxIterations)
      return nodeError(n) << "the loop's condition stays true past " << kMaxIterations
                          << " iterations (at most " << kMaxIterations << " are unrolled)";
    if (!tripCount && failed(checkUnrolling(n, body, i + 1)))
      return failure();
    SmallVector<Value> args = bodyArgs(i);
    if (failed(checkBodyInputs(n, body, args)))
      return failure();
    SmallVector<Value> outs;
    SmallVector<std::optional<Sequence>> seqOuts;
    if (failed(importSubgraph(n, body, "body", args, outs, seqArgs(), &seqOuts)))
      return failure();
    for (int k = 0; k < (int)outs.size(); ++k) {
      bool isSeq = seqOuts[k].has_value();
      bool wantSeq = k >= 1 && k <= carried && seqState[k - 1].has_value();
      if (isSeq != wantSeq)
        return nodeError(n) << "body output '" << body.output(k).name() << "' is a "
                            << (isSeq ? "sequence" : "tensor") << " where "
                            << (k == 0 ? "the condition" : k <= carried ? "its carried value"
                                                                         : "a scan output")
                            << " is a " << (wantSeq ? "sequence" : "tensor");
      if (isSeq && seqOuts[k]->element != seqState[k - 1]->element)
        return nodeError(n) << "loop-carried sequence #" << k - 1 << " holds "
                            << seqState[k - 1]->element << " tensors, and the body's holds "
                            << seqOuts[k]->element;
    }
    Value condOut = outs[0];
    if (getElementTypeOrSelf(condOut.getType()) != i1 || !rtt(condOut).hasStaticShape() ||
        rtt(condOut).getNumElements() != 1)
      return nodeError(n) << "the body's condition output must be a one-element bool tensor, "
                             "got "
                          << condOut.getType();
    SmallVector<Value> next(outs.begin() + 1, outs.begin() + 1 + carried);
    if (!condKnown) {
      // Iterations after the condition turned false keep the old values.
      for (int k = 0; k < carried; ++k) {
        if (state[k].getType() != next[k].getType())
          return nodeError(n) << "with a condition known only at run time, loop-carried value #"
                              << k << " must keep its type and shape, got "
                              << state[k].getType() << " and " << next[k].getType();
        Value o = asPlain(state[k]), nw = asPlain(next[k]);
        auto w = buildWhere(n, running, nw, o);
        // (A quantized value keeps its quantization: the selection is of
        // its stored integers, with one quantization in both.)
        if (succeeded(w) && o.getType() != state[k].getType())
          w = asQuant(n, *w,
                      cast<quant::QuantizedType>(getElementTypeOrSelf(state[k].getType())));
        if (failed(w))
          return failure();
        next[k] = *w;
      }
    }
    for (int k = 0; k < scans; ++k) {
      Value v = outs[1 + carried + k];
      scanParts[k].push_back(v);
      scanTypes[k] = rtt(v);
    }
    state = std::move(next);
    for (int k = 0; k < carried; ++k)
      if (seqState[k])
        seqState[k] = seqOuts[1 + k];
    auto c = constOf(condOut);
    if (condKnown && c) {
      condValue = c->i[0] != 0;
      continue;
    }
    if (scans > 0)
      return nodeError(n) << "a Loop whose condition is known only at run time cannot have scan "
                             "outputs (their length would depend on the data)";
    if (carriesSequence)
      return runTimeCondCarriesSequence();
    if (!tripCount)
      return nodeError(n) << "a Loop without a trip count whose condition is known only at run "
                             "time is not supported";
    auto r = buildReshape(n, condOut, {}, false);
    if (failed(r))
      return failure();
    if (condKnown) {
      running = *r;
    } else {
      auto both = buildBinary(n, "And", running, *r, i1);
      if (failed(both))
        return failure();
      running = *both;
    }
    condKnown = false;
  }
  // Scan outputs of a loop that ran no iteration: their entry types come
  // from a body imported once for its shapes.
  if (i == 0 && scans > 0) {
    SmallVector<Value> args = bodyArgs(0);
    SmallVector<Value> outs;
    SmallVector<std::optional<Sequence>> seqOuts;
    if (failed(checkBodyInputs(n, body, args)) ||
        failed(importSubgraph(n, body, "body", args, outs, seqArgs(), &seqOuts)))
      return failure();
    for (int k = 0; k < scans; ++k)
      if (!outs[1 + carried + k])
        return nodeError(n) << "body output '" << body.output(1 + carried + k).name()
                            << "' is a sequence where a scan output is a tensor";
    for (int k = 0; k < scans; ++k)
      scanTypes[k] = rtt(outs[1 + carried + k]);
  }
  for (int k = 0; k < carried; ++k) {
    if (!seqState[k]) {
      define(n, k, state[k]);
      continue;
    }
    if (k < n.output_size() && !n.output(k).empty()) {
      values.erase(n.output(k));
      sequences[n.output(k)] = *seqState[k];
    }
  }
  for (int k = 0; k < scans && carried + k < n.output_size(); ++k) {
    auto s = stackAxis(n, scanParts[k], 0, scanTypes[k], "scan output");
    if (failed(s))
      return failure();
    define(n, carried + k, *s);
  }
  return success();
}

/// Scan (opset 8, with a batch axis, and opsets 9-21): unrolled over the
/// scan inputs' static length; each iteration's body gets the states and one
/// slice of every scan input (forward or reverse, along any axis), and its
/// scan outputs are stacked along their axes (reversed where asked).
LogicalResult Importer::onScan(const NodeProto &n) {
  const onnx::AttributeProto *bodyA = attr(n, "body");
  if (!bodyA || !bodyA->has_g())
    return nodeError(n) << "needs a body graph";
  const onnx::GraphProto &body = bodyA->g();
  int64_t m = attrInt(n, "num_scan_inputs", -1);
  bool batched = opset < 9;
  int first = batched ? 1 : 0; // opset 8's sequence_lens
  if (m < 1 || m > n.input_size() - first)
    return nodeError(n) << "num_scan_inputs must be between 1 and the number of inputs ("
                        << n.input_size() - first << "), got " << m;
  int64_t states = n.input_size() - first - m;
  int64_t scansOut = body.output_size() - states;
  if (body.input_size() != states + m || scansOut < 0)
    return nodeError(n) << "the body has " << body.input_size() << " inputs and "
                        << body.output_size() << " outputs; with " << states << " states and "
                        << m << " scan inputs it needs " << states + m
                        << " inputs and at least " << states << " outputs";
  if (n.output_size() > states + scansOut)
    return nodeError(n) << "has " << n.output_size() << " outputs; the body gives "
                        << states + scansOut;
  for (int k = first; k < n.input_size(); ++k)
    if (!input(n, k))
      return nodeError(n) << "input #" << k << " must be given";
  auto ints = [&](const char *name, int64_t count) -> FailureOr<SmallVector<int64_t>> {
    SmallVector<int64_t> v(count, 0);
    if (auto *a = attr(n, name)) {
      if (a->ints_size() != count)
        return nodeError(n) << name << " has " << a->ints_size() << " entries, expected "
                            << count;
      v.assign(a->ints().begin(), a->ints().end());
    }
    return v;
  };
  auto inDirs = ints(batched ? "directions" : "scan_input_directions", m);
  auto inAxes = batched ? FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>(m, 0))
                        : ints("scan_input_axes", m);
  auto outDirs = batched ? FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>(scansOut, 0))
                         : ints("scan_output_directions", scansOut);
  auto outAxes = batched ? FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>(scansOut, 0))
                         : ints("scan_output_axes", scansOut);
  if (failed(inDirs) || failed(inAxes) || failed(outDirs) || failed(outAxes))
    return failure();
  for (auto *dirs : {&*inDirs, &*outDirs})
    for (int64_t d : *dirs)
      if (d != 0 && d != 1)
        return nodeError(n) << "scan directions must be 0 (forward) or 1 (reverse), got " << d;

  SmallVector<Value> initial, xs;
  for (int k = first; k < first + states; ++k)
    initial.push_back(input(n, k));
  for (int k = first + states; k < n.input_size(); ++k)
    xs.push_back(input(n, k));

  // Opset 8: every input has a leading batch axis, the scan inputs their
  // sequence next; each batch entry is scanned alone and the results stacked.
  int64_t batch = 1;
  SmallVector<int64_t> steps; // opset 8's sequence_lens, when given
  if (batched) {
    for (Value v : llvm::concat<Value>(initial, xs))
      if (rtt(v).getRank() < 1 || ShapedType::isDynamic(rtt(v).getDimSize(0)))
        return nodeError(n) << "opset 8 Scan inputs need a static leading batch axis, got "
                            << v.getType();
    batch = rtt(xs[0]).getDimSize(0);
    for (Value v : llvm::concat<Value>(initial, xs))
      if (rtt(v).getDimSize(0) != batch)
        return nodeError(n) << "the inputs' batch sizes differ: " << batch << " and "
                            << rtt(v).getDimSize(0);
    // Every batch entry is a scan of its own: the iterations are counted
    // over them all (batch first, so the product cannot overflow).
    int64_t seq = rtt(xs[0]).getRank() >= 2 ? rtt(xs[0]).getDimSize(1) : 0;
    if (failed(checkUnrolling(n, body, batch)) ||
        (!ShapedType::isDynamic(seq) && failed(checkUnrolling(n, body, batch * seq))))
      return failure();
    if (Value lens = input(n, 0)) {
      auto c = constOf(lens);
      if (!c || c->isFloat || c->numElements() != batch)
        return nodeError(n) << "sequence_lens must be an integer constant of " << batch
                            << " entries (one per batch entry)";
      for (int64_t l : c->i)
        if (l < 0 || ShapedType::isDynamic(seq) || l > seq)
          return nodeError(n) << "sequence_lens entry " << l << " is outside [0, " << seq
                              << "], the sequence length";
      steps.assign(c->i.begin(), c->i.end());
    }
  }
  SmallVector<SmallVector<Value>> finalStates(states), stackedOuts(scansOut);
  SmallVector<RankedTensorType> entryTypes(states + scansOut);
  // An empty batch scans one zero entry, for the outputs' entry types only.
  for (int64_t bi = 0; bi < std::max<int64_t>(batch, 1); ++bi) {
    SmallVector<Value> st, in;
    auto entry = [&](Value v) -> FailureOr<Value> {
      if (!batched)
        return v;
      if (batch > 0)
        return leadingEntry(n, v, bi);
      return zerosFor(n, rtt(v).clone(rtt(v).getShape().drop_front()), "an empty batch");
    };
    for (Value v : initial) {
      auto e = entry(v);
      if (failed(e))
        return failure();
      st.push_back(*e);
    }
    for (Value v : xs) {
      auto e = entry(v);
      if (failed(e))
        return failure();
      in.push_back(*e);
    }
    SmallVector<Value> outs;
    if (failed(scanOnce(n, body, st, in, *inAxes, *inDirs, *outAxes, *outDirs, outs,
                        steps.empty() ? -1 : steps[bi])))
      return failure();
    for (int64_t k = 0; k < states + scansOut; ++k)
      entryTypes[k] = rtt(outs[k]);
    if (batch == 0)
      break;
    for (int64_t k = 0; k < states; ++k)
      finalStates[k].push_back(outs[k]);
    for (int64_t k = 0; k < scansOut; ++k)
      stackedOuts[k].push_back(outs[states + k]);
  }
  for (int64_t k = 0; k < states + scansOut && k < n.output_size(); ++k) {
    auto &parts = k < states ? finalStates[k] : stackedOuts[k - states];
    if (!batched) {
      define(n, k, parts[0]);
      continue;
    }
    auto s = stackAxis(n, parts, 0, entryTypes[k], "output");
    if (failed(s))
      return failure();
    define(n, k, *s);
  }
  return success();
}

/// One Scan (without a batch axis): the final states, then the stacked
/// scan outputs. With `steps` (opset 8's sequence_lens entry) only the
/// first `steps` entries of the sequence are scanned (a reversed input from
/// entry steps - 1 down), and the scan outputs are zero past them, as ONNX
/// Runtime fills them.
LogicalResult Importer::scanOnce(const NodeProto &n, const onnx::GraphProto &body,
                                 ArrayRef<Value> initial, ArrayRef<Value> xs,
                                 ArrayRef<int64_t> inAxes, ArrayRef<int64_t> inDirs,
                                 ArrayRef<int64_t> outAxes, ArrayRef<int64_t> outDirs,
                                 SmallVector<Value> &results, int64_t steps) {
  int64_t states = initial.size(), scansOut = outAxes.size();
  SmallVector<int64_t> axes;
  int64_t len = -1;
  for (auto [k, x] : llvm::enumerate(xs)) {
    int64_t rank = rtt(x).getRank();
    auto a = normAxis(inAxes[k], rank);
    if (!a)
      return nodeError(n) << "scan input axis " << inAxes[k] << " is out of range for scan input #"
                          << k << " of rank " << rank;
    int64_t l = rtt(x).getDimSize(*a);
    if (ShapedType::isDynamic(l))
      return nodeError(n) << "scan input #" << k << " has a sequence length known only at run "
                          << "time (" << x.getType() << "); give it with --input-shape";
    if (len >= 0 && l != len)
      return nodeError(n) << "the scan inputs' sequence lengths differ: " << len << " and " << l;
    len = l;
    axes.push_back(*a);
  }
  if (failed(checkUnrolling(n, body, len)))
    return failure();
  int64_t full = len;
  if (steps >= 0)
    len = steps;
  SmallVector<Value> state(initial);
  SmallVector<SmallVector<Value>> parts(scansOut);
  SmallVector<RankedTensorType> entryTypes(scansOut);
  // With an empty sequence the body is imported once, on zero slices, for
  // the scan outputs' entry types.
  int64_t passes = std::max<int64_t>(len, 1);
  for (int64_t t = 0; t < passes; ++t) {
    SmallVector<Value> args(state);
    for (auto [k, x] : llvm::enumerate(xs)) {
      int64_t at = inDirs[k] ? len - 1 - t : t;
      SmallVector<int64_t> shape(rtt(x).getShape());
      shape.erase(shape.begin() + axes[k]);
      if (len == 0) {
        auto z = zerosFor(n, rtt(x).clone(shape), "an empty scan input");
        if (failed(z))
          return failure();
        args.push_back(*z);
        continue;
      }
      auto s = sliceAxis(n, x, axes[k], at, 1);
      if (failed(s))
        return failure();
      auto r = buildReshape(n, *s, shape, false);
      if (failed(r))
        return failure();
      args.push_back(*r);
    }
    if (failed(checkBodyInputs(n, body, args)))
      return failure();
    SmallVector<Value> outs;
    if (failed(importSubgraph(n, body, "body", args, outs)))
      return failure();
    for (int64_t k = 0; k < scansOut; ++k)
      entryTypes[k] = rtt(outs[states + k]);
    if (len == 0)
      break;
    state.assign(outs.begin(), outs.begin() + states);
    for (int64_t k = 0; k < scansOut; ++k)
      parts[k].push_back(outs[states + k]);
  }
  results.assign(state.begin(), state.end());
  for (int64_t k = 0; k < scansOut; ++k) {
    int64_t rank = entryTypes[k].getRank() + 1;
    auto a = normAxis(outAxes[k], rank);
    if (!a)
      return nodeError(n) << "scan output axis " << outAxes[k] << " is out of range for scan "
                          << "output #" << k << " of rank " << rank;
    if (outDirs[k])
      std::reverse(parts[k].begin(), parts[k].end());
    auto s = stackAxis(n, parts[k], *a, entryTypes[k], "scan output");
    if (failed(s))
      return failure();
    if (len < full) {
      SmallVector<int64_t> padShape(entryTypes[k].getShape());
      padShape.insert(padShape.begin() + *a, full - len);
      auto pad = zerosFor(n, entryTypes[k].clone(padShape), "a scan output past sequence_lens");
      if (failed(pad))
        return failure();
      s = concatAxis(n, {*s, *pad}, *a);
      if (failed(s))
        return failure();
    }
    results.push_back(*s);
  }
  return success();
}
