#pragma once

// Journals for the HTML report tests: a small synthetic journal shaped after
// a fixture report (report_fixtures.h), and a large one for the size limit.
// Every time is fixed, so rendered pages compare byte for byte.

#include <algorithm>
#include <string>
#include <vector>

#include "reports/html_report.h"
#include "reports/report.h"

namespace faultline::reports::fixtures {

inline int statusForFault(const std::string& kind) {
  if (kind == "http_error") return 500;
  if (kind == "rate_limit") return 429;
  return 200;
}

// A token request and a few pages per sync, a write per revocation action,
// and one request per firing of each fault rule, numbered in arrival order.
// With `hostile`, the connector also asks for paths and gets notes that
// carry markup, quotes and a control character, and one request gets no
// HTTP answer (status 0).
inline std::vector<JournalPoint> syntheticJournal(const Report& r, bool hostile = false) {
  std::vector<JournalPoint> j;
  const auto add = [&j](std::int64_t t, std::string method, std::string path, int status,
                        std::string note) {
    j.push_back({0, t, std::move(method), std::move(path), status, std::move(note)});
  };
  int token = 0;
  for (const auto& o : r.operations) {
    add(o.started_ms + 2, "POST", "/oauth2/token", 200, "issued tok-" + std::to_string(++token));
    if (o.kind == "sync") {
      for (int page = 0; page < 8; ++page) {
        add(o.started_ms + 40 + page * 170, "GET", page < 5 ? "/scim/v2/Users" : "/scim/v2/Groups",
            200, "");
      }
    }
    std::int64_t t = o.started_ms + 60;
    for (const auto& rv : o.revocations) {
      add(t, rv.action == "deprovision" ? "DELETE" : "PATCH", "/scim/v2/Users/" + rv.account,
          rv.outcome == "honest-failure" ? 500 : 204, "");
      t += 150;
    }
  }
  const std::int64_t from = r.operations.empty() ? 0 : r.operations.front().started_ms;
  int firing = 0;
  for (const auto& f : r.faults) {
    for (int i = 0; i < f.fired; ++i, ++firing) {
      add(from + 300 + 210 * firing, "GET", "/scim/v2/Users", statusForFault(f.kind),
          "fault " + f.id + " (" + f.kind + "): " + std::to_string(statusForFault(f.kind)));
    }
  }
  if (hostile) {
    add(from + 520, "GET", "/scim/v2/Users/<img src=x onerror=alert(1)>", 404,
        "default route; note with \"quotes\" & 'apostrophes' and a bell\x07");
    add(from + 700, "GET", "/scim/v2/Groups?filter=</title><script>alert(2)</script>", 429,
        "retry-after violation: 80 ms early");
    add(from + 1100, "GET", "/scim/v2/Groups", 0, "fault drop (drop_connection): no answer");
  }
  std::stable_sort(j.begin(), j.end(),
                   [](const JournalPoint& a, const JournalPoint& b) { return a.t_ms < b.t_ms; });
  for (std::size_t i = 0; i < j.size(); ++i) j[i].seq = i + 1;
  return j;
}

// `n` requests spread over `span_ms`: mostly 200s, every 50th a 429 from a
// throttle fault, every 199th a 503.
inline std::vector<JournalPoint> largeJournal(std::size_t n, std::int64_t span_ms) {
  std::vector<JournalPoint> j;
  j.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    JournalPoint p{i + 1, static_cast<std::int64_t>(i) * span_ms / static_cast<std::int64_t>(n),
                   "GET", "/scim/v2/Users",
                   200,   ""};
    if (i % 50 == 49) {
      p.status = 429;
      p.note = "fault bucket (throttle): 429";
    } else if (i % 199 == 198) {
      p.status = 503;
    }
    j.push_back(std::move(p));
  }
  return j;
}

}  // namespace faultline::reports::fixtures
