// Where a tool's model comes from: a zoo name (built natively, nothing read from disk) or an ONNX file.
#pragma once

#include <memory>
#include <string>

#include "engine/session.h"

namespace edgerun {

struct ModelSource {
  std::string zoo_name;  // set when the model is a zoo model
  std::string path;      // set when it is a file
  std::string description;  // "Wide-ResNet-101-2 @224 (zoo 'resnet', built natively, seed 1)"
};

// A name of the zoo wins; anything else must be a readable model file.
Result<ModelSource> resolve_model(const std::string& name_or_path);

Result<std::unique_ptr<Session>> open_session(const ModelSource& source, const SessionOptions& options);

}  // namespace edgerun
