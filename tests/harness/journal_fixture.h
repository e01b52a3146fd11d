// Journal entries as the mock records them, for scorer tests that build a
// journal by hand: the SCIM dialect classifies each request, as it does in a
// drill, and each "fault <id> (<kind>): <effect>" part of a note becomes the
// fault record the mock would have written beside it.
#pragma once

#include <regex>
#include <string>

#include "mocks/journal.h"
#include "scenarios/fault_kinds.h"
#include "tests/mocks/scim_wire_util.h"

namespace faultline::harness {

inline mocks::JournalEntry classified(mocks::JournalEntry e) {
  mocks::MockRequest request;
  request.method = e.method;
  request.path = e.path;
  request.query = e.query;
  for (std::size_t start = 0; start < e.query.size();) {
    std::size_t end = e.query.find('&', start);
    if (end == std::string::npos) end = e.query.size();
    const std::string pair = e.query.substr(start, end - start);
    const auto eq = pair.find('=');
    request.params.emplace_back(pair.substr(0, eq),
                                eq == std::string::npos ? "" : pair.substr(eq + 1));
    start = end + 1;
  }
  if (e.dialect == "oauth") {
    e.request_kind = "token";
    e.resource = "token";
  } else {
    const mocks::RequestTarget t = mocks::scimWire().classify(request);
    e.request_kind = std::string(scenarios::requestKindName(t.kind));
    e.resource = t.resource;
    e.resource_id = t.id;
    e.page = t.page;
    e.offset = t.offset;
    e.cursor = t.cursor;
  }
  static const std::regex kFault(R"(fault (\S+) \(([a-z_]+)\)(?:: ([^;]*))?)");
  e.faults.clear();
  for (std::sregex_iterator it(e.note.begin(), e.note.end(), kFault), end; it != end; ++it)
    e.faults.push_back({(*it)[1], (*it)[2], (*it)[3], {}});
  static const std::regex kEarly(R"(retry-after violation: (\d+) ms early)");
  if (std::smatch m; std::regex_search(e.note, m, kEarly))
    e.retry_after_early_ms = std::stoll(m[1]);
  return e;
}

}  // namespace faultline::harness
