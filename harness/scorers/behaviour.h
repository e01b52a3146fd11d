#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scorers/findings.h"
#include "harness/scorers/scorer.h"
#include "mocks/journal.h"
#include "reports/report.h"

namespace faultline::harness {

// A sync that sends more than max_amplification times its minimum raises
// "request-amplification" (docs/scoring.md, "Request amplification"); this is
// the acceptance policy's default for it (reports::PolicySummary).
inline constexpr double kDefaultMaxAmplification = 4.0;

// How a sync's requests compare with the fewest that read the whole tenant.
struct Amplification {
  std::uint64_t minimum = 0;  // 1 token request + list pages of each resource
  std::uint64_t counted = 0;  // requests sent, less those answered with a fault
  std::uint64_t faulted = 0;  // requests answered with a fault (not counted)
  double ratio = 0;           // counted / minimum; 0 when minimum is 0
};

// The fewest requests a sync can read a tenant of this size with: one token
// request, and for each of Users, Groups, Entitlements ceil(count /
// max_page_size) list pages, at least one.
std::uint64_t minimumSyncRequests(std::size_t accounts, std::size_t groups,
                                  std::size_t entitlements, int max_page_size);

// Counts a sync's journal against `minimum`.
Amplification measureAmplification(const std::vector<mocks::JournalEntry>& journal,
                                   std::uint64_t minimum);

// Whether the mock answered this request with a fault that refused, lost,
// garbled or falsified the answer or a write's effect, so the connector had
// cause to send more: any fault kind but those that leave the answer usable
// (delays, reshaped data, stale reads; docs/scoring.md, "Behaviour").
bool answeredWithFault(const mocks::JournalEntry& entry);

// The measure of a "request-amplification" finding holding the counted
// requests over the minimum, exact (the title prints it rounded).
inline constexpr std::string_view kAmplificationMeasure = "amplification";

// Every bearer token the target answered 401 during one drill, with the
// first such answer. A dead token stays dead for the client whichever
// process presents it next (a later round, operation or restart that read it
// back from its state directory), so a drill keeps one of these across all
// its operations. Not thread-safe; a drill scores one operation at a time.
class RejectedTokens {
 public:
  struct Rejection {
    mocks::JournalEntry first;  // the first 401 for the token
    std::string operation;      // the operation it was answered in
  };

  // The first 401 for `token_id`; null when the target never refused it.
  const Rejection* find(const std::string& token_id) const;
  // Records `e` when it is the token's first 401.
  void remember(const mocks::JournalEntry& e, const std::string& operation);

 private:
  std::map<std::string, Rejection> by_token_;
};

// Adds "rejected-token-reuse" and "duplicate-write" for the operation, and,
// when `amplification` is given (a sync), "request-amplification" whenever
// the sync sent more than its minimum. The policy's max_amplification is
// applied later, by applyPolicy (harness/policy.h), which drops the finding
// at or below it: the scorer cannot know the policy, and a stricter one still
// needs the evidence. docs/scoring.md, "Behaviour", defines each. Pure
// functions of the evidence; thread-compatible.
// `rejected` carries the 401s of the drill's earlier operations in and this
// one's out; the overload without it judges the operation alone.
void addBehaviourFindings(const OperationEvidence& op, const Amplification* amplification,
                          RejectedTokens& rejected, std::vector<reports::Finding>& out);
void addBehaviourFindings(const OperationEvidence& op, const Amplification* amplification,
                          std::vector<reports::Finding>& out);

// Rejected-token reuse, duplicate writes and request amplification over a
// whole drill: it remembers every 401 so that reuse is caught across rounds,
// operations and restarts.
class BehaviourScorer final : public Scorer {
 public:
  std::string_view name() const override { return "behaviour"; }
  std::vector<std::string_view> findingIds() const override {
    return {"rejected-token-reuse", "duplicate-write", "request-amplification"};
  }
  NegativeControl negativeControl() const override {
    return {"stale_token.json", "scenarios/auth_expiry.json", 1};
  }
  void score(const ScoringInput& input, ScoreSink& sink) override {
    addBehaviourFindings(*input.evidence, input.amplification, rejected_, sink.findings());
  }

 private:
  RejectedTokens rejected_;
};

}  // namespace faultline::harness
