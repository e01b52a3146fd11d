#include "harness/scorers/revocation.h"
#include "tests/harness/journal_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace faultline::harness {
namespace {

using mocks::AccountType;

mocks::Account makeAccount(const std::string& id, AccountType type, bool privileged) {
  mocks::Account a;
  a.id = id;
  a.user_name = id + "@example.com";
  a.type = type;
  a.privileged = privileged;
  return a;
}

// One account per tier plus four ordinary humans, each active, in a group and
// holding an entitlement, so every account is a candidate for every kind.
// Accounts are listed in reverse tier order so that order alone cannot pass.
mocks::TenantState tieredTenant() {
  mocks::TenantState s;
  for (const char* id : {"h-1", "h-2", "h-3", "h-4"}) {
    s.accounts.push_back(makeAccount(id, AccountType::Human, false));
  }
  s.accounts.push_back(makeAccount("svc-plain", AccountType::Service, false));
  s.accounts.push_back(makeAccount("hum-priv", AccountType::Human, true));
  s.accounts.push_back(makeAccount("svc-priv", AccountType::Service, true));
  mocks::Group everyone;
  everyone.id = "g-all";
  for (auto& a : s.accounts) {
    a.entitlements = {"ent-read"};
    everyone.members.push_back({a.id, false});
  }
  std::sort(everyone.members.begin(), everyone.members.end());
  s.groups = {everyone};
  mocks::Entitlement read;
  read.id = "ent-read";
  s.entitlements = {read};
  s.reindex();
  return s;
}

scenarios::RevokeSpec spec(int deprovision, int memberships, int entitlements) {
  scenarios::RevokeSpec r;
  r.deprovision = deprovision;
  r.remove_memberships = memberships;
  r.remove_entitlements = entitlements;
  return r;
}

std::vector<std::string> accountsOf(const std::vector<RevokeAction>& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions) out.push_back(a.account);
  return out;
}

std::string describe(const std::vector<RevokeAction>& actions) {
  std::string out;
  for (const auto& a : actions)
    out += a.id + " " + a.action + " " + a.account + " " + a.target + "\n";
  return out;
}

TEST(RevocationSelectTest, TakesPrivilegedNonHumanFirstThenPrivilegedThenNonHuman) {
  const auto actions = selectRevokeActions(tieredTenant(), spec(3, 0, 0), 7, 0);
  EXPECT_EQ(accountsOf(actions), (std::vector<std::string>{"svc-priv", "hum-priv", "svc-plain"}));
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_TRUE(actions[0].privileged);
  EXPECT_TRUE(actions[0].non_human);
  EXPECT_TRUE(actions[1].privileged);
  EXPECT_FALSE(actions[1].non_human);
  EXPECT_FALSE(actions[2].privileged);
  EXPECT_TRUE(actions[2].non_human);
}

TEST(RevocationSelectTest, OrdersEveryKindByTierForAnySeed) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto accounts = accountsOf(selectRevokeActions(tieredTenant(), spec(0, 4, 0), seed, 0));
    ASSERT_EQ(accounts.size(), 4u);
    EXPECT_EQ(std::vector<std::string>(accounts.begin(), accounts.begin() + 3),
              (std::vector<std::string>{"svc-priv", "hum-priv", "svc-plain"}))
        << "seed " << seed;
    EXPECT_EQ(accounts[3].rfind("h-", 0), 0u) << "seed " << seed;
  }
}

TEST(RevocationSelectTest, HonoursTheCountOfEachKindAndNumbersActions) {
  const auto actions = selectRevokeActions(tieredTenant(), spec(1, 2, 3), 11, 0);
  ASSERT_EQ(actions.size(), 6u) << describe(actions);
  const std::vector<std::string> kinds = {"deprovision",        "remove_membership",
                                          "remove_membership",  "remove_entitlement",
                                          "remove_entitlement", "remove_entitlement"};
  for (std::size_t i = 0; i < actions.size(); ++i) {
    EXPECT_EQ(actions[i].id, "act-" + std::to_string(i + 1));
    EXPECT_EQ(actions[i].action, kinds[i]) << describe(actions);
  }
  EXPECT_EQ(actions[0].target, "");
  EXPECT_EQ(actions[1].target, "g-all");
  EXPECT_EQ(actions[3].target, "ent-read");
}

