#include "tools/study/study_results.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>

namespace edgerun::study {
namespace {

using nlohmann::json;

const char* const kStringKeys[] = {"study", "model", "op", "placement", "metric", "machine"};
const char* const kSampleKeys[] = {"warm_ms", "cold_ms", "per_sample_scores"};
const char* const kNumberKeys[] = {"accuracy", "accuracy_drop", "peak_memory_mb", "bytes_over_link"};

// The members behind the file's keys, for reading (Cell = CellResult) and writing (const CellResult).
template <typename Cell>
auto string_member(Cell& c, const std::string& key) -> decltype(&c.study) {
  if (key == "study") return &c.study;
  if (key == "model") return &c.model;
  if (key == "op") return &c.op;
  if (key == "placement") return &c.placement;
  if (key == "metric") return &c.metric;
  return key == "machine" ? &c.machine : nullptr;
}

template <typename Cell>
auto samples_member(Cell& c, const std::string& key) -> decltype(&c.warm_ms) {
  if (key == "warm_ms") return &c.warm_ms;
  if (key == "cold_ms") return &c.cold_ms;
  return key == "per_sample_scores" ? &c.per_sample_scores : nullptr;
}

template <typename Cell>
auto number_member(Cell& c, const std::string& key) -> decltype(&c.accuracy) {
  if (key == "accuracy") return &c.accuracy;
  if (key == "accuracy_drop") return &c.accuracy_drop;
  if (key == "peak_memory_mb") return &c.peak_memory_mb;
  return key == "bytes_over_link" ? &c.bytes_over_link : nullptr;
}

std::string number_text(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

Status field_error(const char* key, const std::string& message) {
  return invalid_argument(std::string("field '") + key + "': " + message);
}

Status check_samples(const std::vector<double>& v, const char* key, bool non_negative) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (!std::isfinite(v[i]) || (non_negative && v[i] < 0)) {
      return field_error(key, "value " + std::to_string(i) + " is " + number_text(v[i]) +
                                  (non_negative ? ", must be finite and >= 0" : ", must be finite"));
    }
  }
  return Status::Ok();
}

// NaN means not measured; anything else must be finite (and >= 0 where asked).
Status check_number(double v, const char* key, bool non_negative) {
  if (std::isnan(v) || (std::isfinite(v) && !(non_negative && v < 0))) return Status::Ok();
  return field_error(
      key, number_text(v) + (non_negative ? " must be finite and >= 0 (or null)" : " must be finite (or null)"));
}

Status validate(const CellResult& c) {
  for (const char* name : {"study", "model", "op", "placement"}) {
    if (string_member(c, name)->empty()) return field_error(name, "must not be empty");
  }
  RETURN_IF_ERROR(check_samples(c.warm_ms, "warm_ms", /*non_negative=*/true));
  RETURN_IF_ERROR(check_samples(c.cold_ms, "cold_ms", /*non_negative=*/true));
  RETURN_IF_ERROR(check_samples(c.per_sample_scores, "per_sample_scores", /*non_negative=*/false));
  RETURN_IF_ERROR(check_number(c.accuracy, "accuracy", /*non_negative=*/false));
  RETURN_IF_ERROR(check_number(c.accuracy_drop, "accuracy_drop", /*non_negative=*/false));
  RETURN_IF_ERROR(check_number(c.peak_memory_mb, "peak_memory_mb", /*non_negative=*/true));
  return check_number(c.bytes_over_link, "bytes_over_link", /*non_negative=*/true);
}

std::string to_line(const CellResult& c) {
  json j = json::object();
  for (const char* key : kStringKeys) j[key] = *string_member(c, key);
  for (const char* key : kSampleKeys) j[key] = *samples_member(c, key);
  for (const char* key : kNumberKeys) {
    const double v = *number_member(c, key);
    j[key] = std::isnan(v) ? json(nullptr) : json(v);
  }
  // Invalid UTF-8 in a name is replaced rather than thrown on.
  return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<CellResult> parse_line(const std::string& line) {
  json j;
  try {
    j = json::parse(line);
  } catch (const json::exception& e) {
    return invalid_argument(std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) return invalid_argument("must be a JSON object, got " + std::string(j.type_name()));
  CellResult c;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const json& v = it.value();
    if (std::string* s = string_member(c, key)) {
      if (!v.is_string()) return field_error(key.c_str(), "must be a string, got " + std::string(v.type_name()));
      *s = v.get<std::string>();
    } else if (std::vector<double>* samples = samples_member(c, key)) {
      if (!v.is_array())
        return field_error(key.c_str(), "must be an array of numbers, got " + std::string(v.type_name()));
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_number()) {
          return field_error(key.c_str(), "value " + std::to_string(i) + " must be a number, got " + v[i].dump());
        }
        samples->push_back(v[i].get<double>());
      }
    } else if (double* number = number_member(c, key)) {
      if (!v.is_number() && !v.is_null()) {
        return field_error(key.c_str(), "must be a number or null, got " + std::string(v.type_name()));
      }
      *number = v.is_null() ? kNotMeasured : v.get<double>();
    } else {
      return invalid_argument("unknown key '" + key + "'");
    }
  }
  for (const char* key : {"study", "model", "op", "placement"}) {
    if (!j.contains(key)) return field_error(key, "missing");
  }
  RETURN_IF_ERROR(validate(c));
  return c;
}

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char ch) { return std::isspace(ch) != 0; });
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot read results file '" + path + "': " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return io_error("error reading results file '" + path + "'");
  return text.str();
}

