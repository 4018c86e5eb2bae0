# lit configuration for the Octet regression suite.
import os
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "Octet"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.octet_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.octet_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
# lit runs tests side by side: each module call on one thread unless a test
# asks for more (--threads, octet_context_options.num_threads), so that a
# context's spinning workers never compete with another test for a core.
config.environment["OCTET_NUM_THREADS"] = "1"

config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%octet_tools", config.octet_tools_dir))
config.substitutions.append(("%models", os.path.join(config.test_source_root, "Inputs", "models.py")))
config.substitutions.append(("%opcheck", config.python_executable + " " + os.path.join(config.test_source_root, "Inputs", "opcheck.py")))
config.substitutions.append(("%emptymodels", config.python_executable + " " + os.path.join(config.test_source_root, "Inputs", "empty_models.py")))
config.substitutions.append(("%avx2forms", config.python_executable + " " + os.path.join(config.test_source_root, "Inputs", "avx2_forms.py")))
config.substitutions.append(("%avx2grouped", config.python_executable + " " + os.path.join(config.test_source_root, "Inputs", "avx2_grouped.py")))
config.substitutions.append(("%qmodels", config.python_executable + " " + os.path.join(config.test_source_root, "Inputs", "quant_models.py")))
# Headless Chromium (Debian's chromium, scripts/setup.sh --test-deps) renders
# the HTML quantization report for a screenshot check.
if os.access("/usr/bin/chromium", os.X_OK):
    config.available_features.add("chromium")
config.substitutions.append(("%pngcheck", config.python_executable + " " + os.path.join(config.test_source_root, "Inputs", "png_check.py")))
config.substitutions.append(("%qcheck", config.python_executable + " " + os.path.join(config.test_source_root, "Inputs", "quant_check.py")))
config.substitutions.append(("%npycmp", config.python_executable + " " + os.path.join(config.test_source_root, "Inputs", "npy_compare.py")))
config.substitutions.append(("%batchmajorcheck", config.python_executable + " " + os.path.join(config.test_source_root, "Inputs", "batch_major_check.py")))

# The shared third-party models sit beside the checkout (../shared/models);
# a clone elsewhere uses the copies bundled in models/.
SHARED_FILES = ["digits_cnn.onnx", "digits_cnn.qdq.onnx", "digits_cnn.qop.onnx",
                "digits_cnn.ref_output.npy", "digits_cnn.qdq.ref_output.npy",
                "digits_cnn.qop.ref_output.npy", "digits_test_x.npy", "digits_test_y.npy",
                "digits_calib_x.npy"]
for shared in (os.path.join(config.octet_src_root, "..", "shared", "models"),
               os.path.join(config.octet_src_root, "models")):
    shared = os.path.normpath(shared)
    if all(os.path.isfile(os.path.join(shared, f)) for f in SHARED_FILES):
        config.available_features.add("shared-models")
        config.substitutions.append(("%shared_models", shared))
        break

def python_has(module):
    try:
        return subprocess.run([config.python_executable, "-c", "import " + module],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=120).returncode == 0
    except Exception:
        return False

if python_has("onnx"):
    config.available_features.add("onnx")
if python_has("torch"):
    config.available_features.add("torch")

