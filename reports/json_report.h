#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "reports/report.h"

namespace faultline::reports {

// The JSON report (docs/report-format.md), the source of truth for every
// other format.
nlohmann::json reportToJson(const Report& report);
std::string renderJsonReport(const Report& report);

// A short plain-text summary for a terminal or a CI log.
std::string renderSummary(const Report& report);

// Writes `content` to `path` whole or not at all: a temporary file in the
// same folder, flushed and fsync'ed, then renamed over `path`. Creates the
// folder. Throws std::runtime_error naming the path on failure.
void writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace faultline::reports