TEST(RevocationSelectTest, GivesEachAccountAtMostOneAction) {
  const auto actions = selectRevokeActions(tieredTenant(), spec(5, 5, 5), 3, 0);
  const auto accounts = accountsOf(actions);
  EXPECT_EQ(std::set<std::string>(accounts.begin(), accounts.end()).size(), accounts.size())
      << describe(actions);
  EXPECT_EQ(actions.size(), 7u) << describe(actions);  // every account, once
}

TEST(RevocationSelectTest, NeverDeprovisionsAnInactiveAccount) {
  auto tenant = tieredTenant();
  tenant.accounts[6].active = false;  // svc-priv
  const auto actions = selectRevokeActions(tenant, spec(7, 0, 0), 1, 0);
  EXPECT_EQ(actions.size(), 6u);
  const auto accounts = accountsOf(actions);
  EXPECT_EQ(std::find(accounts.begin(), accounts.end(), "svc-priv"), accounts.end());
}

TEST(RevocationSelectTest, RemovesOnlyDirectAccountMemberships) {
  auto tenant = tieredTenant();
  mocks::Group parent;
  parent.id = "g-parent";
  parent.members = {{"g-all", true}};
  tenant.groups.push_back(parent);
  tenant.reindex();
  for (const auto& a : selectRevokeActions(tenant, spec(0, 7, 0), 5, 0)) {
    EXPECT_EQ(a.target, "g-all") << a.account;
  }
}

TEST(RevocationSelectTest, SameSeedGivesSameActions) {
  const auto a = selectRevokeActions(tieredTenant(), spec(2, 2, 2), 42, 1);
  const auto b = selectRevokeActions(tieredTenant(), spec(2, 2, 2), 42, 1);
  EXPECT_EQ(describe(a), describe(b));
}

TEST(RevocationSelectTest, DifferentSeedsReorderTheLastTier) {
  // The four ordinary humans share a tier: their order is the seed's.
  std::set<std::vector<std::string>> orders;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto accounts = accountsOf(selectRevokeActions(tieredTenant(), spec(7, 0, 0), seed, 0));
    ASSERT_EQ(accounts.size(), 7u);
    orders.insert(std::vector<std::string>(accounts.begin() + 3, accounts.end()));
  }
  EXPECT_GT(orders.size(), 1u);
}

TEST(RevocationSelectTest, OperationIndexChangesTheDraw) {
  std::set<std::string> draws;
  for (int index = 0; index < 10; ++index) {
    draws.insert(describe(selectRevokeActions(tieredTenant(), spec(7, 0, 0), 9, index)));
  }
  EXPECT_GT(draws.size(), 1u);
}

TEST(RevocationSelectTest, ReturnsFewerActionsThanAskedWhenCandidatesRunOut) {
  mocks::TenantState empty;
  empty.reindex();
  EXPECT_TRUE(selectRevokeActions(empty, spec(3, 3, 3), 1, 0).empty());
}

TEST(RevocationEncodeTest, WritesOneJsonObjectPerActionWithKindSpecificField) {
  const std::vector<RevokeAction> actions = {
      {"act-1", "remove_membership", "u-1", "g-1", false, false},
      {"act-2", "remove_entitlement", "u-2", "ent-1", true, false},
      {"act-3", "deprovision", "u-3", "", false, true}};
  EXPECT_EQ(
      encodeActions(actions),
      R"({"account":"u-1","action":"remove_membership","group":"g-1","id":"act-1","type":"action"})"
      "\n"
      R"({"account":"u-2","action":"remove_entitlement","entitlement":"ent-1","id":"act-2","type":"action"})"
      "\n"
      R"({"account":"u-3","action":"deprovision","id":"act-3","type":"action"})"
      "\n");
}

TEST(RevocationEncodeTest, EncodesNoActionsAsEmptyInput) {
  EXPECT_EQ(encodeActions({}), "");
}

