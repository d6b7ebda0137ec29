#include "tools/study/study_grid.h"

#include "tools/study/study_layout.h"

namespace edgerun::study {

namespace {

// The quick grids keep one image model for the black-box study and one image and one text model for
// the white-box one (finding 4 sets text against images), so every finding can still be judged.
std::vector<std::string> quick_models(const std::string& study) {
  if (study == kBlackbox) return {"resnet"};
  return {"resnet", "bert"};
}

}  // namespace

Result<StudyGrid> study_grid(const std::string& study, bool quick) {
  if (study != kBlackbox && study != kWhitebox) {
    return invalid_argument("--study must be blackbox or whitebox, got '" + study + "'");
  }
  const StudyLayout layout = layout_for(study);
  StudyGrid grid;
  grid.study = study;
  grid.quick = quick;
  grid.models = quick ? quick_models(study) : layout.models;
  // Scaled from the studies' 100 x 6: the full grid keeps their shape at a tenth of the inputs; the
  // quick one keeps two timed samples per cell and a quarter of each test split.
  grid.protocol = quick ? GridProtocol{2, 2, 1, 500} : GridProtocol{10, 6, 1, 0};
  for (const std::string& model : grid.models) {
    for (const LayoutColumn& column : layout.columns) {
      for (const Config& config : column.configs) grid.cells.push_back({model, config.op, config.placement});
    }
  }
  return grid;
}

}  // namespace edgerun::study
