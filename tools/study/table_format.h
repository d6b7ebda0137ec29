// A plain table (a header row and body rows of text cells) and its two renderings: GitHub Markdown, as
// STUDIES.md writes its tables, and a LaTeX booktabs tabular to \input into a paper's table environment.
#pragma once

#include <string>
#include <vector>

namespace edgerun::study {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as header
};

// Number cells: `decimals` fixed decimals; p-values to 3 significant digits ("%.3g": 0.0421, 1.2e-08);
// NaN (not measured) prints "-".
std::string fixed_cell(double value, int decimals);
std::string p_value_cell(double p);

// "| a | b |\n| --- | --- |\n| ... |\n"; '|' in a cell is escaped.
std::string to_markdown(const Table& table);

// \begin{tabular}{l r...} \toprule header \midrule rows \bottomrule \end{tabular}: the first column left-
// aligned, the others right-aligned; LaTeX's special characters in cells escaped.
std::string to_latex(const Table& table);

}  // namespace edgerun::study
