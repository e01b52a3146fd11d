#include "harness/scorers/behaviour.h"

#include "scenarios/fault_kinds.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "harness/evidence.h"
#include "reports/wording.h"

using faultline::reports::counted;

namespace faultline::harness {
namespace {

using mocks::JournalEntry;
using reports::Finding;
using reports::Severity;

std::string fixed2(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  return buf;
}

bool isWrite(const JournalEntry& e) {
  return !e.body_hash.empty() &&
         (e.method == "POST" || e.method == "PUT" || e.method == "PATCH" || e.method == "DELETE");
}

// When a 401 reached the client, in whole drill-clock milliseconds: a request
// that arrived earlier was already on its way and could not have known.
std::int64_t answeredMs(const JournalEntry& e) {
  return e.t_ms + e.duration_us / 1000;
}

void addTokenReuseFindings(const OperationEvidence& op, RejectedTokens& rejected,
                           std::vector<Finding>& out) {
  struct Reuse {
    const RejectedTokens::Rejection* rejection;
    std::size_t times = 0;
  };
  std::map<std::string, Reuse> reused;  // by token id, in the order of the detail
  std::set<std::uint64_t> quoted;
  std::size_t reuses = 0;
  for (const auto& e : *op.journal) {
    if (e.token_id.empty()) continue;
    const RejectedTokens::Rejection* r = rejected.find(e.token_id);
    if (r == nullptr || r->first.seq >= e.seq) {
      if (e.status == 401) rejected.remember(e, op.label);
      continue;
    }
    if (e.t_ms < answeredMs(r->first)) continue;
    Reuse& u = reused.try_emplace(e.token_id, Reuse{r}).first->second;
    ++u.times;
    ++reuses;
    quoted.insert(r->first.seq);
    quoted.insert(e.seq);
  }
  if (reuses == 0) return;
  std::string detail;
  // A 401 answered in an earlier operation is not in this one's journal:
  // it is quoted from the drill's memory, ahead of this operation's lines.
  std::vector<JournalEntry> earlier;
  const std::uint64_t first_seq = op.journal->empty() ? 0 : op.journal->front().seq;
  for (const auto& [token, u] : reused) {
    const bool before = u.rejection->first.seq < first_seq;
    detail += (detail.empty() ? "" : "; ") + token + " answered 401 at #" +
              std::to_string(u.rejection->first.seq) +
              (before ? " (in " + u.rejection->operation + ")" : "") + ", presented again " +
              counted(u.times, "time");
    if (before) earlier.push_back(u.rejection->first);
  }
  Finding f = makeFinding(
      op, "rejected-token-reuse", Severity::Error, "behaviour.auth",
      counted(reuses, "request") + " presented a bearer token the target had rejected",
      detail +
          "; after a 401 a client must fetch a new token before it sends again, in this "
          "process or the next");
  std::sort(earlier.begin(), earlier.end(),
            [](const JournalEntry& a, const JournalEntry& b) { return a.seq < b.seq; });
  earlier.insert(earlier.end(), op.journal->begin(), op.journal->end());
  f.evidence.journal =
      journalEvidence(earlier, [&](const JournalEntry& e) { return quoted.count(e.seq) != 0; });
  f.measures.push_back({"reuses", static_cast<double>(reuses), std::nullopt, "requests"});
  out.push_back(std::move(f));
}

void addDuplicateWriteFindings(const OperationEvidence& op, std::vector<Finding>& out) {
  std::set<std::string> landed;    // writes answered 2xx without a fault
  std::set<std::string> repeated;  // writes with at least one duplicate
  std::size_t duplicates = 0;
  auto keyOf = [](const JournalEntry& e) { return e.method + " " + e.path + " " + e.body_hash; };
  for (const auto& e : *op.journal) {
    if (!isWrite(e) || e.status < 200 || e.status >= 300) continue;
    const std::string key = keyOf(e);
    if (landed.count(key) != 0) {
      ++duplicates;
      repeated.insert(key);
    }
    // A 2xx whose answer was lost or was a lie leaves the connector unsure,
    // so the next identical write is a legitimate retry.
    if (!answeredWithFault(e)) landed.insert(key);
  }
  if (duplicates == 0) return;
  Finding f =
      makeFinding(op, "duplicate-write", Severity::Warning, "behaviour.writes",
                  counted(duplicates, "write") + " repeated after the same write had succeeded",
                  counted(repeated.size(), "distinct write") +
                      " (same method, path and body) answered 2xx more than once; a write "
                      "the target already applied may apply twice");
  f.evidence.journal = journalEvidence(*op.journal, [&](const JournalEntry& e) {
    return isWrite(e) && repeated.count(keyOf(e)) != 0;
  });
  f.measures.push_back({"duplicates", static_cast<double>(duplicates), std::nullopt, "requests"});
  f.measures.push_back({"distinct", static_cast<double>(repeated.size()), std::nullopt, "writes"});
  out.push_back(std::move(f));
}

// "GET /api/Users 15, GET /api/Groups 5, ...": where the requests
// went, most first, at most five.
std::string tallyByPath(const std::vector<JournalEntry>& journal) {
  std::map<std::string, std::size_t> counts;
  for (const auto& e : journal) {
    if (!answeredWithFault(e)) ++counts[e.method + " " + e.path];
  }
  std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  for (std::size_t i = 0; i < sorted.size() && i < 5; ++i)
    out += (i == 0 ? "" : ", ") + sorted[i].first + " " + std::to_string(sorted[i].second);
  if (sorted.size() > 5) out += ", ...";
  return out;
}

void addAmplificationFindings(const OperationEvidence& op, const Amplification& a,
                              std::vector<Finding>& out) {
  // Any excess is a candidate: which excess is too much is the policy's call.
  if (a.minimum == 0 || a.counted <= a.minimum) return;
  Finding f = makeFinding(
      op, "request-amplification", Severity::Warning, "behaviour.amplification",
      "The sync sent " + std::to_string(a.counted) + " requests, " + fixed2(a.ratio) +
          " times the minimum of " + std::to_string(a.minimum),
      "minimum: 1 token request and one list page per max_page_size records of Users, Groups "
      "and Entitlements; far above it the connector re-reads or pages too small; " +
          counted(a.faulted, "request") +
          " answered with a fault not counted; by path: " + tallyByPath(*op.journal));
  f.evidence.journal =
      journalEvidence(*op.journal, [](const JournalEntry& e) { return !answeredWithFault(e); });
  // The exact ratio, not the rounded one the title prints: the policy
  // compares it with max_amplification and fills in the limit.
  f.measures.push_back({"requests", static_cast<double>(a.counted), std::nullopt, "requests"});
  f.measures.push_back({std::string(kAmplificationMeasure), a.ratio, std::nullopt, "ratio"});
  f.measures.push_back({"minimum", static_cast<double>(a.minimum), std::nullopt, "requests"});
  out.push_back(std::move(f));
}

}  // namespace

bool answeredWithFault(const JournalEntry& entry) {
  // Slowed, reshaped or stale: the answer came, and asking again gains
  // nothing. Whether a kind leaves the answer usable is its row's business;
  // a kind this faultline does not know is taken as spoiling it, so it never
  // counts against a connector.
  return std::any_of(entry.faults.begin(), entry.faults.end(), [](const mocks::FaultRecord& f) {
    const scenarios::FaultKindInfo* info = scenarios::findFaultKind(f.kind);
    return info == nullptr || !info->answer_usable;
  });
}

std::uint64_t minimumSyncRequests(std::size_t accounts, std::size_t groups,
                                  std::size_t entitlements, int max_page_size) {
  const std::size_t page = static_cast<std::size_t>(std::max(1, max_page_size));
  auto pages = [page](std::size_t n) { return std::max<std::size_t>(1, (n + page - 1) / page); };
  return 1 + pages(accounts) + pages(groups) + pages(entitlements);
}

Amplification measureAmplification(const std::vector<JournalEntry>& journal,
                                   std::uint64_t minimum) {
  Amplification a;
  a.minimum = minimum;
  a.faulted =
      static_cast<std::uint64_t>(std::count_if(journal.begin(), journal.end(), &answeredWithFault));
  a.counted = journal.size() - a.faulted;
  a.ratio = minimum == 0 ? 0 : static_cast<double>(a.counted) / static_cast<double>(minimum);
  return a;
}

const RejectedTokens::Rejection* RejectedTokens::find(const std::string& token_id) const {
  const auto it = by_token_.find(token_id);
  return it == by_token_.end() ? nullptr : &it->second;
}

void RejectedTokens::remember(const JournalEntry& e, const std::string& operation) {
  if (e.status == 401 && !e.token_id.empty())
    by_token_.try_emplace(e.token_id, Rejection{e, operation});
}

void addBehaviourFindings(const OperationEvidence& op, const Amplification* amplification,
                          std::vector<Finding>& out) {
  RejectedTokens alone;
  addBehaviourFindings(op, amplification, alone, out);
}

void addBehaviourFindings(const OperationEvidence& op, const Amplification* amplification,
                          RejectedTokens& rejected, std::vector<Finding>& out) {
  addTokenReuseFindings(op, rejected, out);
  addDuplicateWriteFindings(op, out);
  if (amplification != nullptr) addAmplificationFindings(op, *amplification, out);
}

}  // namespace faultline::harness
