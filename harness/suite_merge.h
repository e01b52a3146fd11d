#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/suite_summary.h"

namespace faultline::harness {

// Reads a summary.json that faultline suite wrote. It may come from another
// machine or another faultline: every field is type-checked, and a problem
// throws scenarios::ConfigError naming the file and the JSON pointer.
reports::SuiteSummary readSuiteSummary(const std::string& path);
// The same from text already read; `path` names it in errors.
reports::SuiteSummary parseSuiteSummary(std::string_view text, const std::string& path);

// The summary an unsharded run of the same suite writes, from the summaries
// of its shards. Throws std::runtime_error, saying which, when they are not
// the shards of one suite, or when a drill is missing or appears twice.
reports::SuiteSummary mergeSuiteSummaries(std::vector<reports::SuiteSummary> shards);

}  // namespace faultline::harness
