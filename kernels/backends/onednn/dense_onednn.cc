#include "kernels/backends/onednn/dense_onednn.h"

#include <cstring>
#include <exception>
#include <memory>
#include <unordered_map>

#include "kernels/backends/onednn/onednn_common.h"

namespace edgerun::kernels {

namespace {

using dnnl::memory;
using Tag = memory::format_tag;
constexpr memory::data_type kF32 = memory::data_type::f32;

class DenseF32OneDnn final : public DenseF32 {
 public:
  // Builds the primitive and reorders the weights; throws dnnl::error when oneDNN refuses.
  DenseF32OneDnn(const DenseShape& s, const float* b, const float* bias, const Epilogue& epilogue)
      : stream_(onednn::cpu_engine()),
        residual_(epilogue.residual),
        y_count_(static_cast<size_t>(s.m * s.n)),
        a_md_({s.m, s.k}, kF32, Tag::ab),
        y_md_({s.m, s.n}, kF32, Tag::ab) {
    const dnnl::engine& engine = onednn::cpu_engine();
    // B is k x n either way; transpose_b only changes its strides ([n, k] storage is ba).
    const memory::desc user_b_md({s.k, s.n}, kF32, s.transpose_b ? Tag::ba : Tag::ab);
    const memory::desc bias_md = bias != nullptr ? memory::desc({1, s.n}, kF32, Tag::ab) : memory::desc();
    const dnnl::matmul::desc desc(a_md_, memory::desc({s.k, s.n}, kF32, Tag::any), bias_md, y_md_);
    const dnnl::matmul::primitive_desc pd(desc, onednn::epilogue_attr(epilogue), engine);
    matmul_ = dnnl::matmul(pd);
    const size_t pad_bytes = pd.scratchpad_desc().get_size();
    pad_md_ = memory::desc({static_cast<memory::dim>(pad_bytes > 0 ? pad_bytes : 1)}, memory::data_type::u8, Tag::x);
    scratch_bytes_ = pad_bytes;

    b_ = memory(pd.weights_desc(), engine);
    memory user_b(user_b_md, engine, const_cast<float*>(b));
    dnnl::reorder(user_b, b_).execute(stream_, user_b, b_);
    if (bias != nullptr) {
      bias_ = memory(bias_md, engine);
      std::memcpy(bias_.get_data_handle(), bias, bias_md.get_size());
    }
    stream_.wait();
  }

  void run(const float* a, const float* residual, float* y, void* scratch) const override {
    try {
      execute(a, residual, y, scratch);
    } catch (const std::exception&) {
      onednn::fill_nan(y, y_count_);
    }
  }

  size_t scratch_bytes() const override { return scratch_bytes_; }

 private:
  void execute(const float* a, const float* residual, float* y, void* scratch) const {
    const dnnl::engine& engine = onednn::cpu_engine();
    // The sum post-op adds what y holds.
    if (residual_ && residual != y) std::memcpy(y, residual, y_count_ * sizeof(float));
    std::unordered_map<int, memory> args = {{DNNL_ARG_SRC, memory(a_md_, engine, const_cast<float*>(a))},
                                            {DNNL_ARG_WEIGHTS, b_},
                                            {DNNL_ARG_DST, memory(y_md_, engine, y)},
                                            {DNNL_ARG_SCRATCHPAD, memory(pad_md_, engine, scratch)}};
    if (bias_) args.emplace(DNNL_ARG_BIAS, bias_);
    matmul_.execute(stream_, args);
    stream_.wait();
  }

  mutable dnnl::stream stream_;  // wait() is non-const; the stream holds no state of a run
  bool residual_;
  size_t y_count_;
  memory::desc a_md_, y_md_, pad_md_;
  dnnl::matmul matmul_;
  memory b_, bias_;  // bias_ empty without bias
  size_t scratch_bytes_ = 0;
};

}  // namespace

bool onednn_dense_f32_supports(const DenseShape& shape) { return shape.m > 0 && shape.n > 0 && shape.k > 0; }

Result<std::unique_ptr<DenseF32>> create_dense_f32_onednn(const DenseShape& shape, const float* b, const float* bias,
                                                          const Epilogue& epilogue) {
  if (!onednn_dense_f32_supports(shape)) return invalid_argument("onednn dense: empty shape");
  return onednn::catch_errors("onednn dense", [&]() -> Result<std::unique_ptr<DenseF32>> {
    return std::unique_ptr<DenseF32>(std::make_unique<DenseF32OneDnn>(shape, b, bias, epilogue));
  });
}

}  // namespace edgerun::kernels
