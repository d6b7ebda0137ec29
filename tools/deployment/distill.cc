#include "tools/deployment/distill.h"

#include "models/zoo/zoo.h"

namespace edgerun {

namespace {

constexpr const char* kStudentSuffix = "-student";

std::string models_with_students_text() {
  std::string s;
  for (const std::string& m : models_with_students()) s += (s.empty() ? "" : ", ") + m;
  return "models with a student: " + s;
}

}  // namespace

std::vector<std::string> models_with_students() {
  std::vector<std::string> names;
  for (const zoo::ZooEntry& e : zoo::zoo_entries()) {
    if (zoo::find_zoo_entry(std::string(e.name) + kStudentSuffix) != nullptr) names.push_back(e.name);
  }
  return names;
}

Result<std::string> zoo_student_of(const ModelSource& model) {
  if (model.zoo_name.empty()) {
    return invalid_argument("distill runs a zoo model's trained student; '" + model.path + "' is a model file (" +
                            models_with_students_text() + ")");
  }
  const std::string student = model.zoo_name + kStudentSuffix;
  if (zoo::find_zoo_entry(student) == nullptr) {
    return invalid_argument("distill: '" + model.zoo_name + "' has no student in the zoo (" +
                            models_with_students_text() + ")");
  }
  return student;
}

Result<data::TrainedRecord> student_record(const std::string& teacher) {
  const std::string student = teacher + kStudentSuffix;
  ASSIGN_OR_RETURN(data::TrainedRecord record, data::load_trained_record(data::trained_models_dir() + "/" + student));
  if (record.teacher != teacher) {
    const std::string named = record.teacher.empty() ? "names no teacher" : "names teacher '" + record.teacher + "'";
    return invalid_model("distill: the record of '" + student + "' " + named + ", not '" + teacher + "'");
  }
  return record;
}

}  // namespace edgerun
