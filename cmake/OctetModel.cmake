# octet_add_model(<target> MODEL <model.onnx> [NAME <c-name>] [CPU <cpu>...]
#                 [REQUANT onnx|fixed-point] [INPUT_SHAPE <name=DxD> ...])
#
# Compiles an ONNX model with octetc at build time into <target>, a static
# library holding the object (weights included). Linking <target> gives the
# application the typed function `void <c-name>(const T *input0, ...,
# T *output0, ..., void *workspace)` (the workspace: <C-NAME>_WORKSPACE_SIZE
# bytes, 64-byte aligned, one per concurrent caller), the ABI v2 entry point
# `<c-name>_entry(octet_call *)` and the descriptor `<c-name>_descriptor` for
# the runtime, all declared in the generated <c-name>.h, and the runtime
# library. Several CPUs (CPU x86-64-v3 znver4, or "x86-64-v3,znver4") build
# one object with code for each, chosen at run time by cpuid.
#
# OCTETC names the compiler; inside this project it is the octetc target.
function(octet_add_model target)
  cmake_parse_arguments(ARG "" "MODEL;NAME;REQUANT" "INPUT_SHAPE;CPU" ${ARGN})
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "octet_add_model(${target}): MODEL is required")
  endif()
  if(NOT ARG_NAME)
    set(ARG_NAME ${target})
  endif()
  if(NOT ARG_CPU)
    set(ARG_CPU native)
  endif()
  string(REPLACE ";" "," ARG_CPU "${ARG_CPU}")
  if(NOT ARG_REQUANT)
    set(ARG_REQUANT onnx)
  endif()
  if(TARGET octetc)
    set(compiler $<TARGET_FILE:octetc>)
    set(compiler_dep octetc)
  elseif(OCTETC)
    set(compiler ${OCTETC})
    set(compiler_dep ${OCTETC})
  else()
    message(FATAL_ERROR "octet_add_model: set OCTETC to the octetc executable")
  endif()
  get_filename_component(model ${ARG_MODEL} ABSOLUTE)
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/${target}.octet)
  set(obj ${out_dir}/${ARG_NAME}.o)
  set(hdr ${out_dir}/${ARG_NAME}.h)
  set(shape_args)
  foreach(shape ${ARG_INPUT_SHAPE})
    list(APPEND shape_args --input-shape ${shape})
  endforeach()
  add_custom_command(
    OUTPUT ${obj} ${hdr}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${out_dir}
    COMMAND ${compiler} ${model} --target=cpu --cpu=${ARG_CPU} --requant=${ARG_REQUANT}
            --name ${ARG_NAME} ${shape_args} -o ${obj} --header ${hdr}
    DEPENDS ${model} ${compiler_dep}
    COMMENT "octetc: compiling ${ARG_MODEL} into ${ARG_NAME}.o"
    VERBATIM)
  set_source_files_properties(${obj} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_library(${target} STATIC ${obj} ${hdr})
  set_target_properties(${target} PROPERTIES LINKER_LANGUAGE C)
  target_include_directories(${target} PUBLIC ${out_dir} ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${target} PUBLIC octet_runtime)
endfunction()
