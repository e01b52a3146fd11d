// libFuzzer target for the suite summary reader: `faultline merge` reads
// summaries that shards wrote on other machines. Any input ends in a summary
// or a ConfigError; a summary that loads merges (alone, as the only shard) or
// is refused with std::runtime_error, and a merged one renders in every
// summary format.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz/fuzz_oracle.h"
#include "harness/suite_merge.h"
#include "reports/suite_summary.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  faultline::reports::SuiteSummary summary;
  try {
    summary = faultline::harness::parseSuiteSummary(text, "summary.json");
  } catch (const faultline::scenarios::ConfigError& e) {
    faultline::fuzz::checkConfigError(e, "summary.json");
    return 0;
  }
  if (summary.shard_index < 1 || summary.shard_index > summary.shard_count) __builtin_trap();
  try {
    const auto merged = faultline::harness::mergeSuiteSummaries({summary});
    if (merged.drills.size() != merged.total_drills) __builtin_trap();
    for (std::size_t i = 0; i < merged.drills.size(); ++i) {
      if (merged.drills[i].index != i) __builtin_trap();
    }
    (void)faultline::reports::renderSuiteJson(merged);
    (void)faultline::reports::renderSuiteMarkdown(merged);
    (void)faultline::reports::renderSuiteJunit(merged);
    (void)faultline::reports::renderSuiteHtml(merged, true);
  } catch (const std::runtime_error&) {
    // Not the one shard of its suite: refused, which is the contract.
  }
  return 0;
}
