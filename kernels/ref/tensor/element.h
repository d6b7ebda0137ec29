// Dispatch on element size for the byte-level kernels: an element moves as one unsigned integer of its
// size (every dtype has 1, 2, 4 or 8 bytes).
#pragma once

#include <cstddef>
#include <cstdint>

namespace edgerun::ref {

// Calls fn(E{}) with E the unsigned integer type of `elem_size` bytes; returns false for other sizes.
template <typename Fn>
bool dispatch_elem_size(size_t elem_size, Fn&& fn) {
  switch (elem_size) {
    case 1: fn(uint8_t{}); return true;
    case 2: fn(uint16_t{}); return true;
    case 4: fn(uint32_t{}); return true;
    case 8: fn(uint64_t{}); return true;
    default: return false;
  }
}

}  // namespace edgerun::ref
