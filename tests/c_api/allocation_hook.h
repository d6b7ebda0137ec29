// Counts heap allocations while armed: every operator new (replaced in allocation_hook.cc) and every
// malloc-family call the test and the static edgerun library make (linked with -Wl,--wrap=malloc,...;
// see tests/CMakeLists.txt). Armed only around the calls under test.
#pragma once

#include <cstddef>

namespace edgerun::testing {

class AllocationCounter {
 public:
  AllocationCounter();   // arms the hook, count 0
  ~AllocationCounter();  // disarms it
  AllocationCounter(const AllocationCounter&) = delete;
  AllocationCounter& operator=(const AllocationCounter&) = delete;
  size_t count() const;
};

}  // namespace edgerun::testing
