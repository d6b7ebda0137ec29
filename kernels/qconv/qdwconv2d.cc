#include "kernels/qconv/qdwconv2d.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>
#include <vector>

#include "kernels/qgemm/requantize.h"
#include "kernels/ref/omp.h"
#include "kernels/x86/qdwconv/qdwconv.h"
#include "kernels/x86/qgemm/qs8_gemm.h"

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace edgerun::kernels {

namespace {

// c4 (quads of taps on padded bytes, requantizing in the kernel) or c2 (pairs of taps on packed int16
// pairs, an accumulator plane requantized afterwards): see qdwconv.h.
struct QDwConvKernels {
  int group;                                         // taps per group: 4 or 2
  void (*pack_c2)(const x86::QDwConvC2PackArgs& a);  // c2 only
  void (*plane)(const x86::QDwConvPlaneArgs& a);
  x86::QRequantUkernel requantize;  // c2 only
};

constexpr QDwConvKernels kAvx512Vnni = {4, nullptr, x86::qs8_dwconv2d_chw_c4__avx512vnni, nullptr};
constexpr QDwConvKernels kAvx2 = {2, x86::qs8_dwconv2d_pack_c2__avx2, x86::qs8_dwconv2d_chw_c2__avx2,
                                  x86::qs8_requantize__avx2};

int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }

// memcpy of n bytes; rows of 16 or fewer (7x7 and 14x14 planes) as two fixed-size, overlapping copies
// the compiler inlines, not a library call per row.
void copy_row(uint8_t* dst, const uint8_t* src, int64_t n) {
  if (n >= 8 && n <= 16) {
    std::memcpy(dst, src, 8);
    std::memcpy(dst + n - 8, src + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    std::memcpy(dst, src, 4);
    std::memcpy(dst + n - 4, src + n - 4, 4);
  } else {
    std::memcpy(dst, src, static_cast<size_t>(n));
  }
}
size_t aligned64(size_t bytes) { return (bytes + 63) / 64 * 64; }

class QDwConv2d final : public QConv2d {
 public:
  QDwConv2d(const Conv2dShape& shape, const QConv2dParams& params, const QDwConvKernels& k)
      : s_(shape), p_(params), k_(k) {
    groups_ = (shape.kernel_w + k.group - 1) / k.group;
    rows_ = (shape.out_h - 1) * shape.stride_h + (shape.kernel_h - 1) * shape.dilation_h + 1;
    const int64_t width = round_up(shape.out_w, x86::kQDwConvLanes);
    const int64_t reach = k.group * (groups_ - 1) * shape.dilation_w;  // the last group's first tap
    size_t row_bytes = 0, packed_bytes = 0;
    if (k.group == 4) {
      row_stride_ = (width - x86::kQDwConvLanes) * shape.stride_w + reach + x86::kQDwConvC4Load;
      packed_bytes = static_cast<size_t>(rows_ * row_stride_);
    } else {
      row_pairs_ = width + reach / shape.stride_w;
      row_stride_ = shape.stride_w * row_pairs_;
      row_bytes = static_cast<size_t>(row_pairs_ * shape.stride_w + shape.dilation_w) * sizeof(int16_t);
      packed_bytes = static_cast<size_t>(rows_ * row_stride_) * sizeof(int32_t);
    }
    for (int64_t kh = 0; kh < shape.kernel_h; ++kh) {
      for (int64_t g = 0; g < groups_; ++g) {
        const int64_t col = k.group * g * shape.dilation_w;
        const int64_t row = kh * shape.dilation_h * row_stride_;
        tap_offset_.push_back(k.group == 4 ? row + col
                                           : row + col % shape.stride_w * row_pairs_ + col / shape.stride_w);
      }
    }
    row_bytes_ = aligned64(row_bytes);
    packed_bytes_ = aligned64(packed_bytes);
    acc_bytes_ = params.output.float_output || k.group == 4
                     ? 0
                     : aligned64(static_cast<size_t>(shape.out_h * width + 2 * shape.out_w) * sizeof(int32_t));
    ld_acc_ = width;
    if (k.group == 4) x86::qdwconv_c4_pattern(shape.stride_w, shape.dilation_w, c4_index_, c4_pattern_);
#if defined(_OPENMP)
    threads_ = omp_get_max_threads();
#endif
  }

  // Weights [C][1][kh][kw] in groups per row (0 past kernel_w); the accumulators' start per channel;
  // requantization per channel.
  Status prepare(const int8_t* weights) {
    const int64_t channels = s_.out_channels;
    const int64_t kernel = s_.kernel_h * s_.kernel_w;
    weights_.assign(static_cast<size_t>(channels * s_.kernel_h * groups_), 0);
    for (int64_t c = 0; c < channels; ++c) {
      int32_t sum = 0;
      for (int64_t kh = 0; kh < s_.kernel_h; ++kh) {
        const int8_t* w = weights + c * kernel + kh * s_.kernel_w;
        for (int64_t g = 0; g < groups_; ++g) {
          uint32_t packed = 0;
          for (int64_t j = 0; j < k_.group; ++j) {
            const int64_t kw = k_.group * g + j;
            if (kw >= s_.kernel_w) break;
            sum += w[kw];
            // c4: 4 int8; c2: 2 int16.
            const uint32_t bits = k_.group == 4 ? static_cast<uint8_t>(w[kw]) : static_cast<uint16_t>(int16_t{w[kw]});
            packed |= bits << (j * (32 / k_.group));
          }
          weights_[static_cast<size_t>((c * s_.kernel_h + kh) * groups_ + g)] = static_cast<int32_t>(packed);
        }
      }
      // c4 multiplies x itself, padding holding zp: the zero point's share comes off here.
      init_.push_back(p_.output.channel_bias(c) - (k_.group == 4 ? p_.x_zero_point * sum : 0));
    }
    if (!p_.output.float_output) {
      ASSIGN_OR_RETURN(requant_, make_requantization(p_.output.scale.data(), p_.output.scale.size() != 1, channels,
                                                     p_.output.zero_point, p_.output.lo, p_.output.hi));
    }
    return Status::Ok();
  }

  size_t scratch_bytes() const override { return static_cast<size_t>(threads_) * per_thread(); }

  void run(const uint8_t* x, const float* residual, void* y, void* scratch) const override {
    const int64_t planes = s_.batch * s_.out_channels;
    EDGERUN_OMP(parallel) {
      int thread = 0;
#if defined(_OPENMP)
      thread = omp_get_thread_num();
#endif
      char* mine = static_cast<char*>(scratch) + static_cast<size_t>(thread) * per_thread();
      bool padded = false;  // c4: the padding is the same for every plane, written once per run
      EDGERUN_OMP(for schedule(static))
      for (int64_t plane = 0; plane < planes; ++plane) {
        run_plane(plane, x, residual, y, mine, padded);
        padded = true;
      }
    }
  }

 private:
  size_t per_thread() const { return row_bytes_ + packed_bytes_ + acc_bytes_; }

  // c4: the plane's bytes, rows and columns padded with the zero point (the padding only when not
  // `padded` yet: it stays).
  void pad_bytes(const uint8_t* x, uint8_t* out, bool padded) const {
    if (!padded) std::memset(out, p_.x_zero_point, static_cast<size_t>(rows_ * row_stride_));
    const int64_t copy = std::max<int64_t>(0, std::min(s_.in_w, row_stride_ - s_.pad_left));
    const int64_t first = std::max<int64_t>(0, s_.pad_top), last = std::min(rows_, s_.pad_top + s_.in_h);
    for (int64_t r = first; r < last; ++r)
      copy_row(out + r * row_stride_ + s_.pad_left, x + (r - s_.pad_top) * s_.in_w, copy);
  }

  void run_plane(int64_t plane, const uint8_t* x, const float* residual, void* y, char* mine, bool padded) const {
    const int64_t c = plane % s_.out_channels;
    const uint8_t* in = x + plane * s_.in_h * s_.in_w;
    void* packed = mine + row_bytes_;
    if (k_.group == 4) {
      pad_bytes(in, static_cast<uint8_t*>(packed), padded);
    } else {
      x86::QDwConvC2PackArgs pack;
      pack.x = in;
      pack.in_h = s_.in_h;
      pack.in_w = s_.in_w;
      pack.zero_point = p_.x_zero_point;
      pack.pad_top = s_.pad_top;
      pack.pad_left = s_.pad_left;
      pack.rows = rows_;
      pack.stride_w = s_.stride_w;
      pack.dilation_w = s_.dilation_w;
      pack.row_pairs = row_pairs_;
      pack.row = reinterpret_cast<int16_t*>(mine);
      pack.pairs = static_cast<int32_t*>(packed);
      k_.pack_c2(pack);
    }

    const int64_t out_plane = s_.out_h * s_.out_w;
    x86::QDwConvPlaneArgs a;
    a.packed = packed;
    a.row_stride = row_stride_;
    a.stride_h = s_.stride_h;
    a.stride_w = s_.stride_w;
    a.dilation_w = s_.dilation_w;
    a.out_h = s_.out_h;
    a.out_w = s_.out_w;
    a.taps = static_cast<int64_t>(tap_offset_.size());
    a.weights = weights_.data() + c * a.taps;
    a.tap_offset = tap_offset_.data();
    a.init = init_[static_cast<size_t>(c)];
    a.c4_index = c4_index_;
    a.c4_pattern = c4_pattern_;
    if (p_.output.float_output) {
      a.y = static_cast<float*>(y) + plane * out_plane;
      a.residual = p_.output.epilogue.residual ? residual + plane * out_plane : nullptr;
      a.scale = p_.output.channel_scale(c);
      a.min = p_.output.epilogue.min;
      a.max = p_.output.epilogue.max;
      k_.plane(a);
      return;
    }
    uint8_t* yq = static_cast<uint8_t*>(y) + plane * out_plane;
    if (k_.group == 4) {
      a.yq = yq;
      a.multiplier = requant_.multiplier[static_cast<size_t>(c)];
      a.shift = requant_.shift[static_cast<size_t>(c)];
      a.zero_point = requant_.zero_point;
      a.lo = requant_.lo;
      a.hi = requant_.hi;
      k_.plane(a);
      return;
    }
    a.acc = reinterpret_cast<int32_t*>(mine + row_bytes_ + packed_bytes_);
    a.ld_acc = ld_acc_;
    k_.plane(a);
    // The requantization tile takes a multiplier and shift per column: this channel's, repeated.
    int32_t* mult = a.acc + s_.out_h * ld_acc_;
    int32_t* shift = mult + s_.out_w;
    std::fill(mult, mult + s_.out_w, requant_.multiplier[static_cast<size_t>(c)]);
    std::fill(shift, shift + s_.out_w, requant_.shift[static_cast<size_t>(c)]);
    x86::QRequantParams q;
    q.acc = a.acc;
    q.ld_acc = ld_acc_;
    q.rows = s_.out_h;
    q.cols = s_.out_w;
    q.multiplier = mult;
    q.shift = shift;
    q.zero_point = requant_.zero_point;
    q.lo = requant_.lo;
    q.hi = requant_.hi;
    q.y = yq;
    q.ldy = s_.out_w;
    k_.requantize(q);
  }

  Conv2dShape s_;
  QConv2dParams p_;
  QDwConvKernels k_;
  int64_t groups_ = 0, rows_ = 0, row_stride_ = 0, row_pairs_ = 0, ld_acc_ = 0;
  std::vector<int64_t> tap_offset_;
  std::vector<int32_t> weights_, init_;
  Requantization requant_;
  size_t row_bytes_ = 0, packed_bytes_ = 0, acc_bytes_ = 0;
  int threads_ = 1;
  int32_t c4_index_[16] = {};
  uint8_t c4_pattern_[64] = {};
};

Status validate(const Conv2dShape& s, const QConv2dParams& p) {
  if (!qdwconv2d_supported(s)) return invalid_argument("qdwconv2d: not a depthwise convolution");
  if (s.batch <= 0 || s.in_h <= 0 || s.in_w <= 0 || s.out_h <= 0 || s.out_w <= 0 || s.kernel_h <= 0 ||
      s.kernel_w <= 0 || s.stride_h <= 0 || s.stride_w <= 0 || s.dilation_h <= 0 || s.dilation_w <= 0 ||
      s.pad_top < 0 || s.pad_left < 0) {
    return invalid_argument("qdwconv2d: bad shape");
  }
  const size_t c = static_cast<size_t>(s.out_channels);
  const QuantOutput& o = p.output;
  if (o.scale.size() != 1 && o.scale.size() != c) return invalid_argument("qdwconv2d: scale count does not match");
  if (!o.bias.empty() && o.bias.size() != c) return invalid_argument("qdwconv2d: bias count does not match");
  if (o.float_output && !(o.epilogue.min <= o.epilogue.max)) return invalid_argument("qdwconv2d: clamp min > max");
  for (const float scale : o.scale) {
    if (o.float_output && !std::isfinite(scale)) return invalid_argument("qdwconv2d: float output scale is not finite");
  }
  return Status::Ok();
}

Result<std::unique_ptr<QConv2d>> create(const Conv2dShape& shape, const int8_t* weights, const QConv2dParams& params,
                                        const QDwConvKernels& k) {
  RETURN_IF_ERROR(validate(shape, params));
  auto kernel = std::make_unique<QDwConv2d>(shape, params, k);
  RETURN_IF_ERROR(kernel->prepare(weights));
  return std::unique_ptr<QConv2d>(std::move(kernel));
}

}  // namespace

bool qdwconv2d_supported(const Conv2dShape& shape) { return shape.depthwise(); }

bool qdwconv2d_c4_supported(const Conv2dShape& shape) {
  return shape.depthwise() && shape.stride_w >= 1 && shape.dilation_w >= 1 &&
         3 * (shape.stride_w + shape.dilation_w) <= 15;
}

Result<std::unique_ptr<QConv2d>> create_qdwconv2d_avx512vnni(const Conv2dShape& shape, const int8_t* weights,
                                                             const QConv2dParams& params) {
  if (!qdwconv2d_c4_supported(shape)) return invalid_argument("qdwconv2d c4: stride + dilation along the row > 5");
  return create(shape, weights, params, kAvx512Vnni);
}

Result<std::unique_ptr<QConv2d>> create_qdwconv2d_avx2(const Conv2dShape& shape, const int8_t* weights,
                                                       const QConv2dParams& params) {
  return create(shape, weights, params, kAvx2);
}

}  // namespace edgerun::kernels
