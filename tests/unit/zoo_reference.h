// Reads a zoo reference signature (tests/data/zoo/*.sig, written by models/tools/make_zoo_signatures.py
// and make_transformer_signatures.py): "input AxBxC", "torch_params N" (PyTorch's count), "params N"
// (edgerun's count of the imported export), "macs N", then one line per layer.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "graph/shape.h"

namespace edgerun::testing {

struct ZooReference {
  Shape input;
  int64_t torch_params = -1;
  int64_t params = -1;
  int64_t macs = -1;
  std::vector<std::string> layers;
};

inline ZooReference read_zoo_reference(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "missing " << path << " (made by models/tools/make_*_signatures.py)");
  ZooReference ref;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    if (key.empty() || key[0] == '#') continue;
    if (key == "input") {
      std::string dims;
      words >> dims;
      std::istringstream parts(dims);
      for (std::string d; std::getline(parts, d, 'x');) ref.input.push_back(std::stoll(d));
    } else if (key == "torch_params") {
      words >> ref.torch_params;
    } else if (key == "params") {
      words >> ref.params;
    } else if (key == "macs") {
      words >> ref.macs;
    } else {
      ref.layers.push_back(line);
    }
  }
  return ref;
}

}  // namespace edgerun::testing
