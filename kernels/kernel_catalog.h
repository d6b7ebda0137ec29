// What `edgerun info` prints: for each kernel family, the kernel dispatch picks on this machine for a
// typical layer of the zoo, under the current ISA cap and the given backend.
#pragma once

#include <string>
#include <vector>

#include "kernels/backend.h"

namespace edgerun::kernels {

struct KernelChoice {
  std::string family;   // conv2d, dense, matmul, ...
  std::string example;  // the layer the choice was made for
  std::string kernel;   // the chosen entry's name
};

std::vector<KernelChoice> describe_kernel_choices(Backend backend);

}  // namespace edgerun::kernels
