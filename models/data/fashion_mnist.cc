#include "models/data/fashion_mnist.h"

#include "models/data/gzip_file.h"
#include "models/data/idx.h"

namespace edgerun::data {

namespace {
constexpr size_t kMaxImageBytes = size_t{256} << 20;
constexpr size_t kMaxLabelBytes = size_t{4} << 20;
}  // namespace

Result<LabelledImages> parse_fashion_mnist(const std::vector<uint8_t>& images_idx,
                                           const std::vector<uint8_t>& labels_idx, const std::string& what) {
  ASSIGN_OR_RETURN(IdxArray images, parse_idx_u8(images_idx.data(), images_idx.size(), 3, what + " images"));
  ASSIGN_OR_RETURN(IdxArray labels, parse_idx_u8(labels_idx.data(), labels_idx.size(), 1, what + " labels"));
  if (images.dims[0] != labels.dims[0]) {
    return invalid_argument(what + ": " + std::to_string(images.dims[0]) + " images but " +
                            std::to_string(labels.dims[0]) + " labels");
  }
  if (images.dims[0] == 0 || images.dims[1] == 0 || images.dims[2] == 0) return invalid_argument(what + ": no images");
  for (size_t i = 0; i < labels.data.size(); ++i) {
    if (labels.data[i] >= kFashionMnistClasses) {
      return invalid_argument(what + ": label " + std::to_string(labels.data[i]) + " of sample " + std::to_string(i) +
                              " is not a class 0.." + std::to_string(kFashionMnistClasses - 1));
    }
  }
  LabelledImages out;
  out.count = images.dims[0];
  out.height = images.dims[1];
  out.width = images.dims[2];
  out.pixels = std::move(images.data);
  out.labels = std::move(labels.data);
  return out;
}

Result<LabelledImages> load_fashion_mnist(const std::string& dir, const std::string& split) {
  if (split != "t10k" && split != "train")
    return invalid_argument("Fashion-MNIST split must be t10k or train, got '" + split + "'");
  const std::string prefix = dir + "/" + split;
  ASSIGN_OR_RETURN(std::vector<uint8_t> images, read_gzip_file(prefix + "-images-idx3-ubyte.gz", kMaxImageBytes));
  ASSIGN_OR_RETURN(std::vector<uint8_t> labels, read_gzip_file(prefix + "-labels-idx1-ubyte.gz", kMaxLabelBytes));
  return parse_fashion_mnist(images, labels, "Fashion-MNIST '" + prefix + "'");
}

}  // namespace edgerun::data