// Ground truth of whether an action took effect.

mocks::TenantState oneAccountTenant() {
  mocks::TenantState s;
  auto a = makeAccount("u-1", AccountType::Service, true);
  a.entitlements = {"ent-a", "ent-b"};
  a.credentials = {{"key-1", "api_key", "", true}, {"key-2", "api_key", "", false}};
  s.accounts = {a};
  mocks::Group g;
  g.id = "g-1";
  g.members = {{"g-0", true}, {"u-0", false}, {"u-1", false}};
  s.groups = {g};
  s.reindex();
  return s;
}

const RevokeAction kRemoveMembership{"act-1", "remove_membership", "u-1", "g-1", true, true};
const RevokeAction kRemoveEntitlement{"act-2", "remove_entitlement", "u-1", "ent-b", true, true};
const RevokeAction kDeprovision{"act-3", "deprovision", "u-1", "", true, true};

TEST(RevocationAppliedTest, MembershipIsAppliedOnlyWhenTheDirectMembershipIsGone) {
  auto s = oneAccountTenant();
  EXPECT_FALSE(isApplied(s, kRemoveMembership));
  s.groups[0].members = {{"g-0", true}, {"u-0", false}};
  EXPECT_TRUE(isApplied(s, kRemoveMembership));
}

TEST(RevocationAppliedTest, MembershipIsAppliedWhenTheGroupIsDeleted) {
  auto s = oneAccountTenant();
  s.groups.clear();
  s.reindex();
  EXPECT_TRUE(isApplied(s, kRemoveMembership));
}

TEST(RevocationAppliedTest, EntitlementIsAppliedOnlyWhenTheDirectGrantIsGone) {
  auto s = oneAccountTenant();
  EXPECT_FALSE(isApplied(s, kRemoveEntitlement));
  s.accounts[0].entitlements = {"ent-a"};
  EXPECT_TRUE(isApplied(s, kRemoveEntitlement));
}

TEST(RevocationAppliedTest, DeprovisionNeedsTheAccountInactive) {
  auto s = oneAccountTenant();
  for (auto& c : s.accounts[0].credentials) c.active = false;
  EXPECT_FALSE(isApplied(s, kDeprovision));
  s.accounts[0].active = false;
  EXPECT_TRUE(isApplied(s, kDeprovision));
}

TEST(RevocationAppliedTest, DeprovisionNeedsEveryCredentialInactive) {
  auto s = oneAccountTenant();
  s.accounts[0].active = false;
  EXPECT_FALSE(isApplied(s, kDeprovision));  // key-1 still active
  s.accounts[0].credentials[0].active = false;
  EXPECT_TRUE(isApplied(s, kDeprovision));
}

TEST(RevocationAppliedTest, EveryKindIsAppliedWhenTheAccountIsDeleted) {
  auto s = oneAccountTenant();
  s.accounts.clear();
  s.reindex();
  EXPECT_TRUE(isApplied(s, kDeprovision));
  EXPECT_TRUE(isApplied(s, kRemoveEntitlement));
  EXPECT_TRUE(isApplied(s, kRemoveMembership));
}

// Effective access: u-1 is in g-child, which is nested in g-parent; g-parent
// grants ent-x, which u-1 also holds directly; u-1 is also a direct member of
// g-parent.
mocks::TenantState nestedTenant() {
  mocks::TenantState s;
  auto a = makeAccount("u-1", AccountType::Human, false);
  a.entitlements = {"ent-x"};
  auto b = makeAccount("u-2", AccountType::Human, false);
  b.entitlements = {"ent-y"};
  s.accounts = {a, b};
  mocks::Group child;
  child.id = "g-child";
  child.members = {{"u-1", false}};
  mocks::Group parent;
  parent.id = "g-parent";
  parent.members = {{"g-child", true}, {"u-1", false}};
  parent.entitlements = {"ent-x"};
  s.groups = {child, parent};
  s.reindex();
  s.rebuildMemberOf();
  return s;
}

