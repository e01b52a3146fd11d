#include "harness/scorers/collateral.h"

#include <charconv>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "harness/evidence.h"
#include "reports/wording.h"

using faultline::reports::counted;

namespace faultline::harness {
namespace {

constexpr std::string_view kRequestCause = "request #";

// The seq of the request a change's cause names; 0 when the target itself
// made the change (a fault, the timeline, the generator).
std::uint64_t requestOf(const mocks::Change& c) {
  if (c.cause.compare(0, kRequestCause.size(), kRequestCause) != 0) return 0;
  std::uint64_t seq = 0;
  const char* first = c.cause.data() + kRequestCause.size();
  const char* last = c.cause.data() + c.cause.size();
  auto [ptr, ec] = std::from_chars(first, last, seq);
  return ec == std::errc() && ptr == last ? seq : 0;
}

// The id rule (canonicalId): the target logs its own spelling of an id, an
// action may spell it in another case.
bool sameId(const std::string& a, const std::string& b) {
  return a == b || canonicalId(a) == canonicalId(b);
}

// Whether `action` asked for `c`. Deprovisioning an account may change
// anything of that account, and take it out of its groups (a leaver's
// memberships going is part of removing its access); nothing asks for a grant.
bool askedFor(const RevokeAction& a, const mocks::Change& c) {
  const bool removal = c.kind == "account.disabled" || c.kind == "account.deleted" ||
                       c.kind == "credential.deactivated" || c.kind == "credential.deleted" ||
                       c.kind == "entitlement.revoked" || c.kind == "member.removed";
  if (!removal) return false;
  if (a.action == "deprovision")
    return sameId(c.object, a.account) ||
           (c.kind == "member.removed" && sameId(c.detail, a.account));
  if (a.action == "remove_membership")
    return c.kind == "member.removed" && sameId(c.object, a.target) && sameId(c.detail, a.account);
  return c.kind == "entitlement.revoked" && sameId(c.object, a.account) &&
         sameId(c.detail, a.target);
}

// The change kind that reverses `kind`, or "" when none does.
std::string_view inverseKind(std::string_view kind) {
  static constexpr std::pair<std::string_view, std::string_view> kPairs[] = {
      {"account.enabled", "account.disabled"},
      {"member.added", "member.removed"},
      {"entitlement.granted", "entitlement.revoked"},
      {"credential.activated", "credential.deactivated"}};
  for (const auto& [a, b] : kPairs) {
    if (kind == a) return b;
    if (kind == b) return a;
  }
  return "";
}

}  // namespace

std::string CollateralChange::describe() const {
  return change.kind + " " + change.object + (change.detail.empty() ? "" : " " + change.detail) +
         " by request #" + std::to_string(request) +
         (undoes != 0 ? " (undoing request #" + std::to_string(undoes) + ": state flipped)" : "");
}

std::vector<CollateralChange> findCollateral(const std::vector<mocks::Change>& changes,
                                             const std::vector<RevokeAction>& actions) {
  std::vector<CollateralChange> out;
  // The last request that made each change, by "kind object detail": a later
  // change of the inverse kind on the same pair undoes it.
  std::map<std::string, std::uint64_t> made;
  const auto key = [](std::string_view kind, const mocks::Change& c) {
    return std::string(kind) + " " + canonicalId(c.object) + " " + canonicalId(c.detail);
  };
  for (const auto& c : changes) {
    const std::uint64_t request = requestOf(c);
    if (request == 0) continue;
    made[key(c.kind, c)] = request;
    bool asked = false;
    for (const auto& a : actions) asked = asked || askedFor(a, c);
    if (asked) continue;
    std::uint64_t undoes = 0;
    if (const auto inverse = inverseKind(c.kind); !inverse.empty()) {
      if (const auto it = made.find(key(inverse, c)); it != made.end()) undoes = it->second;
    }
    out.push_back({c, request, undoes});
  }
  return out;
}

void addCollateralFindings(const OperationEvidence& op,
                           const std::vector<CollateralChange>& collateral,
                           std::vector<reports::Finding>& out) {
  if (collateral.empty()) return;
  std::set<std::uint64_t> requests;
  std::string detail;
  std::size_t listed = 0;
  std::size_t flips = 0;
  for (const auto& c : collateral) {
    requests.insert(c.request);
    if (c.undoes != 0) requests.insert(c.undoes);
    flips += c.undoes != 0;
    if (listed++ < 20) detail += (detail.empty() ? "" : "; ") + c.describe();
  }
  if (collateral.size() > 20) detail += "; and " + std::to_string(collateral.size() - 20) + " more";
  reports::Finding f = makeFinding(
      op, "collateral-change", reports::Severity::Critical, "revocation.collateral",
      counted(collateral.size(), "change") + " to the target nobody asked for" +
          (flips > 0 ? ", " + std::to_string(flips) + " of them undoing the connector's own" : ""),
      detail);
  f.evidence.journal = journalEvidence(
      *op.journal, [&](const mocks::JournalEntry& e) { return requests.count(e.seq) != 0; });
  f.measures.push_back(
      {"changes", static_cast<double>(collateral.size()), std::nullopt, "changes"});
  if (flips > 0)
    f.measures.push_back({"flips", static_cast<double>(flips), std::nullopt, "changes"});
  out.push_back(std::move(f));
}

}  // namespace faultline::harness
