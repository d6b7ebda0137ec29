// distill (operator_pipeline.h): the zoo's trained student of a model runs in its place. The zoo names a
// model's student "<model>-student" (resnet-student, bert-student, ...): latency is the full-size student
// built from the zoo; accuracy is its trained surrogate, models/trained/<model>-student/, whose record
// names the model as its teacher, beside the teacher's own surrogate.
#pragma once

#include <string>
#include <vector>

#include "graph/status.h"
#include "models/data/trained_record.h"
#include "tools/common/model_source.h"

namespace edgerun {

// The zoo models that have a student, in zoo order.
std::vector<std::string> models_with_students();

// The student's zoo name; an error naming the models with students for a model file or a model without one.
Result<std::string> zoo_student_of(const ModelSource& model);

// The student's trained surrogate record; an error when its record names another teacher.
Result<data::TrainedRecord> student_record(const std::string& teacher);

}  // namespace edgerun
