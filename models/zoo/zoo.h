// The model zoo: the studies' architectures built natively (no file, no Python) from a name and a
// seed. Full-size builders give latency; the trained surrogates in models/trained/ give accuracy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace edgerun::zoo {

struct BuildOptions {
  uint64_t seed = 1;
  int64_t batch = 1;
  // 0 keeps the model's own input size (224, 520, 800, sequence 128). Tests may shrink it: the
  // parameter count does not change, and MACs scale predictably.
  int64_t image_size = 0;
  int64_t sequence_length = 0;
};

struct ZooEntry {
  const char* name;         // "resnet"
  const char* architecture; // "Wide-ResNet-101-2 @224"
  const char* reference;    // where its shape comes from: "torchvision wide_resnet101_2"
  Result<Graph> (*build)(const BuildOptions&);
};

// Every zoo model, in the order `edgerun export --list` prints them.
std::vector<ZooEntry> zoo_entries();
const ZooEntry* find_zoo_entry(const std::string& name);
// Builds a zoo model by name; an unknown name lists the known ones in its error.
Result<Graph> build_zoo_model(const std::string& name, const BuildOptions& options = {});

// Each family registers its models (cnn_zoo.cc, transformer_zoo.cc).
std::vector<ZooEntry> cnn_zoo_entries();
std::vector<ZooEntry> transformer_zoo_entries();

}  // namespace edgerun::zoo
