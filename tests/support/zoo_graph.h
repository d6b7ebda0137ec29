// A zoo model built for a test: smaller images or sequences keep tests fast (parameter counts do not
// change). The test fails if the model cannot be built.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "models/zoo/zoo.h"

namespace edgerun::testing {

inline Graph zoo_model(const std::string& name, int64_t image_size, int64_t sequence_length = 0) {
  zoo::BuildOptions o;
  o.image_size = image_size;
  o.sequence_length = sequence_length;
  auto g = zoo::build_zoo_model(name, o);
  REQUIRE_MESSAGE(g.ok(), g.status().to_string());
  return std::move(g).value();
}

}  // namespace edgerun::testing
