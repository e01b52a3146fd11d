#include "harness/scorers/freshness.h"
#include "reports/wording.h"

using faultline::reports::counted;

#include <algorithm>
#include <set>

namespace faultline::harness {
namespace {

using mocks::AppliedEvent;
using reports::Finding;
using reports::Severity;
using scenarios::TimelineEventKind;

// One round's output by id, built once per round. Ids are keyed as the id
// rule compares them (canonicalId): a UUID printed in capitals is the record
// the event changed.
struct OutputIndex {
  std::map<std::string, std::vector<const AccountRecord*>> accounts;
  std::map<std::string, std::vector<const CredentialRecord*>> credentials;
  std::map<std::string, std::vector<std::size_t>> grants;  // key -> lines

  explicit OutputIndex(const ConnectorOutput& out) {
    for (const auto& a : out.accounts) accounts[canonicalId(a.id)].push_back(&a);
    for (const auto& c : out.credentials) credentials[canonicalId(c.id)].push_back(&c);
    for (const auto& g : out.grants) {
      grants[g.kind + "|" + g.principal_type + "|" + canonicalId(g.principal) + "|" +
             canonicalId(g.target)]
          .push_back(g.line);
    }
  }
  bool hasGrant(const std::string& key) const { return grants.count(key) != 0; }
  const std::vector<const AccountRecord*>* account(const std::string& id) const {
    const auto it = accounts.find(canonicalId(id));
    return it == accounts.end() ? nullptr : &it->second;
  }
  const std::vector<const CredentialRecord*>* credential(const std::string& id) const {
    const auto it = credentials.find(canonicalId(id));
    return it == credentials.end() ? nullptr : &it->second;
  }
};

std::string membership(const std::string& account, const std::string& group) {
  return "membership|account|" + canonicalId(account) + "|" + canonicalId(group);
}
std::string directGrant(const std::string& account, const std::string& entitlement) {
  return "entitlement|account|" + canonicalId(account) + "|" + canonicalId(entitlement);
}

bool reflects(const AppliedEvent& e, const OutputIndex& out, bool complete) {
  const auto* account = out.account(e.account);
  const bool printed = account != nullptr;
  switch (e.kind) {
    case TimelineEventKind::Joiner:
      return printed;
    case TimelineEventKind::Leaver:
      // A complete answer may leave disabled accounts out; a partial one's
      // silence proves nothing.
      if (!printed) return complete;
      return std::none_of(account->begin(), account->end(),
                          [](const AccountRecord* a) { return a->active; });
    case TimelineEventKind::Mover:
      return out.hasGrant(membership(e.account, e.group_to)) &&
             !out.hasGrant(membership(e.account, e.group_from));
    case TimelineEventKind::Grant:
      return out.hasGrant(directGrant(e.account, e.entitlement));
    case TimelineEventKind::Ungrant:
      return printed && !out.hasGrant(directGrant(e.account, e.entitlement));
    case TimelineEventKind::RotateKey: {
      const auto* old_key = out.credential(e.old_key);
      return out.credential(e.new_key) != nullptr &&
             (old_key == nullptr ||
              std::none_of(old_key->begin(), old_key->end(),
                           [](const CredentialRecord* c) { return c->active; }));
    }
  }
  return false;
}

void addActiveKeyLines(const OutputIndex& out, const std::string& key,
                       std::vector<std::size_t>& lines) {
  const auto* printed = out.credential(key);
  if (printed == nullptr) return;
  for (const auto* c : *printed)
    if (c->active) lines.push_back(c->line);
}

bool keyInactive(const mocks::Account& a, const std::string& key) {
  return std::any_of(a.credentials.begin(), a.credentials.end(),
                     [&](const mocks::Credential& c) { return c.id == key && !c.active; });
}

std::vector<std::size_t> stale(const AppliedEvent& e, const OutputIndex& out,
                               const mocks::TenantState& at_end) {
  std::vector<std::size_t> lines;
  const mocks::Account* account = at_end.findAccount(e.account);
  switch (e.kind) {
    case TimelineEventKind::Leaver:
      if (account == nullptr || account->active) break;  // undone since
      if (const auto* printed = out.account(e.account); printed != nullptr) {
        for (const auto* a : *printed)
          if (a->active) lines.push_back(a->line);
      }
      for (const auto& key : e.keys_deactivated)
        if (keyInactive(*account, key)) addActiveKeyLines(out, key, lines);
      break;
    case TimelineEventKind::Mover: {
      const mocks::Group* from = at_end.findGroup(e.group_from);
      const mocks::Member member{e.account, false};
      if (from == nullptr ||
          std::find(from->members.begin(), from->members.end(), member) != from->members.end())
        break;
      if (const auto it = out.grants.find(membership(e.account, e.group_from));
          it != out.grants.end())
        lines.insert(lines.end(), it->second.begin(), it->second.end());
      break;
    }
    case TimelineEventKind::Ungrant:
      if (account == nullptr ||
          std::find(account->entitlements.begin(), account->entitlements.end(), e.entitlement) !=
              account->entitlements.end())
        break;
      if (const auto it = out.grants.find(directGrant(e.account, e.entitlement));
          it != out.grants.end())
        lines.insert(lines.end(), it->second.begin(), it->second.end());
      break;
    case TimelineEventKind::RotateKey:
      if (account != nullptr && keyInactive(*account, e.old_key))
        addActiveKeyLines(out, e.old_key, lines);
      break;
    case TimelineEventKind::Joiner:
    case TimelineEventKind::Grant:
      break;  // what they add is missing, not stale: completeness counts it
  }
  return lines;
}

std::string eventName(const AppliedEvent& e) {
  return "timeline event " + std::to_string(e.index) + " (" +
         scenarios::timelineEventKindName(e.kind) + ")";
}

Finding make(const std::string& operation, std::string id, Severity severity, std::string metric,
             std::string title, std::string detail) {
  Finding f;
  f.id = std::move(id);
  f.severity = severity;
  f.metric = std::move(metric);
  f.operation = operation;
  f.title = std::move(title);
  f.detail = std::move(detail);
  return f;
}

std::vector<std::string> quoteLines(const OperationEvidence& op, std::vector<std::size_t> lines) {
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  std::vector<std::string> out;
  for (const std::size_t n : lines) {
    if (out.size() >= 20) break;
    if (n == 0 || n > op.output->lines.size()) continue;
    out.push_back("stdout:" + std::to_string(n) + ": " +
                  redactSecrets(op.output->lines[n - 1].substr(0, 400), op.secrets));
  }
  return out;
}

std::string statusEvidence(const OperationEvidence& op) {
  if (!op.output->status) return "(no status line)";
  return quoteLines(op, {op.output->status->line}).front();
}

}  // namespace

bool roundSees(const AppliedEvent& event, const RoundSpan& round) {
  return event.applied && (event.position <= round.mark || event.position < round.last);
}

bool roundStartsAfter(const AppliedEvent& event, const RoundSpan& round) {
  return event.applied && event.position <= round.mark;
}

bool outputReflects(const AppliedEvent& event, const ConnectorOutput& output,
                    bool declared_complete) {
  return reflects(event, OutputIndex(output), declared_complete);
}

std::vector<std::size_t> staleLines(const AppliedEvent& event, const ConnectorOutput& output,
                                    const mocks::TenantState& at_end) {
  return stale(event, OutputIndex(output), at_end);
}

std::optional<std::int64_t> nearestRank(std::vector<std::int64_t> values, int percent) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  // ceil(percent * n / 100) in integers, at least rank 1.
  const std::size_t n = values.size();
  const std::size_t rank =
      std::max<std::size_t>(1, (static_cast<std::size_t>(percent) * n + 99) / 100);
  return values[std::min(rank, n) - 1];
}

