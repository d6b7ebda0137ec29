// The native model file (.edgr): a compiled graph in one flat, little-endian byte array, loadable in
// place from a const array (firmware) or a file's bytes. Loading deserializes the small metadata and
// points every constant straight into the data section: no weight is copied.
//
// Layout (all integers little-endian, offsets absolute from the start of the file):
//
//   header, kHeaderSize bytes
//     0  magic "EDGR"
//     4  u16 major version (a reader rejects any other major), u16 minor version (additions a reader
//        of an older minor may ignore)
//     8  u64 file size (must equal the byte count given to the reader)
//    16  u64 metadata offset, 24 u64 metadata size
//    32  u64 data offset,     40 u64 data size (the data section: kDataAlignment-aligned offset)
//    48  reserved (zero) up to kHeaderSize
//   metadata: one sequential record stream, read to its exact end
//     string graph name
//     u32 opset count, then per opset: string domain, i64 version
//     u32 value count, then per value:
//       string name, i32 dtype (graph/dtype.h), u8 flags (bit 0 has_shape, bit 1 has a constant),
//       [has_shape] u32 rank, then per dim: i64 size (-1 unknown), string symbol
//       quant (the value's), [constant] tensor
//     u32 node count, then per node (in execution order, each input produced before it is read):
//       string name, string op_type (as the model wrote it), string op (edgerun's op name, which the
//       reader maps to its OpType), i32 opset,
//       u32 input count, i32 value ids (-1: omitted), u32 output count, i32 value ids (-1: omitted),
//       u32 attribute count, then per attribute: string name, u8 kind (Attribute::Kind), payload:
//         float f32 | int i64 | string string | tensor tensor |
//         floats u32 n, f32 x n | ints u32 n, i64 x n | strings u32 n, string x n
//     u32 graph input count, i32 value ids; u32 graph output count, i32 value ids
//   data section: every constant's bytes (values' constants and tensor attributes) at a
//     kDataAlignment-aligned file offset, and at least kTailPadding bytes after the last one, so
//     SIMD kernels may over-read a tail as they may on owned tensors (graph/tensor.h).
//
//   string = u32 byte length, bytes (no terminator)
//   quant  = u32 n, f32 scale x n; u32 m, i32 zero_point x m; i64 axis
//   tensor = i32 dtype, u32 rank, i64 dim x rank, quant, u64 data offset, u64 byte size
//            (byte size = element count x dtype size; the bytes lie inside the data section)
//
// The file is untrusted input: the reader bounds-checks every offset and size, caps every count, and
// checks ids, dtypes, op names and the node order; loading then re-runs shape inference on the graph.
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgerun::edgr {

constexpr uint8_t kMagic[4] = {'E', 'D', 'G', 'R'};
constexpr uint16_t kMajorVersion = 1;
constexpr uint16_t kMinorVersion = 0;
constexpr size_t kHeaderSize = 64;
constexpr size_t kDataAlignment = 64;  // file offset of every constant
constexpr size_t kTailPadding = 64;    // bytes readable past the end of any constant
// The alignment read_edgr needs of its buffer: constants at 64-byte file offsets are then 16-byte
// aligned in memory (malloc and std::vector give 16; mmap and the C arrays `edgerun convert` writes, 64).
constexpr size_t kBufferAlignment = 16;

// Caps on counts: far above any real model, low enough that no count makes the reader allocate much
// before the bytes run out.
constexpr uint32_t kMaxValues = 1u << 24;
constexpr uint32_t kMaxNodes = 1u << 22;
constexpr uint32_t kMaxNodeIo = 1u << 16;      // inputs or outputs of one node, of the graph
constexpr uint32_t kMaxAttributes = 1024;      // per node
constexpr uint32_t kMaxOpsets = 64;
constexpr uint32_t kMaxRank = 16;
constexpr uint32_t kMaxStringBytes = 1u << 16;
constexpr uint32_t kMaxListElements = 1u << 24;  // floats / ints / strings attributes, quant params

// True when `data` starts with the magic (how loaders tell .edgr from ONNX).
inline bool has_edgr_magic(const uint8_t* data, size_t size) {
  return size >= 4 && data[0] == kMagic[0] && data[1] == kMagic[1] && data[2] == kMagic[2] && data[3] == kMagic[3];
}

}  // namespace edgerun::edgr
