//===- Passes.td - passes of the CPU target -----------------*- tablegen -*-===//
//
// The CPU pipeline's own passes: the octet lowering with the x86 kernels,
// the octet_cpu ops to LLVM intrinsics, and the buffer passes that shape
// the generated entry point.
//
//===----------------------------------------------------------------------===//

#ifndef OCTET_TARGET_CPU_PASSES_TD
#define OCTET_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertOctetToCPU : Pass<"convert-octet-to-cpu", "ModuleOp"> {
  let summary = "Lower octet ops for the CPU: x86 kernels first, the generic patterns after";
  let description = [{
    The generic lowering of `convert-octet-to-linalg` plus the CPU target's
    kernel patterns (lib/Target/CPU/Kernels) at a higher benefit: the
    register-tiled int8 product on `octet_cpu.dot4`, the direct
    convolutions, the f32 FMA tiles, the vector max pooling and the
    requantization in registers. An op that no kernel fits is lowered by
    the generic pattern, the reference the kernels are tested against.

    `isa` selects the int8 kernels: `avx512vnni` (all of them, 512-bit
    vpdpbusd), `avxvnni` or `avx2` (the register-tiled products with tiles
    for 16 registers of 256 bits; on AVX2 each dot4 carries the exact form
    its weights allow), `none` (the generic lowering). `vnni` is the same as
    `isa=avx512vnni`. octetc sets them from `--cpu` and `--vnni`.
  }];
  let options = [
    Option<"requant", "requant", "std::string", /*default=*/"\"onnx\"",
           "Requantization rule: onnx or fixed-point">,
    Option<"vnni", "vnni", "bool", /*default=*/"false",
           "Use the int8 kernels built on octet_cpu.dot4 (AVX-512 VNNI)">,
    Option<"isa", "isa", "std::string", /*default=*/"\"\"",
           "The int8 kernels' ISA: avx512vnni, avxvnni, avx2 or none (default: from vnni)">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::octet::cpu::OctetCPUDialect"];
}

