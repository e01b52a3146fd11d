// Internal to the SCIM filter: the node type shared by the parser
// (scim_filter.cpp) and the evaluator (scim_filter_eval.cpp). Not part of the
// mocks API; include only from those two files.
#pragma once

#include <array>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mocks/scim_filter.h"

namespace faultline::mocks {

struct FilterNode {
  enum class Kind { And, Or, Not, ValuePath, Compare };
  enum class Op { Eq, Ne, Co, Sw, Ew, Gt, Ge, Lt, Le, Pr };

  Kind kind = Kind::Compare;
  std::vector<std::unique_ptr<FilterNode>> children;  // And/Or: two or more; Not/ValuePath: one
  AttributePath attribute;                            // Compare and ValuePath
  Op op = Op::Eq;
  FilterValue literal;
};

namespace filter_detail {

using Kind = FilterNode::Kind;
using Op = FilterNode::Op;
using NodePtr = std::unique_ptr<FilterNode>;

// Spellings in the order of FilterNode::Op.
inline constexpr std::array<std::string_view, 10> kOperatorNames{"eq", "ne", "co", "sw", "ew",
                                                                 "gt", "ge", "lt", "le", "pr"};

inline char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string toLowerAscii(std::string_view text);
bool equalsIgnoreCase(std::string_view a, std::string_view b);

bool matchesNode(const FilterNode& node, const AttributeSource& source);
void appendNode(std::string& out, const FilterNode& node);
void collectPaths(const FilterNode& node, const AttributePath* outer,
                  std::set<std::pair<std::string, std::string>>& seen,
                  std::vector<AttributePath>& paths);

}  // namespace filter_detail
}  // namespace faultline::mocks
