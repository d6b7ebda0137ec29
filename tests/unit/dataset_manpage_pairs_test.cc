// manpage-pairs TSV reader: the fixture pairs and malformed lines.
#include <doctest/doctest.h>

#include <string>

#include "models/data/manpage_pairs.h"

namespace edgerun::data {
namespace {

void check_error(const Status& st, const std::string& fragment) {
  CAPTURE(st.to_string());
  CHECK(!st.ok());
  CHECK(st.message().find(fragment) != std::string::npos);
}

TEST_CASE("manpage-pairs: the fixture file") {
  Result<std::vector<TextPair>> r = load_manpage_pairs(std::string(EDGERUN_TEST_DATA_DIR) + "/eval/pairs.tsv");
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  REQUIRE(r->size() == 16);
  CHECK(r->at(0).label == 1);
  CHECK(r->at(0).summary == "ls - list directory contents");
  CHECK(r->at(5).label == 0);
  CHECK(r->at(9).summary.empty());
  CHECK(r->at(10).description.empty());
}

TEST_CASE("manpage-pairs: fields, labels and line structure") {
  Result<std::vector<TextPair>> r = parse_manpage_pairs("1\ta\tb c\n0\t\t\n1\tx\ty", "t");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK(r->at(1).label == 0);
  CHECK(r->at(2).description == "y");
  check_error(parse_manpage_pairs("", "t").status(), "no pairs");
  check_error(parse_manpage_pairs("1\ta\tb\n\n0\tc\td\n", "t").status(), "line 2");
  check_error(parse_manpage_pairs("1\ta\n", "t").status(), "label<TAB>summary<TAB>description");
  check_error(parse_manpage_pairs("1\ta\tb\tc\n", "t").status(), "label<TAB>summary<TAB>description");
  check_error(parse_manpage_pairs("2\ta\tb\n", "t").status(), "label must be 0 or 1, got '2'");
  check_error(parse_manpage_pairs("label\tsummary\tdescription\n", "t").status(), "got 'label'");
  check_error(parse_manpage_pairs(" 1\ta\tb\n", "t").status(), "got ' 1'");
  check_error(load_manpage_pairs("/nonexistent.tsv").status(), "does not exist");
}

}  // namespace
}  // namespace edgerun::data