def ConvertOctetCPUToLLVM : Pass<"convert-octet-cpu-to-llvm", "ModuleOp"> {
  let summary = "Lower octet_cpu ops to x86 intrinsics";
  let description = [{
    With `isa=avx512vnni` (the default): `octet_cpu.dot4` becomes
    `llvm.x86.avx512.vpdpbusd.{128,256,512}`, `octet_cpu.round_to_int` on 16
    lanes `vcvtps2dq` with static rounding to nearest even (`llvm.lrint`
    otherwise), `octet_cpu.narrow_sat4` two `vpackssdw`, saturating
    zero-point adds, `vpacksswb`/`vpackuswb` and the dword permutation that
    undoes the packs' lane interleaving. With `isa=avxvnni`: dot4 as 256-bit
    vpdpbusd. With `isa=avx2`: dot4 in the form its `octet_cpu.avx2`
    attribute names, each exact: `pairs` vpmaddubsw + vpmaddwd (the weights
    keep pair sums in int16), `sign` vpsignb / vpabsb on s8 activations
    before them (weights in [-127, 127]), `wide` (or none) 16-bit products;
    round_to_int as `llvm.lrint` and narrow_sat4 as saturating arithmetic
    (AVX2's packs).
  }];
  let options = [
    Option<"isa", "isa", "std::string", /*default=*/"\"avx512vnni\"",
           "avx512vnni, avxvnni or avx2">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def OctetCopiesToLinalg : Pass<"octet-copies-to-linalg", "ModuleOp"> {
  let summary = "Turn memref.copy into linalg.copy";
  let description = [{
    Strided copies (padding) would lower to calls of the MLIR runner
    library's `memrefCopy`; as `linalg.copy` they become loops, so that the
    object needs nothing beyond libc.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def OctetDistinctResults : Pass<"octet-distinct-results", "ModuleOp"> {
  let summary = "Give every returned buffer of a function its own allocation";
  let description = [{
    A function that returns one buffer several times (a graph output listed
    twice, or an Identity of another output) gets a copy for each repeat:
    buffer-results-to-out-params with hoisted allocations needs every
    result to be its own buffer.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def OctetDropEmptyIO : Pass<"octet-drop-empty-io", "ModuleOp"> {
  let summary = "Stop passing zero-sized tensor arguments and results";
  let description = [{
    A public function's tensor arguments and results with a zero-sized
    dimension hold no data. Uses of such an argument become `tensor.empty`
    of its type, and the argument is removed; such results are no longer
    returned. Ops on empty tensors compute nothing (their loops have no
    iterations), and results whose size does not depend on the empty input
    are computed as usual. The CPU target's entry point skips the
    pointers of empty inputs and outputs in the same way.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def OctetReturnAllocs : Pass<"octet-return-allocs", "ModuleOp"> {
  let summary = "Return allocations rather than reshaped views of them";
  let description = [{
    A function result that is a reshaped view (memref.expand_shape or
    collapse_shape) of a static allocation gets an allocation of its own
    type, which the original becomes a view of: buffer-results-to-out-params
    then writes the result straight into the caller's buffer instead of
    copying it there.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def OctetWorkspace : Pass<"octet-workspace", "ModuleOp"> {
  let summary = "Give an entry point's intermediate buffers to a caller-owned workspace";
  let description = [{
    Every fixed-size buffer that a public function allocates at its top
    level becomes a `memref.view` of a new last argument, the workspace (a
    `memref<Nxi8>`, 64-byte aligned), at a 64-byte aligned offset. With
    `reuse` (the default), buffers that are not in use at the same time
    share bytes: a buffer is in use from the first to the last top-level op
    that reads or writes it or a view of it, and one that may escape (is
    returned, passed to a call, yielded, or aliased by a non-view op) for the
    whole call; offsets are assigned greedily, largest buffer first. Without
    `reuse` every buffer has bytes of its own. the function gets `octet.workspace_size = N` and
    `octet.workspace_buffers` (how many buffers it holds).
    The caller allocates the workspace once per context and no call shares
    mutable memory with another, so a module runs on many threads at once.
    Buffers allocated in loops or with dynamic sizes are left alone, and so
    are functions that other functions call (their callers would need the
    workspace too).
  }];
  let options = [
    Option<"reuse", "reuse", "bool", /*default=*/"true",
           "Let buffers that are not in use at the same time share workspace bytes">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"];
}

def OctetOutlineKernels : Pass<"octet-outline-kernels", "ModuleOp"> {
  let summary = "Move each top-level loop nest of an entry point into a function with noalias buffers";
  let description = [{
    After octet-workspace, every intermediate is a view of one workspace
    argument, so LLVM sees a single underlying object behind all buffers and
    cannot prove that a loop's input and output do not overlap (it then
    leaves elementwise loops scalar). This pass moves every top-level op of
    a public function that has regions (linalg ops, scf loops) into a
    private function of its own, `<name>_k<N>`, called in its place. Its
    arguments are the distinct root buffers the op touches (workspace views,
    the function's own arguments) and any scalars defined outside; views,
    reshapes, constants and globals are cloned into the new function. Root
    buffers used by one op are in use at the same time, so the workspace
    gives them disjoint bytes: they get `llvm.noalias` (checked from the
    views' constant offsets; overlapping or unknown ranges get none), and
    workspace views at 64-byte offsets `memref.assume_alignment`. The
    entry's own buffer arguments are noalias by the ABI's contract (inputs,
    outputs and workspace do not overlap). With `noinline` (the default)
    the functions carry LLVM's noinline: LLVM optimizes and compiles many
    small functions instead of one huge one (resnet50 QDQ compiles in 9.1 s
    instead of 11.1 s, at the same speed); without it LLVM may inline them
    again, and the noalias facts become scoped alias metadata.
    Ops with results, or whose root buffers are not static memrefs with the
    identity layout, stay where they are.
  }];
  let options = [
    Option<"noinline", "noinline", "bool", /*default=*/"true",
           "Keep each outlined nest a function of its own in LLVM (noinline)">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def OctetParallelizeKernels : Pass<"octet-parallelize-kernels", "ModuleOp"> {
  let summary = "Split the outlined kernels into tasks over independent loop iterations";
  let description = [{
    Runs after octet-outline-kernels. A kernel whose nest is a linalg op is
    first rewritten as scf.for loops, those of its parallel dimensions marked
    `octet.parallel`; the CPU kernels mark the loops they build the same way
    where the iterations (and marked sibling loops) write disjoint data.
    From the top of the nest, the pass finds the outermost level of marked
    loops with at least `min-trip` iterations (descending through levels
    with fewer, where every op with effects is a marked loop) and gives the
    kernel two index arguments, `task` and `tasks`: each loop at that level
    then runs only iterations [trip * task / tasks, trip * (task + 1) /
    tasks). Every element is still computed by the same code, so results do
    not depend on the number of tasks. Kernels whose estimated work (ops
    times enclosing trip counts) is below `min-work`, or below
    `min-intensity` per byte of their buffer arguments (0 by default: on
    the hosts measured, elementwise ops, fills, copies and layout changes
    ran faster split too, each thread keeping to its share), stay serial. A split
    kernel carries the LLVM function attribute `octet-tasks` (the largest
    trip of its level); its calls pass task 0 of 1, and the public function
    gets a last `!llvm.ptr` argument, the octet_call, through which the
    CPU target's translation dispatches the tasks to the runtime's
    parallel_for.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"200000",
           "Kernels with less estimated work stay serial">,
    Option<"minIntensity", "min-intensity", "int64_t", /*default=*/"0",
           "Kernels with less estimated work per byte of their buffers stay serial">,
    Option<"minTrip", "min-trip", "int64_t", /*default=*/"4",
           "Iterations a level needs for the split to stop descending">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

#endif // OCTET_TARGET_CPU_PASSES_TD