# ONNX Runtime for Node.js (test/ort, installed by scripts/setup.sh --test-deps)
# is the independent reference of the numerical tests.
ort_dir = os.path.join(config.test_source_root, "ort", "node_modules", "onnxruntime-node")
if os.path.isdir(ort_dir):
    try:
        if subprocess.run(["node", "--version"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, timeout=60).returncode == 0:
            config.available_features.add("ort")
    except Exception:
        pass
config.substitutions.append(("%ortcheck", config.python_executable + " " + os.path.join(config.test_source_root, "Inputs", "ort_check.py")))

# A Vulkan device (Mesa's lavapipe is one, on the CPU): the runtime lists it.
try:
    devices = subprocess.run([os.path.join(config.octet_tools_dir, "octet-run"), "--list-devices"],
                             capture_output=True, text=True, timeout=120).stdout
    if "vulkan:" in devices:
        config.available_features.add("vulkan-device")
    if "cuda:" in devices:
        config.available_features.add("cuda-device")
except Exception:
    pass
# A newer lavapipe with VK_KHR_cooperative_matrix, and SPIRV-Tools that know
# SPV_KHR_cooperative_matrix: trixie-backports' Mesa in a Debian 13 root of
# its own (scripts/setup.sh --test-deps), which scripts/lavapipe-coopmat.sh
# runs a command on (%lvpcoop).
lvpcoop = os.path.join(config.test_source_root, "..", "scripts", "lavapipe-coopmat.sh")
config.substitutions.append(("%lvpcoop", lvpcoop))
try:
    if subprocess.run([lvpcoop, "--check"], capture_output=True, timeout=60).returncode == 0:
        devices = subprocess.run([lvpcoop, os.path.join(config.octet_tools_dir, "octet-run"),
                                  "--list-devices"], capture_output=True, text=True,
                                 timeout=120).stdout
        # (the tests compile for lavapipe's 8x8x8 fragments and subgroups of 8)
        if "subgroup=8, coopmat:8x8x8" in devices:
            config.available_features.add("vulkan-coopmat")
        if subprocess.run([lvpcoop, "--spirv-val", "--version"], capture_output=True,
                          timeout=60).returncode == 0:
            config.available_features.add("spirv-val-coopmat")
except Exception:
    pass
import shutil
# Khronos' validation layer (vulkan-validationlayers): a test run under it.
for layers in ("/usr/share/vulkan/explicit_layer.d", "/etc/vulkan/explicit_layer.d"):
    if os.path.isfile(os.path.join(layers, "VkLayer_khronos_validation.json")):
        config.available_features.add("vulkan-validation")
if shutil.which("spirv-val"):
    config.available_features.add("spirv-val")
# The CUDA toolkit's ptxas assembles the generated PTX (octetc finds it the same way).
ptxas = shutil.which("ptxas") or ("/usr/local/cuda/bin/ptxas" if os.access("/usr/local/cuda/bin/ptxas", os.X_OK) else None)
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

# scripts/test.sh --sanitize: the sanitizer settings reach the tools, also those
# the test scripts run (lit 22 passes these through already; kept explicit).
for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

# The host's ISA as features, so that a test of a kernel runs where the
# kernel runs: `avx2`, `avx512` (avx512f + bw + vl), `vnni` (AVX-512 VNNI or
# AVX-VNNI: what octetc's --cpu=native and ONNX Runtime use for u8 x s8).
try:
    with open("/proc/cpuinfo") as f:
        flags = set()
        for line in f:
            if line.startswith("flags"):
                flags |= set(line.split(":", 1)[1].split())
except OSError:
    flags = set()
if "avx2" in flags:
    config.available_features.add("avx2")
if {"avx512f", "avx512bw", "avx512vl"} <= flags:
    config.available_features.add("avx512")
if "avx512_vnni" in flags:
    config.available_features.add("avx512vnni")
if "avx512_vnni" in flags or "avx_vnni" in flags:
    config.available_features.add("vnni")
if "avx_vnni" in flags:
    config.available_features.add("avxvnni")
# OCTET_ORT_CPU=MODEL runs ONNX Runtime (%ortrun, %ortcheck) under
# `qemu-x86_64 -cpu MODEL`, so that ORT's kernels see another CPU's ISA: e.g.
# EPYC-Milan-v1 (Zen 3: AVX2, no VNNI) on a VNNI host. QEMU's TCG has no
# AVX-512, so an emulated ORT never has VNNI. `ort-vnni`: ORT's kernels use VNNI.
ort_cpu = os.environ.get("OCTET_ORT_CPU", "")
if ort_cpu:
    config.environment["OCTET_ORT_CPU"] = ort_cpu
elif "vnni" in config.available_features:
    config.available_features.add("ort-vnni")
# (qemu-user does not search PATH: it gets node's full path.)
import shutil
# `qemu`: qemu-x86_64 (Debian's qemu-user) runs programs with another CPU's
# CPUID, e.g. a Zen 3 without AVX-512 (entry-isa-check.test).
if shutil.which("qemu-x86_64"):
    config.available_features.add("qemu")
config.substitutions.append(("%ortrun", ("qemu-x86_64 -cpu " + ort_cpu + " " + (shutil.which("node") or "node")
                                         if ort_cpu else "node") + " " +
                             os.path.join(config.test_source_root, "ort", "ort_run.js")))