TEST(RevocationAppliedTest, EntitlementInheritedThroughAGroupRemains) {
  auto s = nestedTenant();
  const RevokeAction remove{"act-1", "remove_entitlement", "u-1", "ent-x", false, false};
  EXPECT_EQ(remainingAccess(s, remove), "held directly");
  s.accounts[0].entitlements.clear();
  EXPECT_EQ(remainingAccess(s, remove), "held through group g-parent");
  EXPECT_FALSE(isApplied(s, remove));
  s.groups[1].entitlements.clear();
  EXPECT_EQ(remainingAccess(s, remove), "");
  EXPECT_TRUE(isApplied(s, remove));
}

TEST(RevocationAppliedTest, MembershipThroughANestedGroupRemains) {
  auto s = nestedTenant();
  const RevokeAction remove{"act-1", "remove_membership", "u-1", "g-parent", false, false};
  EXPECT_EQ(remainingAccess(s, remove), "a direct member");
  s.groups[1].members = {{"g-child", true}};
  s.rebuildMemberOf();
  EXPECT_EQ(remainingAccess(s, remove), "a member through nested group g-child");
  s.groups[0].members.clear();
  s.rebuildMemberOf();
  EXPECT_EQ(remainingAccess(s, remove), "");
}

TEST(RevocationAppliedTest, DeprovisionSaysWhatIsStillLive) {
  auto s = oneAccountTenant();
  EXPECT_EQ(remainingAccess(s, kDeprovision), "the account is active; 1 API key live");
  s.accounts[0].active = false;
  EXPECT_EQ(remainingAccess(s, kDeprovision), "1 API key live");
}

TEST(RevocationSelectTest, PlainActionsNameTheOnlyPathInheritedOnesDoNot) {
  const auto s = nestedTenant();
  scenarios::RevokeSpec plain;
  plain.remove_entitlements = 2;
  plain.remove_memberships = 2;
  const auto actions = selectRevokeActions(s, plain, 7, 1);
  for (const auto& a : actions) {
    EXPECT_FALSE(a.account == "u-1" && a.target == "ent-x") << describe(actions);
    EXPECT_FALSE(a.account == "u-1" && a.target == "g-parent") << describe(actions);
  }
  scenarios::RevokeSpec inherited;
  inherited.inherited_entitlements = 2;
  const auto picked = selectRevokeActions(s, inherited, 7, 1);
  ASSERT_EQ(picked.size(), 1u) << describe(picked);
  EXPECT_EQ(picked[0].target, "ent-x");
  EXPECT_EQ(picked[0].action, "remove_entitlement");
}

TEST(RevocationJudgeTest, AccessLeftOnlyThroughAGroupIsInheritedNotAFailure) {
  auto s = nestedTenant();
  s.accounts[0].entitlements.clear();
  const RevokeAction remove{"act-1", "remove_entitlement", "u-1", "ent-x", false, false};
  ConnectorOutput said_failed;
  said_failed.results.push_back({"act-1", "failed", "still granted through g-parent", 1});
  auto out = judgeRevocations({remove}, said_failed, s);
  EXPECT_EQ(out[0].outcome, "inherited-remains");
  EXPECT_EQ(out[0].remaining, "held through group g-parent");
  ConnectorOutput said_confirmed;
  said_confirmed.results.push_back({"act-1", "confirmed", "read-back shows it gone", 1});
  out = judgeRevocations({remove}, said_confirmed, s);
  EXPECT_EQ(out[0].outcome, "false-confirmation");
}

// What the connector claimed, against what is true.

ConnectorOutput claims(const std::vector<std::pair<std::string, std::string>>& id_outcome) {
  ConnectorOutput out;
  for (const auto& [id, outcome] : id_outcome) {
    out.results.push_back({id, outcome, "detail of " + id, out.results.size() + 1});
  }
  return out;
}

std::vector<RevokeAction> membershipActions(int n) {
  std::vector<RevokeAction> actions;
  for (int i = 1; i <= n; ++i) {
    const std::string id = std::to_string(i);
    actions.push_back({"act-" + id, "remove_membership", "u-" + id, "g-1", false, false});
  }
  return actions;
}

