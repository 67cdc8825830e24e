// Imperfect factorization by zero padding, for layers with awkward bounds (7, 55, 197, ...): a
// dimension of bound b is computed as if it were b' > b, with zeros in the padded part of
// every tensor. Zero weights and zero inputs contribute nothing to the real outputs, and the
// padded outputs are discarded, so any dimension may be padded (P/Q/R/S grow the input
// footprint: that is ordinary zero padding). The cost is real and counted: the model evaluates
// the padded problem, so the extra MACs and the extra words are computed and moved.
//
// The space with SpaceOptions::max_pad = p is the union, over every combination of candidate
// bounds (padding_variants), of the exact space (space.h) of that padded problem. search()
// searches it exactly: each variant with the branch and bound, told to look only for mappings
// better than the best of the variants before it.
//
// Reporting rule: a padded result's Evaluation is that of the padded problem (energy, cycles,
// counts, `macs` = MACs performed), except `bounds` (compute bound and compulsory traffic),
// which are the ORIGINAL problem's, since they bound the layer the user asked for, and
// `utilization`, which counts useful MACs only: original MACs / (cycles x PEs).
#pragma once

#include <cstdint>
#include <vector>

#include <scheduler/arch.h>
#include <scheduler/model/evaluation.h>
#include <scheduler/problem.h>
#include <scheduler/search/search.h>
#include <scheduler/search/space.h>

namespace hcl::sched {

// The padded bounds worth searching for a dimension of bound `b`, ascending: every b' in
// (b, floor(b * (1 + max_pad))] whose largest prime factor is smaller than that of b and of
// every smaller kept candidate, or whose factors of two outnumber theirs. What makes a bound
// awkward is a large prime factor (one level must take it whole) and too few factors of two
// (power-of-two meshes and buffers cannot be filled); a candidate improving on neither adds
// splits no smaller candidate offers only at a higher padding cost, so the space leaves it out.
// A bound of 1 is never padded (there is nothing to split). E.g. with max_pad 0.2: 7 -> 8;
// 55 -> 56, 60, 64; 197 -> 198, 200, 208, 216, 224.
// Only the first 4,096 values above b are factorized; past them a value is kept only for its
// factors of two (the next multiples of higher powers of two), so a bound of 10^8 costs
// milliseconds, not the 2 x 10^7 factorizations of its whole range. Bounds up to 20,480 with
// max_pad 0.2 are all within the scan.
// Throws std::invalid_argument when b < 1 or max_pad is negative or not finite.
std::vector<std::int64_t> padding_candidates(std::int64_t b, double max_pad);

// Every combination of bounds the space holds for `problem`: the problem's own bounds first,
// then the padded combinations by increasing MAC count (ties in lexicographic order).
// Dimensions with a fixed temporal or spatial factor in `opts.constraints` are not padded, and
// combinations whose counts would not fit (counts.h) are left out.
std::vector<std::vector<std::int64_t>> padding_variants(const Problem &problem,
                                                        const SpaceOptions &opts);

// `problem` with other bounds (same dimensions and tensors); throws std::invalid_argument when
// the count differs or a bound is < 1.
Problem with_bounds(const Problem &problem, const std::vector<std::int64_t> &bounds);

// The product of every dimension's factors in `mapping` (what a padded mapping computes).
std::vector<std::int64_t> mapping_bounds(const Problem &problem, const Mapping &mapping);

// Every padded dimension of `mapping` still needs its outermost loop's last step: dropping it
// would undershoot `original`'s bound (the rule of ValidateOptions::allow_padding and of the
// schedule YAML's `padding: true`). Padded mappings that break it are not in the space: they
// compute whole steps of zeros that a smaller padding would not.
bool padding_steps_needed(const Problem &original, const Mapping &mapping);

// Applies the reporting rule above to an evaluation of a padded version of `original`.
void report_against_original(const Problem &original, const Arch &arch, Evaluation &evaluation);

// search() over the padded space (called by search() when max_pad > 0). The result's `bounds`
// are the winning variant's; its mapping's factors multiply to them. A time limit gives the
// unpadded problem half the budget and the padded variants equal shares of the rest; variants
// left without time count with objective_floor (search.h) in the lower bound.
SearchResult search_padded(const Problem &problem, const Arch &arch, const SearchOptions &options);

} // namespace hcl::sched
