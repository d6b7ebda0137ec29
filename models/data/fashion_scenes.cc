#include "models/data/fashion_scenes.h"

#include "tools/common/npy.h"

namespace edgerun::data {

Result<LabelledScenes> load_fashion_scenes(const std::string& dir) {
  const std::string images_path = dir + "/images.npy";
  const std::string labels_path = dir + "/labels.npy";
  ASSIGN_OR_RETURN(Tensor images, read_npy(images_path));
  ASSIGN_OR_RETURN(Tensor labels, read_npy(labels_path));
  if (images.dtype() != DType::kU8 || images.rank() != 4 || images.dim(1) != 1) {
    return invalid_argument("'" + images_path + "' must be uint8 [N, 1, H, W], got " +
                            std::string(dtype_name(images.dtype())) + " " + shape_to_string(images.shape()));
  }
  if (labels.dtype() != DType::kU8 || labels.rank() != 3) {
    return invalid_argument("'" + labels_path + "' must be uint8 [N, H, W], got " +
                            std::string(dtype_name(labels.dtype())) + " " + shape_to_string(labels.shape()));
  }
  if (labels.dim(0) != images.dim(0) || labels.dim(1) != images.dim(2) || labels.dim(2) != images.dim(3)) {
    return invalid_argument("fashion-scenes in '" + dir + "': labels " + shape_to_string(labels.shape()) +
                            " do not match images " + shape_to_string(images.shape()));
  }
  if (images.num_elements() == 0) return invalid_argument("fashion-scenes in '" + dir + "': no scenes");
  LabelledScenes out;
  out.count = images.dim(0);
  out.height = images.dim(2);
  out.width = images.dim(3);
  const uint8_t* label_data = labels.data<uint8_t>();
  for (int64_t i = 0; i < labels.num_elements(); ++i) {
    if (label_data[i] >= kFashionScenesClasses) {
      return invalid_argument("'" + labels_path + "': pixel label " + std::to_string(label_data[i]) + " at element " +
                              std::to_string(i) + " is not a class 0.." + std::to_string(kFashionScenesClasses - 1));
    }
  }
  out.pixels.assign(images.data<uint8_t>(), images.data<uint8_t>() + images.num_elements());
  out.labels.assign(label_data, label_data + labels.num_elements());
  return out;
}

}  // namespace edgerun::data