// u-1..u-n exist; those listed in `still_members` are still in g-1.
mocks::TenantState membershipTenant(int n, const std::set<int>& still_members) {
  mocks::TenantState s;
  mocks::Group g;
  g.id = "g-1";
  for (int i = 1; i <= n; ++i) {
    s.accounts.push_back(makeAccount("u-" + std::to_string(i), AccountType::Human, false));
    if (still_members.count(i) != 0) g.members.push_back({"u-" + std::to_string(i), false});
  }
  std::sort(g.members.begin(), g.members.end());
  s.groups = {g};
  s.reindex();
  return s;
}

TEST(RevocationJudgeTest, ClassifiesEveryClaimAgainstTheTruth) {
  const auto actions = membershipActions(7);
  // Not applied: u-2 (confirmed), u-3 (failed), u-4 (unconfirmed).
  const auto after = membershipTenant(7, {2, 3, 4});
  const auto output = claims({{"act-1", "confirmed"},
                              {"act-2", "confirmed"},
                              {"act-3", "failed"},
                              {"act-4", "unconfirmed"},
                              {"act-5", "failed"},
                              {"act-6", "unconfirmed"}});
  const auto outcomes = judgeRevocations(actions, output, after);
  ASSERT_EQ(outcomes.size(), 7u);
  const std::vector<std::tuple<std::string, bool, std::string>> want = {
      {"confirmed", true, "confirmed"},    {"confirmed", false, "false-confirmation"},
      {"failed", false, "honest-failure"}, {"unconfirmed", false, "honest-failure"},
      {"failed", true, "false-alarm"},     {"unconfirmed", true, "unconfirmed-applied"},
      {"missing", true, "unreported"}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(outcomes[i].action_id);
    EXPECT_EQ(outcomes[i].action_id, "act-" + std::to_string(i + 1));
    EXPECT_EQ(outcomes[i].claimed, std::get<0>(want[i]));
    EXPECT_EQ(outcomes[i].applied, std::get<1>(want[i]));
    EXPECT_EQ(outcomes[i].outcome, std::get<2>(want[i]));
  }
}

TEST(RevocationJudgeTest, UnreportedActionIsUnreportedWhetherOrNotApplied) {
  const auto outcomes =
      judgeRevocations(membershipActions(2), ConnectorOutput{}, membershipTenant(2, {1}));
  EXPECT_EQ(outcomes[0].outcome, "unreported");
  EXPECT_FALSE(outcomes[0].applied);
  EXPECT_EQ(outcomes[1].outcome, "unreported");
  EXPECT_TRUE(outcomes[1].applied);
  EXPECT_EQ(outcomes[0].detail, "");
}

TEST(RevocationJudgeTest, CopiesTheActionAndTheConnectorsDetail) {
  const std::vector<RevokeAction> actions = {
      {"act-1", "remove_entitlement", "u-1", "ent-b", true, true}};
  const auto outcomes =
      judgeRevocations(actions, claims({{"act-1", "failed"}}), oneAccountTenant());
  ASSERT_EQ(outcomes.size(), 1u);
  const auto& o = outcomes[0];
  EXPECT_EQ(o.action, "remove_entitlement");
  EXPECT_EQ(o.account, "u-1");
  EXPECT_EQ(o.target, "ent-b");
  EXPECT_TRUE(o.privileged);
  EXPECT_TRUE(o.non_human);
  EXPECT_EQ(o.detail, "detail of act-1");
  EXPECT_EQ(o.outcome, "honest-failure");
}

// ---- time to confirmation and read-back -------------------------------------

// A request of the operation, on the drill clock.
mocks::JournalEntry request(std::uint64_t seq, std::int64_t t_ms, const std::string& method,
                            const std::string& path, int status, const std::string& query = "",
                            const std::string& note = "") {
  mocks::JournalEntry e;
  e.seq = seq;
  e.t_ms = t_ms;
  e.dialect = "scim";
  e.method = method;
  e.path = path;
  e.query = query;
  e.status = status;
  e.note = note;
  return classified(e);
}

