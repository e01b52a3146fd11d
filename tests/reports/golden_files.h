#pragma once

// The golden-file mechanism of golden_test.cpp, for writers tested in other
// files: compare a rendering with tests/reports/golden/<name>, or rewrite the
// golden when FAULTLINE_UPDATE_GOLDEN=1 (then review the diff before
// committing it).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/reports/external_checks.h"

namespace faultline::reports::golden {

inline bool updatingGoldens() {
  const char* v = std::getenv("FAULTLINE_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

// "" when equal; otherwise the line and column of the first difference and
// both lines there, cut to 300 bytes.
inline std::string firstDifference(const std::string& expected, const std::string& actual) {
  std::size_t i = 0, line = 1, column = 1;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) {
    column = expected[i] == '\n' ? 1 : column + 1;
    line += expected[i] == '\n';
    ++i;
  }
  if (i == expected.size() && i == actual.size()) return "";
  auto lineAt = [&](const std::string& s) {
    const std::size_t start = i == 0 ? std::string::npos : s.rfind('\n', i - 1);
    const std::size_t from = start == std::string::npos ? 0 : start + 1;
    const std::size_t end = s.find('\n', from);
    return s.substr(from,
                    std::min<std::size_t>((end == std::string::npos ? s.size() : end) - from, 300));
  };
  return "first difference at line " + std::to_string(line) + ", column " + std::to_string(column) +
         "\n  golden: " + lineAt(expected) + "\n  actual: " + lineAt(actual);
}

// Compares `actual` with tests/reports/golden/<file_name>, or rewrites it when
// updating. The rendering is also left in the build tree for a diff.
inline void checkGolden(const std::string& file_name, const std::string& actual) {
  const std::string golden = checks::kSourceDir + "/tests/reports/golden/" + file_name;
  const std::string regenerated = checks::freshTestDir("golden_" + file_name) + "/" + file_name;
  checks::writeWholeFile(regenerated, actual);
  if (updatingGoldens()) {
    checks::writeWholeFile(golden, actual);
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(golden))
      << golden << " is missing; run with FAULTLINE_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(firstDifference(checks::readWholeFile(golden), actual), "")
      << "compare: diff " << golden << " " << regenerated;
}

}  // namespace faultline::reports::golden
