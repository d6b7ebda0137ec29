// Magnitude pruning masks (issue 8's operators/prune, first part): which weights of a layer to zero for
// a sparsity pattern, by magnitude. A weight is viewed as a matrix [rows = output channels, cols = the
// rest] (Conv [M, C/g, kh, kw] -> [M, C/g * kh * kw]); its entries are grouped by the pattern and a
// group's score is the sum of its magnitudes:
//   unstructured  each entry alone;
//   RxC blocks    R consecutive rows by C consecutive columns ("2x1": rows 2k and 2k+1 at one column,
//                 the white-box study's CV pattern; "4x1" its NLP one); rows / cols past a multiple of
//                 the block form smaller edge blocks;
//   N:M           in every M consecutive entries of a row, the M - N smallest are pruned ("2:4");
//   channel       each row (an output filter) whole, scored by its L1 norm over the mean L1 norm of its
//                 matrix's rows: within a layer the plain L1 order, and one global threshold compares
//                 layers of different fan-in and scale fairly (raw L1 norms would empty the 1x1 layers).
// Masks hold 1 (keep) or 0 (prune), one per entry. Groups are pruned lowest score first; ties go in
// matrix order, then group order (row-major over the blocks): the earlier group is pruned first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/status.h"

namespace edgerun::prune {

struct Pattern {
  enum class Kind { kUnstructured, kBlock, kNM, kChannel };
  Kind kind = Kind::kUnstructured;
  int64_t block_rows = 1, block_cols = 1;  // kBlock
  int64_t n = 0, m = 0;                    // kNM: keep n of every m
};

// "unstructured", "RxC" (e.g. "2x1", "4x1"), "N:M" (e.g. "2:4"), "channel"; errors name the forms.
Result<Pattern> parse_pattern(const std::string& name);
std::string pattern_name(const Pattern& pattern);

struct WeightMatrix {
  const float* data = nullptr;
  int64_t rows = 0, cols = 0;
};

// The mask pruning `sparsity` (0..1) of one matrix's groups, the lowest scores first (ties: the earlier
// group); N:M ignores `sparsity` (it is 1 - N/M by construction).
Result<std::vector<uint8_t>> layer_mask(const WeightMatrix& w, const Pattern& pattern, double sparsity);

// One threshold over the groups of every matrix (global magnitude pruning): the shortest run of groups, in
// the order above, holding at least round(sparsity * all entries) entries. Found by a histogram select
// over the scores, in memory linear in the groups (no sort). N:M has no global form: it is per group,
// as layer_mask.
Result<std::vector<std::vector<uint8_t>>> global_masks(const std::vector<WeightMatrix>& weights, const Pattern& pattern,
                                                       double sparsity);

// The fraction of a matrix's entries in groups that are all zero: the sparsity a model already carries
// in this pattern (the zoo's white-box pruned variants carry 2x1 blocks).
double pattern_sparsity(const WeightMatrix& w, const Pattern& pattern);

}  // namespace edgerun::prune