reports::RevocationOutcome outcomeOf(const std::string& id, const std::string& action,
                                     const std::string& account, const std::string& target,
                                     const std::string& claimed = "confirmed") {
  reports::RevocationOutcome o;
  o.action_id = id;
  o.action = action;
  o.account = account;
  o.target = target;
  o.claimed = claimed;
  o.outcome = claimed == "confirmed" ? "confirmed" : "honest-failure";
  return o;
}

// The operation started at 1000 ms on the drill clock, its connector at
// 1010; stdout line N (1-based) arrived at line_ms[N-1] after that.
struct Trace {
  std::vector<std::int64_t> line_ms;
  std::vector<mocks::JournalEntry> journal;
  ConnectorOutput output;

  std::vector<reports::RevocationOutcome> run(std::vector<reports::RevocationOutcome> outcomes) {
    traceRevocations(output, {&line_ms, 1000, 1010, &journal}, outcomes);
    return outcomes;
  }
};

TEST(RevocationTraceTest, TimeToConfirmationIsFromTheOperationStartToTheResultLine) {
  Trace t;
  t.line_ms = {5, 40, 90};
  t.output.results = {{"act-2", "confirmed", "", 3}, {"act-1", "failed", "", 2}};
  const auto out = t.run({outcomeOf("act-1", "deprovision", "u-1", ""),
                          outcomeOf("act-2", "deprovision", "u-2", ""),
                          outcomeOf("act-3", "deprovision", "u-3", "", "missing")});
  EXPECT_EQ(out[0].result_ms, 50);   // 1010 + 40 - 1000
  EXPECT_EQ(out[1].result_ms, 100);  // 1010 + 90 - 1000
  EXPECT_FALSE(out[2].result_ms) << "no result line, no time";
  EXPECT_FALSE(out[2].read_back);
}

TEST(RevocationTraceTest, ALineWithoutATimeHasNoTimeToConfirmation) {
  Trace t;
  t.line_ms = {5};  // line 2 passed the cap
  t.output.results = {{"act-1", "confirmed", "", 2}};
  t.journal = {request(1, 1020, "PATCH", "/scim/v2/Users/u-1", 204),
               request(2, 5000, "GET", "/scim/v2/Users/u-1", 200)};
  const auto out = t.run({outcomeOf("act-1", "deprovision", "u-1", "")});
  EXPECT_FALSE(out[0].result_ms);
  EXPECT_TRUE(out[0].read_back) << "unordered: any read before the connector exited counts";
}

TEST(RevocationTraceTest, ReadBackIsAGetAfterTheLastWriteAndBeforeTheResult) {
  Trace t;
  t.line_ms = {100};  // printed at 1110
  t.output.results = {{"act-1", "confirmed", "", 1}};
  const auto judge = [&](std::vector<mocks::JournalEntry> journal) {
    t.journal = std::move(journal);
    return t.run({outcomeOf("act-1", "deprovision", "u-1", "")})[0].read_back;
  };
  EXPECT_TRUE(judge({request(1, 1020, "GET", "/scim/v2/Users/u-1", 200),
                     request(2, 1030, "PATCH", "/scim/v2/Users/u-1", 200),
                     request(3, 1040, "GET", "/scim/v2/Users/u-1", 200)}));
  EXPECT_FALSE(judge({request(1, 1020, "GET", "/scim/v2/Users/u-1", 200),
                      request(2, 1030, "PATCH", "/scim/v2/Users/u-1", 200)}))
      << "a read before the write proves nothing about it";
  EXPECT_FALSE(judge({request(1, 1030, "PATCH", "/scim/v2/Users/u-1", 200),
                      request(2, 1040, "GET", "/scim/v2/Users/u-1", 200),
                      request(3, 1050, "PUT", "/scim/v2/Users/u-1", 200)}))
      << "the last write counts";
  EXPECT_FALSE(judge({request(1, 1030, "PATCH", "/scim/v2/Users/u-1", 200),
                      request(2, 1112, "GET", "/scim/v2/Users/u-1", 200)}))
      << "a read 2 ms after the result line came too late";
  EXPECT_TRUE(judge({request(1, 1030, "PATCH", "/scim/v2/Users/u-1", 200),
                     request(2, 1111, "GET", "/scim/v2/Users/u-1", 200)}))
      << "within a millisecond of the line the order is unknown: the connector gets the doubt";
  EXPECT_TRUE(judge({request(1, 1030, "PATCH", "/scim/v2/Users/u-1", 200),
                     request(2, 1040, "GET", "/scim/v2/Users/u-1", 200),
                     request(3, 1200, "PATCH", "/scim/v2/Users/u-1", 200)}))
      << "a write after the result line cannot undo a read-back before it";
  EXPECT_TRUE(judge({request(1, 1030, "GET", "/scim/v2/Users/u-1", 200)}))
      << "nothing written: a read before the result is the read-back";
}

