//===- Elementwise.cpp - elementwise ops ------------------------------------===//
//
// Lowerings of the elementwise octet ops: binary arithmetic (with ONNX
// Runtime's QLinearAdd and QLinearMul rules), unary math, clamp, compare,
// where, mod and cast.
//
//===----------------------------------------------------------------------===//

#include "octet/Conversion/OctetToLinalg/IntegerRules.h"
#include "octet/Conversion/OctetToLinalg/LoweringUtils.h"
#include "octet/Conversion/OctetToLinalg/OctetToLinalg.h"
#include "octet/Dialect/Octet/OctetDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineExpr.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::octet;

namespace {

struct ClampLowering : OctetPattern<ClampOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ClampOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto shape = rtt(op.getResult()).getShape();
    auto lo = optF(op.getMin()), hi = optF(op.getMax());
    QInfo x = qinfo(op.getInput().getType()), y = qinfo(op.getType());
    Value r;
    if (!x.quantized) {
      Type el = rtt(adaptor.getInput()).getElementType();
      if (auto it = dyn_cast<IntegerType>(el)) {
        // Integer tensors (ONNX Clip on ints): the bounds are whole numbers
        // held as floats; both clamp in the storage type's order.
        bool u = rtt(op.getInput()).getElementType().isUnsignedInteger();
        r = elementwise(rewriter, loc, shape, el, {adaptor.getInput()},
                        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                          Value v = a[0];
                          if (lo) {
                            Value c = cstInt(b, l, (int64_t)std::ceil(*lo), el);
                            v = u ? (Value)arith::MaxUIOp::create(b, l, v, c)
                                  : (Value)arith::MaxSIOp::create(b, l, v, c);
                          }
                          if (hi) {
                            Value c = cstInt(b, l, (int64_t)std::floor(*hi), el);
                            v = u ? (Value)arith::MinUIOp::create(b, l, v, c)
                                  : (Value)arith::MinSIOp::create(b, l, v, c);
                          }
                          return v;
                        });
        (void)it;
        rewriter.replaceOp(op, r);
        return success();
      }
      if (!isa<FloatType>(el))
        return failure();
      r = elementwise(rewriter, loc, shape, el, {adaptor.getInput()},
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        return floatActivation(b, l, a[0], "clamp", lo, hi);
                      });
    } else if (auto ab = integerClampBounds(x, y, lo, hi)) {
      // The same quantization in and out: dequantize -> clamp -> quantize
      // maps each stored value to itself or to a bound, so it is an integer
      // clamp (checked value by value at compile time with the float rule).
      Type storage = rewriter.getIntegerType(y.width);
      int64_t a = ab->first, bnd = ab->second;
      r = elementwise(rewriter, loc, shape, storage, {adaptor.getInput()},
                      [&](OpBuilder &b, Location l, ValueRange v) -> Value {
                        Value q = v[0];
                        Value ca = cstInt(b, l, a, storage), cb = cstInt(b, l, bnd, storage);
                        if (x.isSigned) {
                          q = arith::MaxSIOp::create(b, l, q, ca);
                          return arith::MinSIOp::create(b, l, q, cb);
                        }
                        q = arith::MaxUIOp::create(b, l, q, ca);
                        return arith::MinUIOp::create(b, l, q, cb);
                      });
    } else {
      // On the quantized grid: dequantize, clamp, quantize to the result.
      Type storage = rewriter.getIntegerType(y.width);
      r = elementwise(
          rewriter, loc, shape, storage, {adaptor.getInput()},
          [&](OpBuilder &b, Location l, ValueRange a) {
            Value f = dequantizeScalar(b, l, a[0], x.isSigned,
                                       cstInt(b, l, x.zps[0], b.getI32Type()),
                                       cstF32(b, l, x.scales[0]));
            f = floatActivation(b, l, f, "clamp", lo, hi);
            return quantizeScalar(b, l, f, cstF32(b, l, y.scales[0]), y.zps[0], y.qmin,
                                  y.qmax, storage);
          });
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};


