# Sanitizer and fuzzer builds. Included by the top-level CMakeLists.txt after
# the LLVM/MLIR modules and before any target is defined, so the flags below
# reach every Octet target (tools, libraries, the runtime, tests, examples).
#
#   OCTET_SANITIZE        "" (default) or a list of -fsanitize= names, e.g.
#                         "address;undefined" (scripts/test.sh --sanitize);
#                         the first configure takes $ENV{OCTET_SANITIZE}.
#   OCTET_SANITIZE_VPTR   keep UBSan's -fsanitize=vptr (default ON; libMLIR.so
#                         and libLLVM.so are built with RTTI, so it works).
#   OCTET_ENABLE_FUZZERS  build the libFuzzer targets (tools/octet-fuzz-import,
#                         scripts/fuzz.sh). Adds -fsanitize=fuzzer-no-link to
#                         every target for coverage and, when OCTET_SANITIZE is
#                         empty, uses "address;undefined".
#
# Only code compiled here is instrumented: libMLIR.so, libLLVM.so, protobuf and
# libonnx are not, nor is the model code that octetc generates. Run the
# instrumented tools with the ASAN_OPTIONS/UBSAN_OPTIONS of scripts/test.sh.
# Needs clang (clang-22 with libclang-rt-22-dev).

# The environment variable OCTET_SANITIZE gives the default at the first
# configure (scripts/test.sh --sanitize configures through scripts/setup.sh).
set(_octet_sanitize_default "")
if(DEFINED ENV{OCTET_SANITIZE})
  set(_octet_sanitize_default "$ENV{OCTET_SANITIZE}")
endif()
set(OCTET_SANITIZE "${_octet_sanitize_default}" CACHE STRING
    "Sanitizers for all Octet targets, e.g. address;undefined (clang only)")
option(OCTET_SANITIZE_VPTR "Keep UBSan's vptr check when OCTET_SANITIZE has undefined" ON)
option(OCTET_ENABLE_FUZZERS "Build the libFuzzer targets (tools/octet-fuzz-import)" OFF)

set(OCTET_SANITIZERS ${OCTET_SANITIZE})
if(OCTET_ENABLE_FUZZERS AND NOT OCTET_SANITIZERS)
  set(OCTET_SANITIZERS address undefined)
endif()

if(OCTET_SANITIZERS OR OCTET_ENABLE_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "OCTET_SANITIZE and OCTET_ENABLE_FUZZERS need clang "
                        "(-DCMAKE_CXX_COMPILER=clang++-22), not ${CMAKE_CXX_COMPILER_ID}")
  endif()
endif()

if(OCTET_SANITIZERS)
  list(JOIN OCTET_SANITIZERS "," _octet_sanitize_list)
  set(OCTET_SANITIZE_FLAGS
      -fsanitize=${_octet_sanitize_list}
      -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
  if("undefined" IN_LIST OCTET_SANITIZERS AND NOT OCTET_SANITIZE_VPTR)
    list(APPEND OCTET_SANITIZE_FLAGS -fno-sanitize=vptr)
  endif()
  message(STATUS "Octet: sanitizers ${_octet_sanitize_list} (${OCTET_SANITIZE_FLAGS})")
  add_compile_options(${OCTET_SANITIZE_FLAGS})
  add_link_options(${OCTET_SANITIZE_FLAGS})
  # Source lines in the reports, and full stacks, at a small cost in speed.
  add_compile_options(-gline-tables-only -fno-optimize-sibling-calls)

  # HandleLLVMOptions links shared libraries with -Wl,-z,defs (unless LLVM's
  # own LLVM_USE_SANITIZER is set). With clang the sanitizer runtimes are
  # linked into executables only, so an instrumented shared library
  # (liboctet_runtime.so) has undefined __asan_*/__ubsan_* symbols by design.
  foreach(var CMAKE_SHARED_LINKER_FLAGS CMAKE_MODULE_LINKER_FLAGS)
    string(REPLACE "-Wl,-z,defs" "" ${var} "${${var}}")
  endforeach()
endif()

if(OCTET_ENABLE_FUZZERS)
  # Coverage feedback for libFuzzer from every Octet library; the fuzz targets
  # themselves link with -fsanitize=fuzzer (tools/octet-fuzz-import).
  add_compile_options(-fsanitize=fuzzer-no-link)
  message(STATUS "Octet: fuzzers enabled (-fsanitize=fuzzer-no-link)")
endif()
