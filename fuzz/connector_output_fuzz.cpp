// libFuzzer target for the connector output parser: a connector's stdout is
// untrusted input, and what the parser makes of it decides the verdict.
// Besides crashes and sanitizer reports it traps on broken contracts:
//  - every line is kept, byte for byte, for evidence (OutputLines);
//  - the fast reader of flat lines and nlohmann agree: the input is parsed
//    as given and again with every object line given a numeric member the
//    fast reader declines (so nlohmann reads every line), and both must
//    yield the same records, status and violation count;
//  - a line that is not JSON is a violation, never a record;
//  - a violation names a real line and quotes at most a few hundred bytes.
// The first input byte picks the operation (sync or revoke) and whether the
// stream counts as cut at the cap; the rest is the stdout.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "harness/protocol.h"
#include "scenarios/json_reader.h"

namespace {

using faultline::harness::ConnectorOutput;
using faultline::harness::Operation;
using faultline::harness::parseConnectorOutput;

// The fast reader takes only objects of strings, booleans and null, so an
// object given one numeric member more is always read by nlohmann. The
// protocol ignores members it does not know.
constexpr const char* kPad = "faultline-fuzz-pad";

// `data` with every JSON object line given the pad member: the same stdout,
// read by nlohmann alone. Other lines, and the cut fragment, stay as they are.
std::string padded(std::string_view data, bool truncated) {
  std::string out;
  std::size_t start = 0;
  while (start < data.size()) {
    std::size_t end = data.find('\n', start);
    if (end == std::string_view::npos && truncated) {
      out.append(data.substr(start));
      break;
    }
    if (end == std::string_view::npos) end = data.size();
    const std::string_view line = data.substr(start, end - start);
    // The guarded parse the harness uses: a line it refuses (too deep,
    // repeated keys) is left as it is, so both readings refuse it alike.
    auto parsed = faultline::scenarios::parseUntrustedJson(line);
    auto& j = parsed.value;
    std::string text(line);
    if (parsed.issues.empty() && j.is_object() && !j.contains(kPad)) {
      j[kPad] = 0;
      try {
        text = j.dump();
      } catch (const nlohmann::json::exception&) {
        text = line;  // not valid UTF-8 for dump: keep the line as it was
      }
    }
    out.append(text);
    if (end < data.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

template <typename Record, typename Same>
void sameRecords(const std::vector<Record>& a, const std::vector<Record>& b, Same same) {
  if (a.size() != b.size()) __builtin_trap();
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].line != b[i].line || !same(a[i], b[i])) __builtin_trap();
  }
}

void agree(const ConnectorOutput& a, const ConnectorOutput& b) {
  sameRecords(a.accounts, b.accounts, [](const auto& x, const auto& y) {
    return x.id == y.id && x.user_name == y.user_name && x.display_name == y.display_name &&
           x.account_type == y.account_type && x.active == y.active && x.privileged == y.privileged;
  });
  sameRecords(a.groups, b.groups, [](const auto& x, const auto& y) {
    return x.id == y.id && x.display_name == y.display_name;
  });
  sameRecords(a.entitlements, b.entitlements, [](const auto& x, const auto& y) {
    return x.id == y.id && x.display_name == y.display_name && x.privileged == y.privileged;
  });
  sameRecords(a.grants, b.grants, [](const auto& x, const auto& y) { return x.key() == y.key(); });
  sameRecords(a.credentials, b.credentials, [](const auto& x, const auto& y) {
    return x.id == y.id && x.owner == y.owner && x.kind == y.kind && x.expires == y.expires &&
           x.active == y.active;
  });
  sameRecords(a.results, b.results, [](const auto& x, const auto& y) {
    return x.id == y.id && x.outcome == y.outcome && x.detail == y.detail;
  });
  if (a.status.has_value() != b.status.has_value()) __builtin_trap();
  if (a.status &&
      (a.status->status != b.status->status || a.status->reason != b.status->reason ||
       a.status->counts != b.status->counts || a.status->stale_since != b.status->stale_since ||
       a.status->line != b.status->line))
    __builtin_trap();
  if (a.violation_count != b.violation_count) __builtin_trap();
  for (std::size_t i = 0; i < a.violations.size(); ++i) {
    if (a.violations[i].line != b.violations[i].line) __builtin_trap();
    if (a.violations[i].message != b.violations[i].message) __builtin_trap();
  }
}

void keepsEveryLine(std::string_view data, bool truncated, const ConnectorOutput& out) {
  std::size_t start = 0;
  std::size_t n = 0;
  while (start < data.size()) {
    std::size_t end = data.find('\n', start);
    if (end == std::string_view::npos && truncated) break;
    if (end == std::string_view::npos) end = data.size();
    const std::string_view line = data.substr(start, end - start);
    if (n >= out.lines.size() || out.lines[n] != line) __builtin_trap();
    ++n;
    // A line nlohmann rejects is never read as a record, whichever reader
    // looked at it first: it is a violation (when the list is not capped),
    // which names its nesting instead when that went too deep first.
    const bool blank = line.find_first_not_of(" \t\r") == std::string_view::npos;
    if (!blank && out.violation_count <= faultline::harness::kMaxViolations &&
        !nlohmann::json::accept(line.begin(), line.end())) {
      bool found = false;
      for (const auto& v : out.violations)
        found = found || (v.line == n && (v.message == "not a JSON value" ||
                                          v.message.starts_with("arrays and objects nested")));
      if (!found) __builtin_trap();
    }
    start = end + 1;
  }
  if (n != out.lines.size()) __builtin_trap();
  for (const auto& v : out.violations) {
    if (v.line > out.lines.size() || v.message.empty() || v.excerpt.size() > 1024) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Operation op = (data[0] & 1) != 0 ? Operation::Revoke : Operation::Sync;
  const bool truncated = (data[0] & 2) != 0;
  const std::string stdout_data(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::set<std::string> action_ids = {"act-1", "act-2", "a"};

  const ConnectorOutput given = parseConnectorOutput(stdout_data, op, truncated, action_ids);
  keepsEveryLine(stdout_data, truncated, given);
  const ConnectorOutput by_nlohmann =
      parseConnectorOutput(padded(stdout_data, truncated), op, truncated, action_ids);
  agree(given, by_nlohmann);
  return 0;
}