std::size_t FreshnessTracker::observeRound(const RoundObservation& round,
                                           const std::vector<AppliedEvent>& events,
                                           const OperationEvidence& op, std::vector<Finding>& out) {
  const ConnectorOutput& output = *op.output;
  const OutputIndex index(output);
  const bool complete = output.status && output.status->status == "complete";
  const bool announced = output.status && !output.status->stale_since.empty();
  std::vector<std::size_t> stale_lines;
  std::string stale_events;
  std::vector<std::size_t> leaver_lines;
  std::string leavers;
  std::size_t leaver_count = 0;
  for (const auto& e : events) {
    if (!roundSees(e, round.span)) continue;
    Track& t = tracks_[e.index];
    if (t.reflected_round == 0) {
      if (reflects(e, index, complete)) {
        t.reflected_round = round.drill_round;
        t.lag_ms = std::max<std::int64_t>(0, round.started_ms - e.applied_ms);
      } else {
        ++t.rounds_before;
      }
    }
    if (!roundStartsAfter(e, round.span)) continue;
    if (complete) t.last_complete = op.label;
    const auto lines = stale(e, index, *round.at_end);
    if (lines.empty()) continue;
    stale_lines.insert(stale_lines.end(), lines.begin(), lines.end());
    stale_events += (stale_events.empty() ? "" : "; ") + eventName(e) + ": " + e.what;
    if (e.kind != TimelineEventKind::Leaver) continue;
    const auto* printed = index.account(e.account);
    if (printed == nullptr) continue;
    bool shown_active = false;
    for (const auto* a : *printed) {
      if (!a->active) continue;
      leaver_lines.push_back(a->line);
      shown_active = true;
    }
    if (shown_active) {
      leavers += (leavers.empty() ? "" : ", ") + e.account;
      ++leaver_count;
    }
  }
  last_stale_ = stale_lines.size();
  if (complete && !announced && !stale_lines.empty()) {
    Finding f =
        make(op.label, "stale-unannounced", Severity::Critical, "freshness.honesty",
             "Declared complete without stale_since but " + counted(stale_lines.size(), "record") +
                 " show the tenant before changes that landed before the round",
             stale_events);
    f.measures.push_back(
        {"stale_records", static_cast<double>(stale_lines.size()), std::nullopt, "records"});
    f.evidence.connector_output = quoteLines(op, stale_lines);
    f.evidence.connector_output.push_back(statusEvidence(op));
    out.push_back(std::move(f));
  }
  if (complete && !leavers.empty()) {
    Finding f = make(op.label, "leaver-shown-active", Severity::Critical, "freshness.leavers",
                     std::string("Declared complete showing disabled ") +
                         (leaver_count == 1 ? "account" : "accounts") + " active: " + leavers,
                     "the accounts were disabled by leaver events before the round started; the "
                     "governance record still gives them access");
    f.evidence.connector_output = quoteLines(op, leaver_lines);
    f.evidence.connector_output.push_back(statusEvidence(op));
    out.push_back(std::move(f));
  }
  return stale_lines.size();
}