// Cuts an unterminated last line off an existing file (see the header).
Status cut_torn_tail(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::Ok();
  ASSIGN_OR_RETURN(const std::string text, read_file(path));
  if (text.empty() || text.back() == '\n') return Status::Ok();
  const size_t end = text.rfind('\n');
  std::filesystem::resize_file(path, end == std::string::npos ? 0 : end + 1, ec);
  if (ec) return io_error("cannot cut the torn last line of '" + path + "': " + ec.message());
  return Status::Ok();
}

}  // namespace

std::string CellKey::to_string() const { return study + " " + model + " " + op + " @ " + placement; }

Status append_result(const std::string& path, const CellResult& cell) {
  RETURN_IF_ERROR(validate(cell).with_context("cell " + cell.key().to_string()));
  RETURN_IF_ERROR(cut_torn_tail(path));
  const std::string line = to_line(cell);
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (f == nullptr) return io_error("cannot open results file '" + path + "' to append: " + std::strerror(errno));
  const bool written =
      std::fwrite(line.data(), 1, line.size(), f) == line.size() && std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  const int error = errno;
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) return io_error("cannot append to results file '" + path + "': " + std::strerror(error));
  return Status::Ok();
}

Result<ResultsFile> read_results(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return not_found("no results file '" + path + "'");
  ASSIGN_OR_RETURN(const std::string text, read_file(path));
  ResultsFile file;
  size_t begin = 0;
  for (size_t line_number = 1; begin < text.size(); ++line_number) {
    const size_t newline = text.find('\n', begin);
    std::string line = text.substr(begin, newline == std::string::npos ? std::string::npos : newline - begin);
    begin = newline == std::string::npos ? text.size() : newline + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (blank(line)) continue;
    if (newline == std::string::npos) {
      file.torn_line = line_number;
      file.warning = path + ":" + std::to_string(line_number) + ": unterminated last line (" +
                     std::to_string(line.size()) +
                     " bytes, a run killed while writing it?) skipped; the next append cuts it off";
      break;
    }
    auto cell = parse_line(line);
    if (!cell.ok()) return cell.status().with_context(path + ":" + std::to_string(line_number));
    file.cells.push_back(std::move(cell).value());
  }
  return file;
}

bool has_cell(const std::vector<CellResult>& cells, const CellKey& key) {
  return std::any_of(cells.begin(), cells.end(), [&](const CellResult& c) { return c.key() == key; });
}

}  // namespace edgerun::study
