//===- onednn_bench.cpp - oneDNN INT8 anchors for the Octet benchmarks -----===//
//
// Times oneDNN's u8 x s8 -> u8 matmul and 3x3 convolution (per-channel output
// scales, as the Octet kernels requantize) on the benchmark shapes (the
// convolution also from and to NCHW tensors), one thread or all, and prints
// one line per case: "<case> <p50 ms> <GOPS>".
//
// usage: onednn-bench [CASE]   (threads are set with OMP_NUM_THREADS)
//
//===----------------------------------------------------------------------===//

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace dnnl;

template <typename F> static double p50(F &&run, int reps) {
  for (int i = 0; i < 5; ++i)
    run();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    run();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

static void benchMatmul(engine &eng, stream &s, const char *name, int64_t m, int64_t n, int64_t k, int reps) {
  memory::desc a({m, k}, memory::data_type::u8, memory::format_tag::ab);
  memory::desc b({k, n}, memory::data_type::s8, memory::format_tag::any);
  memory::desc c({m, n}, memory::data_type::u8, memory::format_tag::ab);
  primitive_attr attr;
  attr.set_output_scales(2, std::vector<float>(n, 0.01f));
  auto pd = matmul::primitive_desc(matmul::desc(a, b, c), attr, eng);
  memory am(a, eng), bm(pd.weights_desc(), eng), cm(c, eng);
  std::fill_n((uint8_t *)am.get_data_handle(), m * k, 3);
  std::fill_n((int8_t *)bm.get_data_handle(), pd.weights_desc().get_size(), 1);
  dnnl::matmul prim(pd);
  double t = p50([&] { prim.execute(s, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}}); s.wait(); }, reps);
  std::printf("%s %.4f %.1f\n", name, t, 2.0 * m * n * k / t / 1e6);
}

// With `fromNCHW` the timed run also reorders an NCHW source into the
// kernel's layout and its result back to NCHW: what an application holding
// NCHW tensors (the layout of the ONNX model Octet compiles) pays. oneDNN's
// own INT8 kernels do not take NCHW (it falls back to a reference kernel).
static void benchConv(engine &eng, stream &s, const char *name, bool fromNCHW, int reps) {
  const int64_t n = 1, c = 64, h = 56, w = 56, oc = 64;
  memory::desc src({n, c, h, w}, memory::data_type::u8, memory::format_tag::any);
  memory::desc wei({oc, c, 3, 3}, memory::data_type::s8, memory::format_tag::any);
  memory::desc dst({n, oc, h, w}, memory::data_type::u8, memory::format_tag::any);
  primitive_attr attr;
  attr.set_output_scales(2, std::vector<float>(oc, 0.01f));
  auto d = convolution_forward::desc(prop_kind::forward_inference, algorithm::convolution_direct,
                                     src, wei, dst, {1, 1}, {1, 1}, {1, 1});
  auto pd = convolution_forward::primitive_desc(d, attr, eng);
  memory sm(pd.src_desc(), eng), wm(pd.weights_desc(), eng), dm(pd.dst_desc(), eng);
  memory::desc plain({n, c, h, w}, memory::data_type::u8, memory::format_tag::nchw);
  memory usrc(plain, eng), udst(plain, eng);
  std::fill_n((uint8_t *)sm.get_data_handle(), pd.src_desc().get_size(), 3);
  std::fill_n((uint8_t *)usrc.get_data_handle(), plain.get_size(), 3);
  std::fill_n((int8_t *)wm.get_data_handle(), pd.weights_desc().get_size(), 1);
  convolution_forward prim(pd);
  reorder in(usrc, sm), out(dm, udst);
  double t = p50([&] {
    if (fromNCHW)
      in.execute(s, usrc, sm);
    prim.execute(s, {{DNNL_ARG_SRC, sm}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, dm}});
    if (fromNCHW)
      out.execute(s, dm, udst);
    s.wait();
  }, reps);
  std::printf("%s %.4f %.1f\n", name, t, 2.0 * n * oc * h * w * c * 9 / t / 1e6);
}

int main(int argc, char **argv) {
  // With an argument, only the case of that name (bench/run.sh alternates
  // oneDNN and Octet runs of one case).
  std::string only = argc > 1 ? argv[1] : "";
  auto want = [&](const char *name) { return only.empty() || only == name; };
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  if (want("gemm_1024x1024x1024"))
    benchMatmul(eng, s, "gemm_1024x1024x1024", 1024, 1024, 1024, 30);
  if (want("gemm_256x3072x768"))
    benchMatmul(eng, s, "gemm_256x3072x768", 256, 3072, 768, 50);
  if (want("conv3x3_64x56x56"))
    benchConv(eng, s, "conv3x3_64x56x56", false, 50);
  if (want("conv3x3_64x56x56_nchw"))
    benchConv(eng, s, "conv3x3_64x56x56_nchw", true, 50);
  return 0;
}
