#include "tools/study/table_format.h"

#include <cmath>
#include <cstdio>

namespace edgerun::study {
namespace {

std::string markdown_row(const std::vector<std::string>& cells) {
  std::string line = "|";
  for (const std::string& cell : cells) {
    line += ' ';
    for (char ch : cell) line += ch == '|' ? std::string("\\|") : std::string(1, ch);
    line += " |";
  }
  return line + "\n";
}

std::string latex_escape(const std::string& text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '\\': out += "\\textbackslash{}"; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      case '&':
      case '%':
      case '$':
      case '#':
      case '_':
      case '{':
      case '}':
        out += '\\';
        out += ch;
        break;
      default: out += ch;
    }
  }
  return out;
}

std::string latex_row(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i == 0 ? "" : " & ") + latex_escape(cells[i]);
  return line + " \\\\\n";
}

}  // namespace

std::string fixed_cell(double value, int decimals) {
  if (std::isnan(value)) return "-";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string p_value_cell(double p) {
  if (std::isnan(p)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", p);
  return text;
}

std::string to_markdown(const Table& table) {
  std::string text = markdown_row(table.header);
  text += markdown_row(std::vector<std::string>(table.header.size(), "---"));
  for (const auto& row : table.rows) text += markdown_row(row);
  return text;
}

std::string to_latex(const Table& table) {
  std::string text = "\\begin{tabular}{l" + std::string(table.header.size() > 0 ? table.header.size() - 1 : 0, 'r') +
                     "}\n\\toprule\n" + latex_row(table.header) + "\\midrule\n";
  for (const auto& row : table.rows) text += latex_row(row);
  return text + "\\bottomrule\n\\end{tabular}\n";
}

}  // namespace edgerun::study
