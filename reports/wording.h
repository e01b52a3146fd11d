#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "reports/report.h"

namespace faultline::reports {

// The words every terminal line shares, so that the progress lines, the
// summary, compare and the suite speak alike. Pure functions; thread-safe.

// "1 finding", "2 findings", "0 findings"; `plural` when adding "s" is wrong.
std::string counted(std::size_t n, std::string_view singular, std::string_view plural = {});

// A score as every terminal line prints it: three decimals ("0.167").
std::string fixed3(double value);

// `text` cut to at most `max_bytes` bytes without splitting a UTF-8
// character, ending in "…" when anything was cut (the ellipsis is counted in
// the limit). Text within the limit is returned as it is.
std::string cutWithEllipsis(std::string_view text, std::size_t max_bytes);

// One drill in one line, for `run --quiet` and CI logs: verdict, scenario,
// seed and connector, the lowest recall and precision over every sync, the
// revocations confirmed and true, the findings by severity, and `report`:
// "failed: auth-expiry seed 909, first-page-only: min recall 0.167, min
// precision 1.000, 4/4 revocations confirmed, 3 findings (3 critical);
// report out/first-page-only/auth-expiry-seed909.json"
std::string summaryLine(const Report& report, const std::string& report_path);

}  // namespace faultline::reports
