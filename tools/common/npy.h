// NumPy .npy files <-> Tensor, for the tools and tests (reference inputs and outputs made by PyTorch).
//
// Supported: format versions 1.0, 2.0 and 3.0; element types f16 (storage), f32, f64, i8, u8, i16, u16,
// i32, u32, i64, u64 and bool, little-endian ('<') or byte-order free ('|'), C order, any rank
// including 0-d scalars and empty arrays. Fortran order, big-endian data, structured, string, object
// and complex arrays are refused with kUnsupported. A malformed, truncated or oversized file gives
// kInvalidArgument naming the file and what is wrong; nothing is trusted before it is bounds-checked.
#pragma once

#include <cstddef>
#include <string>

#include "graph/status.h"
#include "graph/tensor.h"

namespace edgerun {

// Reads a .npy file into an owned tensor.
Result<Tensor> read_npy(const std::string& path);

// Parses .npy bytes held in memory (the whole file: header and data).
Result<Tensor> parse_npy(const void* data, size_t size);

// Writes `t` as a .npy file the way numpy.save does (version 1.0, or 2.0 when the header does not
// fit in 64 KiB; header padded so the data starts at a multiple of 64 bytes).
Status write_npy(const std::string& path, const Tensor& t);

}  // namespace edgerun