// The trace reads what the dialect classified, never the URL: a read of the
// subject in an API spelt nothing like SCIM counts, and a SCIM-shaped path
// the dialect did not call a read of the subject does not.
TEST(RevocationTraceTest, ReadsTheJournalsClassificationNotTheUrl) {
  Trace t;
  t.line_ms = {100};
  t.output.results = {{"act-1", "confirmed", "", 1}};
  const auto judge = [&](mocks::JournalEntry read) {
    t.journal = {request(1, 1020, "DELETE", "/scim/v2/Users/u-1", 204), std::move(read)};
    return t.run({outcomeOf("act-1", "deprovision", "u-1", "")})[0].read_back;
  };
  mocks::JournalEntry vendor = request(2, 1030, "GET", "/api/v1/people/u-1", 200);
  vendor.request_kind = "read";
  vendor.resource = "Users";
  vendor.resource_id = "u-1";
  EXPECT_TRUE(judge(vendor));
  mocks::JournalEntry unclassified = request(2, 1030, "GET", "/scim/v2/Users/u-1", 200);
  unclassified.request_kind.clear();
  unclassified.resource.clear();
  unclassified.resource_id.clear();
  EXPECT_FALSE(judge(unclassified));
}

TEST(RevocationTraceTest, OnlyAReadThatShowedTheSubjectCounts) {
  Trace t;
  t.line_ms = {100};
  t.output.results = {{"act-1", "confirmed", "", 1}};
  const auto judge = [&](mocks::JournalEntry read) {
    t.journal = {request(1, 1020, "DELETE", "/scim/v2/Users/u-1", 204), std::move(read)};
    return t.run({outcomeOf("act-1", "deprovision", "u-1", "")})[0].read_back;
  };
  EXPECT_TRUE(judge(request(2, 1030, "GET", "/scim/v2/Users/U-1", 200))) << "ids ignore case";
  EXPECT_TRUE(judge(request(2, 1030, "GET", "/scim/v2/Users/u-1", 404))) << "gone, as deleted";
  EXPECT_FALSE(judge(request(2, 1030, "GET", "/scim/v2/Users/u-1", 503)));
  EXPECT_FALSE(judge(request(2, 1030, "GET", "/scim/v2/Users/u-1", 401)));
  EXPECT_FALSE(judge(request(2, 1030, "GET", "/scim/v2/Users/u-1", 200, "",
                             "fault g (garbage_body): body replaced")));
  EXPECT_TRUE(judge(request(2, 1030, "GET", "/scim/v2/Users/u-1", 200, "",
                            "fault s (stale_read): served as of an older state")))
      << "a stale answer was still read";
  EXPECT_FALSE(judge(request(2, 1030, "GET", "/scim/v2/Users/u-10", 200))) << "another account";
  EXPECT_FALSE(judge(request(2, 1030, "GET", "/scim/v2/Users", 200, "startIndex=1&count=100")));
  EXPECT_TRUE(judge(request(2, 1030, "GET", "/scim/v2/Users", 200, "filter=id%20eq%20%22u-1%22")));
  EXPECT_FALSE(judge(request(2, 1030, "GET", "/scim/v2/Users", 404, "filter=id+eq+%22u-1%22")));
}