/// Elementwise binary ops; quantized operands are computed in float as
/// dequantize -> op -> quantize, except Mul and Add, which follow ONNX
/// Runtime's integer kernels.
template <typename OpTy, typename FOp, typename IOp>
struct BinaryLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;

  /// The op on plain integers: ONNX's integer Pow and PRelu, and the
  /// unsigned forms of Div, Max and Min for unsigned element types.
  Value integerBinary(OpBuilder &b, Location l, Value x, Value y, OpTy op) const {
    bool u = rtt(op.getLhs()).getElementType().isUnsignedInteger();
    if constexpr (std::is_same<OpTy, PowOp>::value) {
      return math::IPowIOp::create(b, l, x, y);
    } else if constexpr (std::is_same<OpTy, PReluOp>::value) {
      Value neg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, x,
                                        cstInt(b, l, 0, x.getType()));
      return arith::SelectOp::create(b, l, neg, arith::MulIOp::create(b, l, x, y), x);
    } else if constexpr (std::is_same<OpTy, DivOp>::value) {
      if (u)
        return arith::DivUIOp::create(b, l, x, y);
    } else if constexpr (std::is_same<OpTy, MaxOp>::value) {
      if (u)
        return arith::MaxUIOp::create(b, l, x, y);
    } else if constexpr (std::is_same<OpTy, MinOp>::value) {
      if (u)
        return arith::MinUIOp::create(b, l, x, y);
    } else if constexpr (std::is_same<OpTy, ShlOp>::value || std::is_same<OpTy, ShrOp>::value) {
      // (arith's shifts are poison from the width on: those give 0, as
      // ONNX Runtime's uint8 and uint16 shifts do after promotion)
      unsigned w = x.getType().getIntOrFloatBitWidth();
      Value s = std::is_same<OpTy, ShlOp>::value ? (Value)arith::ShLIOp::create(b, l, x, y)
                                                  : (Value)arith::ShRUIOp::create(b, l, x, y);
      Value in = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, y,
                                       cstInt(b, l, w, y.getType()));
      return arith::SelectOp::create(b, l, in, s, cstInt(b, l, 0, x.getType()));
    }
    return IOp::create(b, l, x, y);
  }
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto shape = rtt(op.getResult()).getShape();
    QInfo a = qinfo(op.getLhs().getType()), bq = qinfo(op.getRhs().getType()),
          y = qinfo(op.getType());
    Type outEl = cast<RankedTensorType>(
                     this->getTypeConverter()->convertType(op.getType()))
                     .getElementType();
    int scalarSide = spanScalarSide(rtt(op.getLhs()).getShape(),
                                    rtt(op.getRhs()).getShape(), shape);
    Value r = elementwise(
        rewriter, loc, shape, outEl, {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          if (!y.quantized) {
            if (isa<FloatType>(outEl))
              return FOp::create(b, l, v[0], v[1]);
            return integerBinary(b, l, v[0], v[1], op);
          }
          // ORT's integer Mul and Add kernels exist for 8-bit tensors only;
          // wider ones run in float (as ONNX Runtime does).
          bool eightBit = a.width <= 8 && bq.width <= 8 && y.width <= 8;
          if (std::is_same<OpTy, MulOp>::value && eightBit) {
            // ONNX Runtime's QLinearMul on x86 (MLAS).
            return qlinearMul(b, l, v[0], v[1], a, bq, y, outEl);
          }
          if (std::is_same<OpTy, AddOp>::value && eightBit)
            return qlinearAdd(b, l, v[0], v[1], a, bq, y, scalarSide, outEl);
          Value fa = dequantizeScalar(b, l, v[0], a.isSigned,
                                      cstInt(b, l, a.zps[0], b.getI32Type()),
                                      cstF32(b, l, a.scales[0]));
          Value fb = dequantizeScalar(b, l, v[1], bq.isSigned,
                                      cstInt(b, l, bq.zps[0], b.getI32Type()),
                                      cstF32(b, l, bq.scales[0]));
          Value f = FOp::create(b, l, fa, fb);
          return quantizeScalar(b, l, f, cstF32(b, l, y.scales[0]), y.zps[0], y.qmin,
                                y.qmax, outEl);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};


/// Float elementwise op on float or (through dequantize/quantize) quantized
/// tensors.
template <typename OpTy>
struct UnaryLowering : OctetPattern<OpTy> {
  using OctetPattern<OpTy>::OctetPattern;
  std::function<Value(OpBuilder &, Location, Value)> fn;
  UnaryLowering(const TypeConverter &tc, MLIRContext *ctx, OctetToLinalgOptions fp,
                std::function<Value(OpBuilder &, Location, Value)> f)
      : OctetPattern<OpTy>(tc, ctx, fp), fn(std::move(f)) {}
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto shape = rtt(op.getResult()).getShape();
    QInfo x = qinfo(op.getInput().getType()), y = qinfo(op.getType());
    Type outEl = cast<RankedTensorType>(this->getTypeConverter()->convertType(op.getType()))
                     .getElementType();
    Value r = elementwise(rewriter, loc, shape, outEl, {adaptor.getInput()},
                          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                            if (!x.quantized)
                              return fn(b, l, a[0]);
                            Value f = dequantizeScalar(b, l, a[0], x.isSigned,
                                                       cstInt(b, l, x.zps[0], b.getI32Type()),
                                                       cstF32(b, l, x.scales[0]));
                            f = fn(b, l, f);
                            return quantizeScalar(b, l, f, cstF32(b, l, y.scales[0]), y.zps[0],
                                                  y.qmin, y.qmax, outEl);
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Elementwise activations with scalar parameters (alpha, beta).
template <typename OpTy>
struct ParamUnaryLowering : OctetPattern<OpTy> {
  using Fn = std::function<Value(OpBuilder &, Location, Value, float, float)>;
  Fn fn;
  ParamUnaryLowering(const TypeConverter &tc, MLIRContext *ctx, OctetToLinalgOptions fp, Fn f)
      : OctetPattern<OpTy>(tc, ctx, fp), fn(std::move(f)) {}
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    float alpha = op.getAlpha().convertToFloat(), beta = op.getBeta().convertToFloat();
    QInfo x = qinfo(op.getInput().getType()), y = qinfo(op.getType());
    Type outEl = cast<RankedTensorType>(this->getTypeConverter()->convertType(op.getType()))
                     .getElementType();
    Value r = elementwise(
        rewriter, op.getLoc(), rtt(op.getResult()).getShape(), outEl, {adaptor.getInput()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (!x.quantized)
            return fn(b, l, a[0], alpha, beta);
          Value f = dequantizeScalar(b, l, a[0], x.isSigned,
                                     cstInt(b, l, x.zps[0], b.getI32Type()),
                                     cstF32(b, l, x.scales[0]));
          return quantizeScalar(b, l, fn(b, l, f, alpha, beta), cstF32(b, l, y.scales[0]),
                                y.zps[0], y.qmin, y.qmax, outEl);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// PRelu's scalar body for BinaryLowering: x < 0 ? slope * x : x.
struct PReluFOp {
  static Value create(OpBuilder &b, Location l, Value x, Value s) {
    Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x,
                                      fconst(b, l, 0.0, x.getType()));
    return arith::SelectOp::create(b, l, neg, arith::MulFOp::create(b, l, x, s), x);
  }
};


struct ModLowering : OctetPattern<ModOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(ModOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    bool fm = op.getFmod();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value r = elementwise(
        rewriter, op.getLoc(), outT.getShape(), outT.getElementType(),
        {adaptor.getLhs(), adaptor.getRhs()}, [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          if (isa<FloatType>(v[0].getType()))
            return arith::RemFOp::create(b, l, v[0], v[1]);
          // Unsigned operands: the remainder of unsigned values (no sign).
          if (rtt(op.getLhs()).getElementType().isUnsignedInteger())
            return arith::RemUIOp::create(b, l, v[0], v[1]);
          Value rem = arith::RemSIOp::create(b, l, v[0], v[1]);
          if (fm)
            return rem;
          // Python's sign rule: add the divisor when the signs differ.
          Value zero = cstInt(b, l, 0, v[0].getType());
          Value nz = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, rem, zero);
          Value rn = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, rem, zero);
          Value dn = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, v[1], zero);
          Value fix = arith::AndIOp::create(
              b, l, nz, arith::XOrIOp::create(b, l, rn, dn));
          return arith::SelectOp::create(b, l, fix, arith::AddIOp::create(b, l, rem, v[1]), rem);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};


struct CompareLowering : OctetPattern<CompareOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(CompareOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    StringRef p = op.getPredicate();
    Type orig = rtt(op.getLhs()).getElementType();
    bool isUnsigned = orig.isUnsignedInteger() || orig.isInteger(1);
    Value r = elementwise(
        rewriter, op.getLoc(), rtt(op.getResult()).getShape(), rewriter.getI1Type(),
        {adaptor.getLhs(), adaptor.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          if (isa<FloatType>(v[0].getType())) {
            auto fp = p == "eq"   ? arith::CmpFPredicate::OEQ
                      : p == "lt" ? arith::CmpFPredicate::OLT
                      : p == "le" ? arith::CmpFPredicate::OLE
                      : p == "gt" ? arith::CmpFPredicate::OGT
                                  : arith::CmpFPredicate::OGE;
            return arith::CmpFOp::create(b, l, fp, v[0], v[1]);
          }
          using IP = arith::CmpIPredicate;
          auto ip = p == "eq"   ? IP::eq
                    : p == "lt" ? (isUnsigned ? IP::ult : IP::slt)
                    : p == "le" ? (isUnsigned ? IP::ule : IP::sle)
                    : p == "gt" ? (isUnsigned ? IP::ugt : IP::sgt)
                                : (isUnsigned ? IP::uge : IP::sge);
          return arith::CmpIOp::create(b, l, ip, v[0], v[1]);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct WhereLowering : OctetPattern<WhereOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(WhereOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value r = elementwise(rewriter, op.getLoc(), outT.getShape(), outT.getElementType(),
                          {adaptor.getCondition(), adaptor.getLhs(), adaptor.getRhs()},
                          [&](OpBuilder &b, Location l, ValueRange v) -> Value {
                            return arith::SelectOp::create(b, l, v[0], v[1], v[2]);
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};


struct CastLowering : OctetPattern<CastOp> {
  using OctetPattern::OctetPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    QInfo x = qinfo(op.getInput().getType());
    // Plain unsigned integers and bools extend with zeros.
    Type origFrom = rtt(op.getInput()).getElementType();
    if (origFrom.isUnsignedInteger() || origFrom.isInteger(1))
      x.isSigned = false;
    Type from = rtt(adaptor.getInput()).getElementType();
    auto outT = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type to = outT.getElementType();
    Value r = elementwise(rewriter, loc, outT.getShape(), to, {adaptor.getInput()},
                          [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                            Value v = a[0];
                            bool fF = isa<FloatType>(from), tF = isa<FloatType>(to);
                            if (to.isInteger(1)) {
                              if (fF)
                                return arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNE, v,
                                                             fconst(b, l, 0.0, from));
                              return arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, v,
                                                           cstInt(b, l, 0, from));
                            }
                            if (fF && tF)
                              return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
                                         ? (Value)arith::ExtFOp::create(b, l, to, v)
                                         : (Value)arith::TruncFOp::create(b, l, to, v);
                            if (fF)
                              return cast<RankedTensorType>(op.getType()).getElementType().isUnsignedInteger()
                                         ? (Value)arith::FPToUIOp::create(b, l, to, v)
                                         : (Value)arith::FPToSIOp::create(b, l, to, v);
                            if (tF)
                              return x.isSigned ? (Value)arith::SIToFPOp::create(b, l, to, v)
                                                : (Value)arith::UIToFPOp::create(b, l, to, v);
                            unsigned fw = from.getIntOrFloatBitWidth(), tw = to.getIntOrFloatBitWidth();
                            if (fw == tw)
                              return v;
                            if (fw > tw)
                              return arith::TruncIOp::create(b, l, to, v);
                            return x.isSigned ? (Value)arith::ExtSIOp::create(b, l, to, v)
                                              : (Value)arith::ExtUIOp::create(b, l, to, v);
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void mlir::octet::populateElementwisePatterns(const TypeConverter &tc,
                                              RewritePatternSet &patterns,
                                              const OctetToLinalgOptions &options) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ClampLowering, BinaryLowering<AddOp, arith::AddFOp, arith::AddIOp>,
               BinaryLowering<SubOp, arith::SubFOp, arith::SubIOp>,
               BinaryLowering<MulOp, arith::MulFOp, arith::MulIOp>,
               BinaryLowering<DivOp, arith::DivFOp, arith::DivSIOp>,
               BinaryLowering<PowOp, math::PowFOp, arith::MulIOp>,
               BinaryLowering<MaxOp, arith::MaximumFOp, arith::MaxSIOp>,
               BinaryLowering<MinOp, arith::MinimumFOp, arith::MinSIOp>,
               BinaryLowering<PReluOp, PReluFOp, arith::MulIOp>,
               BinaryLowering<AndOp, arith::AddFOp, arith::AndIOp>,
               BinaryLowering<OrOp, arith::AddFOp, arith::OrIOp>,
               BinaryLowering<XorOp, arith::AddFOp, arith::XOrIOp>,
               BinaryLowering<ShlOp, arith::AddFOp, arith::ShLIOp>,
               BinaryLowering<ShrOp, arith::AddFOp, arith::ShRUIOp>, CompareLowering, ModLowering,
               WhereLowering, CastLowering>(tc, ctx, options);
  auto unary = [&](auto tag, std::function<Value(OpBuilder &, Location, Value)> f) {
    using OpTy = typename decltype(tag)::type;
    patterns.add<UnaryLowering<OpTy>>(tc, ctx, options, std::move(f));
  };
  auto one = [](OpBuilder &b, Location l, Value v) { return fconst(b, l, 1.0, v.getType()); };
  unary(llvm::type_identity<SigmoidOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return sigmoidFloat(b, l, v); });
  unary(llvm::type_identity<TanhOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::TanhOp::create(b, l, v); });
  unary(llvm::type_identity<ErfOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::ErfOp::create(b, l, v); });
  unary(llvm::type_identity<SqrtOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::SqrtOp::create(b, l, v); });
  unary(llvm::type_identity<ExpOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::ExpOp::create(b, l, v); });
  unary(llvm::type_identity<NegOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return arith::NegFOp::create(b, l, v); });
  unary(llvm::type_identity<ReciprocalOp>(), [one](OpBuilder &b, Location l, Value v) -> Value {
    return arith::DivFOp::create(b, l, one(b, l, v), v);
  });
  unary(llvm::type_identity<GeluOp>(), [](OpBuilder &b, Location l, Value v) -> Value {
    Type t = v.getType();
    Value e = math::ErfOp::create(b, l, arith::MulFOp::create(b, l, v, fconst(b, l, M_SQRT1_2, t)));
    Value h = arith::MulFOp::create(b, l, v, fconst(b, l, 0.5, t));
    return arith::MulFOp::create(b, l, h, arith::AddFOp::create(b, l, e, fconst(b, l, 1.0, t)));
  });
  auto f = [](OpBuilder &b, Location l, double c, Type t) { return fconst(b, l, c, t); };
  auto softplus = [f](OpBuilder &b, Location l, Value v) -> Value {
    // max(x, 0) + log1p(exp(-|x|)): no overflow for large |x|.
    Type t = v.getType();
    Value e = math::ExpOp::create(b, l, arith::NegFOp::create(b, l, math::AbsFOp::create(b, l, v)));
    return arith::AddFOp::create(b, l, arith::MaximumFOp::create(b, l, v, f(b, l, 0.0, t)),
                                 math::Log1pOp::create(b, l, e));
  };
  unary(llvm::type_identity<HardSwishOp>(), [f](OpBuilder &b, Location l, Value v) -> Value {
    Type t = v.getType();
    Value h = arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, v, f(b, l, 1.0 / 6.0, t)),
                                    f(b, l, 0.5, t));
    h = arith::MinimumFOp::create(b, l, arith::MaximumFOp::create(b, l, h, f(b, l, 0.0, t)),
                                  f(b, l, 1.0, t));
    return arith::MulFOp::create(b, l, v, h);
  });
  unary(llvm::type_identity<AbsOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::AbsFOp::create(b, l, v); });
  unary(llvm::type_identity<LogOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::LogOp::create(b, l, v); });
  unary(llvm::type_identity<FloorOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::FloorOp::create(b, l, v); });
  unary(llvm::type_identity<CeilOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::CeilOp::create(b, l, v); });
  unary(llvm::type_identity<RoundOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::RoundEvenOp::create(b, l, v); });
  unary(llvm::type_identity<SinOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::SinOp::create(b, l, v); });
  unary(llvm::type_identity<CosOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::CosOp::create(b, l, v); });
  unary(llvm::type_identity<TanOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::TanOp::create(b, l, v); });
  unary(llvm::type_identity<AsinOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::AsinOp::create(b, l, v); });
  unary(llvm::type_identity<AcosOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::AcosOp::create(b, l, v); });
  unary(llvm::type_identity<AtanOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::AtanOp::create(b, l, v); });
  unary(llvm::type_identity<SinhOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::SinhOp::create(b, l, v); });
  unary(llvm::type_identity<CoshOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::CoshOp::create(b, l, v); });
  unary(llvm::type_identity<AsinhOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::AsinhOp::create(b, l, v); });
  unary(llvm::type_identity<AcoshOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::AcoshOp::create(b, l, v); });
  unary(llvm::type_identity<AtanhOp>(),
        [](OpBuilder &b, Location l, Value v) -> Value { return math::AtanhOp::create(b, l, v); });
  unary(llvm::type_identity<SignOp>(), [](OpBuilder &b, Location l, Value v) -> Value {
    Type t = v.getType();
    Value zero = fconst(b, l, 0.0, t);
    Value pos = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, zero);
    Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, zero);
    // 0 and NaN map to themselves.
    return arith::SelectOp::create(
        b, l, pos, fconst(b, l, 1.0, t),
        arith::SelectOp::create(b, l, neg, fconst(b, l, -1.0, t), v));
  });
  unary(llvm::type_identity<SoftplusOp>(), softplus);
  unary(llvm::type_identity<SoftsignOp>(), [f](OpBuilder &b, Location l, Value v) -> Value {
    Value d = arith::AddFOp::create(b, l, math::AbsFOp::create(b, l, v), f(b, l, 1.0, v.getType()));
    return arith::DivFOp::create(b, l, v, d);
  });
  unary(llvm::type_identity<MishOp>(), [softplus](OpBuilder &b, Location l, Value v) -> Value {
    return arith::MulFOp::create(b, l, v, math::TanhOp::create(b, l, softplus(b, l, v)));
  });
  using PFn = std::function<Value(OpBuilder &, Location, Value, float, float)>;
  auto elu = [f](OpBuilder &b, Location l, Value v, float alpha) -> Value {
    Type t = v.getType();
    Value em1 = math::ExpM1Op::create(b, l, v);
    Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, f(b, l, 0.0, t));
    return arith::SelectOp::create(b, l, neg,
                                   arith::MulFOp::create(b, l, em1, f(b, l, alpha, t)), v);
  };
  patterns.add<ParamUnaryLowering<LeakyReluOp>>(
      tc, ctx, options, PFn([f](OpBuilder &b, Location l, Value v, float alpha, float) -> Value {
        Type t = v.getType();
        Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, f(b, l, 0.0, t));
        return arith::SelectOp::create(b, l, neg,
                                       arith::MulFOp::create(b, l, v, f(b, l, alpha, t)), v);
      }));
  patterns.add<ParamUnaryLowering<EluOp>>(
      tc, ctx, options, PFn([elu](OpBuilder &b, Location l, Value v, float alpha, float) {
        return elu(b, l, v, alpha);
      }));
  patterns.add<ParamUnaryLowering<SeluOp>>(
      tc, ctx, options,
      PFn([elu, f](OpBuilder &b, Location l, Value v, float alpha, float gamma) -> Value {
        return arith::MulFOp::create(b, l, elu(b, l, v, alpha), f(b, l, gamma, v.getType()));
      }));
  patterns.add<ParamUnaryLowering<HardSigmoidOp>>(
      tc, ctx, options,
      PFn([f](OpBuilder &b, Location l, Value v, float alpha, float beta) -> Value {
        Type t = v.getType();
        Value h = arith::AddFOp::create(b, l, arith::MulFOp::create(b, l, v, f(b, l, alpha, t)),
                                        f(b, l, beta, t));
        return arith::MinimumFOp::create(
            b, l, arith::MaximumFOp::create(b, l, h, f(b, l, 0.0, t)), f(b, l, 1.0, t));
      }));
  patterns.add<ParamUnaryLowering<CeluOp>>(
      tc, ctx, options, PFn([elu, f](OpBuilder &b, Location l, Value v, float alpha, float) -> Value {
        // alpha * (exp(x / alpha) - 1) below 0: ELU of x / alpha, scaled.
        Type t = v.getType();
        Value e = elu(b, l, arith::DivFOp::create(b, l, v, f(b, l, alpha, t)), 1.0f);
        return arith::MulFOp::create(b, l, e, f(b, l, alpha, t));
      }));
  patterns.add<ParamUnaryLowering<ThresholdedReluOp>>(
      tc, ctx, options, PFn([f](OpBuilder &b, Location l, Value v, float alpha, float) -> Value {
        Type t = v.getType();
        Value gt = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, f(b, l, alpha, t));
        return arith::SelectOp::create(b, l, gt, v, f(b, l, 0.0, t));
      }));
  patterns.add<ParamUnaryLowering<ShrinkOp>>(
      tc, ctx, options,
      PFn([f](OpBuilder &b, Location l, Value v, float lambd, float bias) -> Value {
        Type t = v.getType();
        Value lo = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, v, f(b, l, -lambd, t));
        Value hi = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, v, f(b, l, lambd, t));
        Value mid = arith::SelectOp::create(
            b, l, hi, arith::SubFOp::create(b, l, v, f(b, l, bias, t)), f(b, l, 0.0, t));
        return arith::SelectOp::create(b, l, lo, arith::AddFOp::create(b, l, v, f(b, l, bias, t)),
                                       mid);
      }));
}