reports::FreshnessSummary FreshnessTracker::finish(const std::vector<AppliedEvent>& events,
                                                   std::vector<Finding>& out) const {
  reports::FreshnessSummary s;
  std::vector<std::int64_t> lags;
  for (const auto& e : events) {
    reports::FreshnessEvent r;
    r.index = e.index;
    r.kind = scenarios::timelineEventKindName(e.kind);
    r.applied = e.applied;
    r.subjects = e.subjects();
    r.detail = e.what;
    r.after_request = e.position;
    if (!e.applied) {
      out.push_back(make("", "timeline-event-not-applied", Severity::Warning, "instrument",
                         "T" + eventName(e).substr(1) + " never landed",
                         e.what.empty() ? "its request never came, so the drill proves nothing "
                                          "about how the connector follows it"
                                        : e.what));
      s.events.push_back(std::move(r));
      continue;
    }
    r.applied_ms = e.applied_ms;
    const auto it = tracks_.find(e.index);
    const Track t = it == tracks_.end() ? Track{} : it->second;
    r.reflected_round = t.reflected_round;
    if (t.reflected_round != 0) {
      r.lag_rounds = t.rounds_before;
      r.lag_ms = t.lag_ms;
      lags.push_back(t.lag_ms);
    } else {
      ++s.never_reflected;
      if (!t.last_complete.empty()) {
        out.push_back(make(t.last_complete, "stale-data", Severity::Error, "freshness.lag",
                           "The output never reflected " + eventName(e),
                           e.what + "; a later round declared complete without showing it"));
      }
    }
    s.events.push_back(std::move(r));
  }
  s.p50_lag_ms = nearestRank(lags, 50);
  s.p95_lag_ms = nearestRank(lags, 95);
  s.max_lag_ms = nearestRank(lags, 100);
  s.stale_records_at_end = last_stale_;
  return s;
}

void FreshnessScorer::score(const ScoringInput& input, ScoreSink& sink) {
  if (input.kind != scenarios::OperationKind::Sync || input.timeline == nullptr) return;
  const RoundObservation round{
      input.drill_round, {input.journal_mark, input.journal_last}, input.started_ms, input.after};
  const std::size_t stale =
      tracker_.observeRound(round, *input.timeline, *input.evidence, sink.findings());
  sink.setMetric("freshness.stale_records", static_cast<double>(stale));
}

void FreshnessScorer::finish(const DrillEndInput& input, ScoreSink& sink) {
  sink.freshness = tracker_.finish(*input.timeline, sink.findings());
}

}  // namespace faultline::harness