TEST(RevocationTraceTest, AMembershipIsReadBackOnTheGroupOrTheUser) {
  Trace t;
  t.line_ms = {100};
  t.output.results = {{"act-1", "confirmed", "", 1}};
  const auto judge = [&](mocks::JournalEntry read) {
    t.journal = {request(1, 1020, "PATCH", "/scim/v2/Groups/g-1", 200), std::move(read)};
    return t.run({outcomeOf("act-1", "remove_membership", "u-1", "g-1")})[0].read_back;
  };
  EXPECT_TRUE(judge(request(2, 1030, "GET", "/scim/v2/Groups/g-1", 200)));
  EXPECT_TRUE(judge(request(2, 1030, "GET", "/scim/v2/Users/u-1", 200)));
  EXPECT_TRUE(judge(
      request(2, 1030, "GET", "/scim/v2/Groups", 200, "filter=members.value%20eq%20%22u-1%22")));
  EXPECT_FALSE(judge(request(2, 1030, "GET", "/scim/v2/Groups/g-2", 200)));
  EXPECT_FALSE(judge(request(2, 1030, "GET", "/scim/v2/Entitlements/g-1", 200)));
  // An entitlement's subject is the account alone.
  t.journal = {request(1, 1020, "PATCH", "/scim/v2/Users/u-1", 200),
               request(2, 1030, "GET", "/scim/v2/Groups/ent-1", 200)};
  EXPECT_FALSE(t.run({outcomeOf("act-1", "remove_entitlement", "u-1", "ent-1")})[0].read_back);
}

std::vector<reports::Finding> readBackFindings(const std::vector<reports::RevocationOutcome>& o,
                                               const ConnectorOutput& output,
                                               const std::vector<mocks::JournalEntry>& journal) {
  ProcessResult process;
  const OperationEvidence ev{"revoke-1", &process, &output, &journal, {}};
  std::vector<reports::Finding> out;
  addReadBackFindings(ev, o, out);
  return out;
}

TEST(RevocationTraceTest, ConfirmedWithoutReadBackIsAWarning) {
  ConnectorOutput output;
  output.lines = {R"({"type":"result","id":"act-1","outcome":"confirmed"})",
                  R"({"type":"result","id":"act-2","outcome":"confirmed"})",
                  R"({"type":"result","id":"act-3","outcome":"failed"})"};
  output.results = {
      {"act-1", "confirmed", "", 1}, {"act-2", "confirmed", "", 2}, {"act-3", "failed", "", 3}};
  const std::vector<mocks::JournalEntry> journal = {
      request(1, 1020, "PATCH", "/scim/v2/Users/u-1", 204),
      request(2, 1021, "PATCH", "/scim/v2/Users/u-2", 204),
      request(3, 1022, "GET", "/scim/v2/Users/u-2", 200)};
  auto outcomes = std::vector{outcomeOf("act-1", "deprovision", "u-1", ""),
                              outcomeOf("act-2", "deprovision", "u-2", ""),
                              outcomeOf("act-3", "deprovision", "u-3", "", "failed")};
  const std::vector<std::int64_t> line_ms = {100, 100, 100};
  traceRevocations(output, {&line_ms, 1000, 1010, &journal}, outcomes);
  EXPECT_FALSE(outcomes[0].read_back);
  EXPECT_TRUE(outcomes[1].read_back);
  EXPECT_FALSE(outcomes[2].read_back);
  const auto findings = readBackFindings(outcomes, output, journal);
  ASSERT_EQ(findings.size(), 1u) << "only act-1: act-2 read back, act-3 was not confirmed";
  const auto& f = findings[0];
  EXPECT_EQ(f.id, "read-back-missing");
  EXPECT_EQ(f.severity, reports::Severity::Warning);
  EXPECT_EQ(f.metric, "revocation.read_back");
  EXPECT_EQ(f.operation, "revoke-1");
  EXPECT_EQ(f.title, "deprovision act-1 confirmed without reading the target back");
  ASSERT_EQ(f.evidence.journal.size(), 1u);
  EXPECT_NE(f.evidence.journal[0].find("PATCH /scim/v2/Users/u-1"), std::string::npos);
  EXPECT_EQ(f.evidence.connector_output, std::vector<std::string>{"stdout:1: " + output.lines[0]});
}

}  // namespace
}  // namespace faultline::harness
