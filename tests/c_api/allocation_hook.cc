#include "tests/c_api/allocation_hook.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> g_armed{false};
std::atomic<size_t> g_count{0};

void note_allocation() {
  if (g_armed.load(std::memory_order_relaxed)) g_count.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

namespace edgerun::testing {
AllocationCounter::AllocationCounter() {
  g_count = 0;
  g_armed = true;
}
AllocationCounter::~AllocationCounter() { g_armed = false; }
size_t AllocationCounter::count() const { return g_count.load(); }
}  // namespace edgerun::testing

// The malloc family, for references linked with --wrap (the engine's aligned_alloc for arenas and
// owned tensors, and any malloc): count, then the real one (ASan's under the sanitizer build).
extern "C" {
void* __real_malloc(size_t size);
void* __real_calloc(size_t count, size_t size);
void* __real_realloc(void* p, size_t size);
void* __real_aligned_alloc(size_t alignment, size_t size);
int __real_posix_memalign(void** p, size_t alignment, size_t size);

void* __wrap_malloc(size_t size) {
  note_allocation();
  return __real_malloc(size);
}
void* __wrap_calloc(size_t count, size_t size) {
  note_allocation();
  return __real_calloc(count, size);
}
void* __wrap_realloc(void* p, size_t size) {
  note_allocation();
  return __real_realloc(p, size);
}
void* __wrap_aligned_alloc(size_t alignment, size_t size) {
  note_allocation();
  return __real_aligned_alloc(alignment, size);
}
int __wrap_posix_memalign(void** p, size_t alignment, size_t size) {
  note_allocation();
  return __real_posix_memalign(p, alignment, size);
}
}  // extern "C"

// operator new lives in libstdc++.so, whose malloc calls --wrap cannot see: replace it (with its
// delete) so std::vector, std::string and make_unique are counted too.
namespace {
void* counted_new(size_t size) {
  note_allocation();
  if (void* p = __real_malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* counted_aligned_new(size_t size, std::align_val_t alignment) {
  note_allocation();
  const size_t a = static_cast<size_t>(alignment);
  if (void* p = __real_aligned_alloc(a, (size + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(size_t size) { return counted_new(size); }
void* operator new[](size_t size) { return counted_new(size); }
void* operator new(size_t size, std::align_val_t a) { return counted_aligned_new(size, a); }
void* operator new[](size_t size, std::align_val_t a) { return counted_aligned_new(size, a); }
void* operator new(size_t size, const std::nothrow_t&) noexcept { return __wrap_malloc(size); }
void* operator new[](size_t size, const std::nothrow_t&) noexcept { return __wrap_malloc(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }
