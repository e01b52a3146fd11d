#include "harness/scorers/completeness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace faultline::harness {
namespace {

using mocks::AccountType;

mocks::Account makeAccount(const std::string& id, const std::string& user_name,
                           const std::string& display_name, AccountType type, bool privileged) {
  mocks::Account a;
  a.id = id;
  a.user_name = user_name;
  a.display_name = display_name;
  a.type = type;
  a.privileged = privileged;
  return a;
}

// Three accounts (one a privileged service account with an API key), a
// group nested in another, a direct and a group-held entitlement.
mocks::TenantState smallTenant() {
  mocks::TenantState s;
  s.accounts.push_back(
      makeAccount("u-alice", "alice@example.com", "Alice", AccountType::Human, false));
  s.accounts.back().entitlements = {"ent-read"};
  s.accounts.push_back(makeAccount("u-bob", "bob@example.com", "Bob", AccountType::Human, true));
  s.accounts.push_back(makeAccount("svc-ci", "ci-bot", "CI", AccountType::Service, true));
  s.accounts.back().credentials = {{"key-ci", "api_key", "2027-01-01T00:00:00Z", true}};

  mocks::Group eng;
  eng.id = "g-eng";
  eng.display_name = "Engineering";
  eng.members = {{"g-platform", true}, {"u-alice", false}};
  mocks::Group platform;
  platform.id = "g-platform";
  platform.display_name = "Platform";
  platform.members = {{"svc-ci", false}, {"u-bob", false}};
  platform.entitlements = {"ent-admin"};
  s.groups = {eng, platform};

  mocks::Entitlement admin;
  admin.id = "ent-admin";
  admin.display_name = "Production admin";
  admin.privileged = true;
  mocks::Entitlement read;
  read.id = "ent-read";
  read.display_name = "Read";
  s.entitlements = {admin, read};
  s.reindex();
  return s;
}

std::size_t nextLine(const ConnectorOutput& o) {
  return o.accounts.size() + o.groups.size() + o.entitlements.size() + o.grants.size() +
         o.credentials.size() + 1;
}

void addAccount(ConnectorOutput& o, const std::string& id, const std::string& user_name,
                const std::string& display_name, bool active, const std::string& type,
                bool privileged) {
  o.accounts.push_back({.id = id,
                        .user_name = user_name,
                        .display_name = display_name,
                        .account_type = type,
                        .active = active,
                        .privileged = privileged,
                        .line = nextLine(o)});
}

void addGrant(ConnectorOutput& o, const std::string& kind, const std::string& principal_type,
              const std::string& principal, const std::string& target) {
  o.grants.push_back({.kind = kind,
                      .principal_type = principal_type,
                      .principal = principal,
                      .target = target,
                      .line = nextLine(o)});
}

// Exactly what a correct connector prints for smallTenant(), one record per
// stdout line: accounts on lines 1-3, groups 4-5, entitlements 6-7, grants
// 8-13, the credential on 14.
ConnectorOutput perfectOutput() {
  ConnectorOutput o;
  addAccount(o, "u-alice", "alice@example.com", "Alice", true, "human", false);
  addAccount(o, "u-bob", "bob@example.com", "Bob", true, "human", true);
  addAccount(o, "svc-ci", "ci-bot", "CI", true, "service", true);
  o.groups.push_back({.id = "g-eng", .display_name = "Engineering", .line = nextLine(o)});
  o.groups.push_back({.id = "g-platform", .display_name = "Platform", .line = nextLine(o)});
  o.entitlements.push_back({.id = "ent-admin",
                            .display_name = "Production admin",
                            .privileged = true,
                            .line = nextLine(o)});
  o.entitlements.push_back(
      {.id = "ent-read", .display_name = "Read", .privileged = false, .line = nextLine(o)});
  addGrant(o, "membership", "account", "u-alice", "g-eng");
  addGrant(o, "membership", "group", "g-platform", "g-eng");
  addGrant(o, "membership", "account", "u-bob", "g-platform");
  addGrant(o, "membership", "account", "svc-ci", "g-platform");
  addGrant(o, "entitlement", "group", "g-platform", "ent-admin");
  addGrant(o, "entitlement", "account", "u-alice", "ent-read");
  o.credentials.push_back({.id = "key-ci",
                           .owner = "svc-ci",
                           .kind = "api_key",
                           .expires = "2027-01-01T00:00:00Z",
                           .active = true,
                           .line = nextLine(o)});
  return o;
}

reports::TypeScore scoreOf(const CompletenessScore& s, const std::string& type) {
  for (const auto& t : s.types) {
    if (t.type == type) return t;
  }
  throw std::runtime_error("no score for type " + type);
}

TEST(CompletenessTest, PerfectOutputIsExactWithRecallAndPrecisionOne) {
  const auto tenant = smallTenant();
  const CompletenessScore s = scoreCompleteness(tenant, tenant, perfectOutput());
  ASSERT_EQ(s.types.size(), 5u);
  const std::vector<std::pair<std::string, std::size_t>> expected = {
      {"account", 3}, {"group", 2}, {"entitlement", 2}, {"grant", 6}, {"credential", 1}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& t = s.types[i];
    EXPECT_EQ(t.type, expected[i].first);
    EXPECT_EQ(t.expected, expected[i].second) << t.type;
    EXPECT_EQ(t.returned, expected[i].second) << t.type;
    EXPECT_EQ(t.matched, expected[i].second) << t.type;
    EXPECT_DOUBLE_EQ(t.recall, 1.0) << t.type;
    EXPECT_DOUBLE_EQ(t.precision, 1.0) << t.type;
    EXPECT_EQ(t.duplicates, 0u) << t.type;
    EXPECT_EQ(t.attribute_mismatches, 0u) << t.type;
    EXPECT_TRUE(t.missing.empty()) << t.type;
    EXPECT_TRUE(t.phantom.empty()) << t.type;
  }
  EXPECT_TRUE(s.complete());
  EXPECT_TRUE(s.exact());
  EXPECT_DOUBLE_EQ(s.minRecall(), 1.0);
  EXPECT_EQ(s.dangling_total, 0u);
  EXPECT_TRUE(s.attribute_examples.empty());
}

TEST(CompletenessTest, EmptyTenantAndEmptyOutputScoreOne) {
  mocks::TenantState empty;
  empty.reindex();
  const CompletenessScore s = scoreCompleteness(empty, empty, ConnectorOutput{});
  for (const auto& t : s.types) {
    EXPECT_DOUBLE_EQ(t.recall, 1.0) << t.type;
    EXPECT_DOUBLE_EQ(t.precision, 1.0) << t.type;
  }
  EXPECT_TRUE(s.exact());
}

TEST(CompletenessTest, MissingAccountLowersRecallAndIsListed) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  out.accounts.erase(out.accounts.begin() + 1);  // u-bob
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  const auto accounts = scoreOf(s, "account");
  EXPECT_EQ(accounts.expected, 3u);
  EXPECT_EQ(accounts.matched, 2u);
  EXPECT_DOUBLE_EQ(accounts.recall, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(accounts.precision, 1.0);
  EXPECT_EQ(accounts.missing, std::vector<std::string>{"u-bob"});
  EXPECT_EQ(accounts.missing_total, 1u);
  EXPECT_FALSE(s.complete());
  EXPECT_FALSE(s.exact());
  EXPECT_DOUBLE_EQ(s.minRecall(), 2.0 / 3.0);
  // u-bob's membership line still names him.
  EXPECT_EQ(s.dangling, std::vector<std::string>{"stdout line 10: account u-bob was not returned"});
}

TEST(CompletenessTest, PhantomAccountLowersPrecisionAndIsListed) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  addAccount(out, "u-ghost", "ghost@example.com", "Ghost", true, "human", false);
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  const auto accounts = scoreOf(s, "account");
  EXPECT_EQ(accounts.returned, 4u);
  EXPECT_DOUBLE_EQ(accounts.precision, 0.75);
  EXPECT_DOUBLE_EQ(accounts.recall, 1.0);
  EXPECT_EQ(accounts.phantom, std::vector<std::string>{"u-ghost"});
  EXPECT_EQ(accounts.phantom_total, 1u);
  EXPECT_TRUE(s.complete());
  EXPECT_FALSE(s.exact());
}

TEST(CompletenessTest, ListsAtMostFiftyPhantomsButCountsAll) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  for (int i = 0; i < 60; ++i) {
    out.groups.push_back({.id = "g-ghost-" + std::to_string(i), .display_name = "", .line = 0});
  }
  const auto groups = scoreOf(scoreCompleteness(tenant, tenant, out), "group");
  EXPECT_EQ(groups.phantom_total, 60u);
  EXPECT_EQ(groups.phantom.size(), kMaxListedIds);
  EXPECT_DOUBLE_EQ(groups.precision, 2.0 / 62.0);
}

TEST(CompletenessTest, CountsDuplicateLinesOnce) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  out.accounts.push_back(out.accounts[0]);
  out.accounts.back().line = 15;
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  const auto accounts = scoreOf(s, "account");
  EXPECT_EQ(accounts.duplicates, 1u);
  EXPECT_EQ(accounts.returned, 3u);
  EXPECT_DOUBLE_EQ(accounts.precision, 1.0);
  EXPECT_DOUBLE_EQ(accounts.recall, 1.0);
  EXPECT_TRUE(s.complete());
  EXPECT_FALSE(s.exact());
}

TEST(CompletenessTest, CountsWrongActiveFlagAsAttributeMismatchWithExample) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  out.accounts[0].active = false;
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  EXPECT_EQ(scoreOf(s, "account").attribute_mismatches, 1u);
  EXPECT_DOUBLE_EQ(scoreOf(s, "account").recall, 1.0);
  EXPECT_EQ(s.attribute_examples,
            std::vector<std::string>{
                "account u-alice (stdout line 1): got \"userName=alice@example.com "
                "displayName=Alice active=false accountType=human privileged=false\", truth "
                "\"userName=alice@example.com displayName=Alice active=true accountType=human "
                "privileged=false\""});
  EXPECT_TRUE(s.complete());
  EXPECT_FALSE(s.exact());
}

TEST(CompletenessTest, CountsWrongCredentialStateAsAttributeMismatch) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  out.credentials[0].active = false;
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  EXPECT_EQ(scoreOf(s, "credential").attribute_mismatches, 1u);
  EXPECT_EQ(s.attribute_examples,
            std::vector<std::string>{"credential key-ci (stdout line 14): got \"owner=svc-ci "
                                     "active=false\", truth \"owner=svc-ci active=true\""});
}

TEST(CompletenessTest, CountsWrongEntitlementPrivilegeAsAttributeMismatch) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  out.entitlements[0].privileged = false;
  EXPECT_EQ(scoreOf(scoreCompleteness(tenant, tenant, out), "entitlement").attribute_mismatches,
            1u);
}

TEST(CompletenessTest, ExpectsNestedGroupMembershipAsGroupPrincipalGrant) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  out.grants.erase(out.grants.begin() + 1);  // membership|group|g-platform|g-eng
  const auto grants = scoreOf(scoreCompleteness(tenant, tenant, out), "grant");
  EXPECT_EQ(grants.missing, std::vector<std::string>{"membership|group|g-platform|g-eng"});
  EXPECT_DOUBLE_EQ(grants.recall, 5.0 / 6.0);
}

TEST(CompletenessTest, NestedMembershipInTheWrongDirectionIsAPhantom) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  std::swap(out.grants[1].principal, out.grants[1].target);
  const auto grants = scoreOf(scoreCompleteness(tenant, tenant, out), "grant");
  EXPECT_EQ(grants.phantom, std::vector<std::string>{"membership|group|g-eng|g-platform"});
  EXPECT_EQ(grants.missing, std::vector<std::string>{"membership|group|g-platform|g-eng"});
}

TEST(CompletenessTest, InheritedAccessReportedAsDirectGrantIsAPhantom) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  // u-bob holds ent-admin only through g-platform; the contract asks for direct grants.
  addGrant(out, "entitlement", "account", "u-bob", "ent-admin");
  const auto grants = scoreOf(scoreCompleteness(tenant, tenant, out), "grant");
  EXPECT_EQ(grants.phantom, std::vector<std::string>{"entitlement|account|u-bob|ent-admin"});
}

TEST(CompletenessTest, FlagsGrantsWhoseTargetGroupWasNotReturned) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  out.groups.erase(out.groups.begin());  // g-eng
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  EXPECT_EQ(s.dangling_total, 2u);
  EXPECT_EQ(s.dangling, (std::vector<std::string>{"stdout line 8: group g-eng was not returned",
                                                  "stdout line 9: group g-eng was not returned"}));
  EXPECT_EQ(scoreOf(s, "group").missing, std::vector<std::string>{"g-eng"});
  EXPECT_FALSE(s.exact());
}

TEST(CompletenessTest, FlagsGrantsAndCredentialsWhoseAccountWasNotReturned) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  out.accounts.erase(out.accounts.begin() + 2);  // svc-ci
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  EXPECT_EQ(s.dangling,
            (std::vector<std::string>{"stdout line 11: account svc-ci was not returned",
                                      "stdout line 14: credential owner svc-ci was not returned"}));
}

TEST(CompletenessTest, FlagsGrantWhoseEntitlementWasNotReturned) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  out.entitlements.erase(out.entitlements.begin() + 1);  // ent-read
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  EXPECT_EQ(s.dangling,
            std::vector<std::string>{"stdout line 13: entitlement ent-read was not returned"});
}

// The tenant may change while a sync runs: only records present at both ends
// of the window are owed, and anything present at either end may be returned.

mocks::TenantState withLeaver(mocks::TenantState s) {
  s.accounts.push_back(
      makeAccount("u-leaver", "leaver@example.com", "Leaver", AccountType::Human, false));
  s.groups[0].members.push_back({"u-leaver", false});
  s.reindex();
  return s;
}

TEST(CompletenessTest, RecordDeletedMidWindowIsNotPhantomWhenReturned) {
  ConnectorOutput out = perfectOutput();
  addAccount(out, "u-leaver", "leaver@example.com", "Leaver", true, "human", false);
  addGrant(out, "membership", "account", "u-leaver", "g-eng");
  const CompletenessScore s = scoreCompleteness(withLeaver(smallTenant()), smallTenant(), out);
  EXPECT_EQ(scoreOf(s, "account").phantom_total, 0u);
  EXPECT_EQ(scoreOf(s, "grant").phantom_total, 0u);
  EXPECT_EQ(scoreOf(s, "account").expected, 3u);
  EXPECT_DOUBLE_EQ(scoreOf(s, "account").precision, 1.0);
  EXPECT_TRUE(s.exact());
}

TEST(CompletenessTest, RecordDeletedMidWindowIsNotMissingWhenAbsent) {
  const CompletenessScore s =
      scoreCompleteness(withLeaver(smallTenant()), smallTenant(), perfectOutput());
  EXPECT_EQ(scoreOf(s, "account").missing_total, 0u);
  EXPECT_EQ(scoreOf(s, "grant").missing_total, 0u);
  EXPECT_TRUE(s.exact());
}

TEST(CompletenessTest, RecordCreatedMidWindowIsNotPhantomWhenReturned) {
  ConnectorOutput out = perfectOutput();
  addAccount(out, "u-leaver", "leaver@example.com", "Leaver", true, "human", false);
  addGrant(out, "membership", "account", "u-leaver", "g-eng");
  const CompletenessScore s = scoreCompleteness(smallTenant(), withLeaver(smallTenant()), out);
  EXPECT_EQ(scoreOf(s, "account").phantom_total, 0u);
  EXPECT_EQ(scoreOf(s, "grant").phantom_total, 0u);
  EXPECT_EQ(scoreOf(s, "account").expected, 3u);
  EXPECT_TRUE(s.exact());
}

TEST(CompletenessTest, RecordCreatedMidWindowIsNotMissingWhenAbsent) {
  const CompletenessScore s =
      scoreCompleteness(smallTenant(), withLeaver(smallTenant()), perfectOutput());
  EXPECT_EQ(scoreOf(s, "account").missing_total, 0u);
  EXPECT_EQ(scoreOf(s, "grant").missing_total, 0u);
  EXPECT_TRUE(s.exact());
}

// A joiner created between a connector's Users and Groups listings is in the
// group it joined, but in no Users page the connector read: the grant is
// true, its account is not owed, so the reference does not dangle.
TEST(CompletenessTest, GrantOfAnAccountCreatedMidWindowDoesNotDangle) {
  ConnectorOutput out = perfectOutput();
  addGrant(out, "membership", "account", "u-leaver", "g-eng");
  const CompletenessScore s = scoreCompleteness(smallTenant(), withLeaver(smallTenant()), out);
  EXPECT_EQ(s.dangling_total, 0u) << (s.dangling.empty() ? "" : s.dangling[0]);
  EXPECT_TRUE(s.exact());
}

TEST(CompletenessTest, GrantOfAnAccountDeletedMidWindowDoesNotDangle) {
  ConnectorOutput out = perfectOutput();
  addGrant(out, "membership", "account", "u-leaver", "g-eng");
  const CompletenessScore s = scoreCompleteness(withLeaver(smallTenant()), smallTenant(), out);
  EXPECT_EQ(s.dangling_total, 0u);
}

// Present at both ends, the account was owed: leaving it out still dangles.
TEST(CompletenessTest, GrantOfAnAccountPresentThroughoutStillDangles) {
  const auto tenant = withLeaver(smallTenant());
  ConnectorOutput out = perfectOutput();
  addGrant(out, "membership", "account", "u-leaver", "g-eng");
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  EXPECT_EQ(s.dangling,
            std::vector<std::string>{"stdout line 15: account u-leaver was not returned"});
}

// The id rule (docs/connector-protocol.md, "Ids"): UUIDs match in any case.

constexpr const char* kUuidLower = "2819c223-7f76-453a-919d-413861904646";
constexpr const char* kUuidUpper = "2819C223-7F76-453A-919D-413861904646";

TEST(CompletenessTest, UuidIdsMatchInAnyCase) {
  mocks::TenantState tenant = smallTenant();
  tenant.accounts[0].id = kUuidLower;
  tenant.groups[0].members[1].id = kUuidLower;
  tenant.reindex();
  ConnectorOutput out = perfectOutput();
  out.accounts[0].id = kUuidUpper;
  out.grants[0].principal = kUuidUpper;
  out.grants[5].principal = "2819c223-7F76-453a-919D-413861904646";
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  EXPECT_TRUE(s.exact()) << (s.dangling.empty() ? "" : s.dangling[0]);
  EXPECT_EQ(scoreOf(s, "account").phantom_total, 0u);
  EXPECT_EQ(scoreOf(s, "grant").matched, 6u);
}

// A single capital anywhere in the UUID, one position at a time: the
// scorer's word-at-a-time test for capitals must see every byte.
TEST(CompletenessTest, AUuidWithOneCapitalAnywhereMatches) {
  const std::string lower = "abcdefab-cdef-abcd-efab-cdefabcdefab";
  mocks::TenantState tenant = smallTenant();
  tenant.groups[0].id = lower;
  tenant.reindex();
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (lower[i] == '-') continue;
    std::string id = lower;
    id[i] = static_cast<char>(id[i] - 'a' + 'A');
    ConnectorOutput out = perfectOutput();
    out.groups[0].id = id;
    out.grants[0].target = id;
    out.grants[1].target = id;
    const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
    EXPECT_TRUE(s.exact()) << id;
  }
}

TEST(CompletenessTest, CredentialOwnerUuidMatchesInAnyCase) {
  mocks::TenantState tenant = smallTenant();
  tenant.accounts[2].id = kUuidLower;
  tenant.groups[1].members[0].id = kUuidLower;
  tenant.reindex();
  ConnectorOutput out = perfectOutput();
  out.accounts[2].id = kUuidLower;
  out.grants[3].principal = kUuidLower;
  out.credentials[0].owner = kUuidUpper;
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  EXPECT_EQ(scoreOf(s, "credential").attribute_mismatches, 0u);
  EXPECT_TRUE(s.exact());
}

// Any other id is exact, as SCIM's caseExact: "ENT-READ" is another record.
TEST(CompletenessTest, NonUuidIdsMatchOnlyExactly) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  out.entitlements[1].id = "ENT-READ";
  const CompletenessScore s = scoreCompleteness(tenant, tenant, out);
  EXPECT_EQ(scoreOf(s, "entitlement").missing, std::vector<std::string>{"ent-read"});
  EXPECT_EQ(scoreOf(s, "entitlement").phantom, std::vector<std::string>{"ENT-READ"});
}

TEST(CompletenessTest, AcceptsAttributesFromEitherEndOfTheWindow) {
  mocks::TenantState end = smallTenant();
  end.accounts[0].active = false;
  ConnectorOutput saw_start = perfectOutput();
  ConnectorOutput saw_end = perfectOutput();
  saw_end.accounts[0].active = false;
  EXPECT_TRUE(scoreCompleteness(smallTenant(), end, saw_start).exact());
  EXPECT_TRUE(scoreCompleteness(smallTenant(), end, saw_end).exact());
}

// The scorer keys grants without building their text (issue #4); these pin
// that it still behaves as if it did.

TEST(CompletenessTest, GrantKeyIsTheJoinedText) {
  mocks::TenantState tenant = smallTenant();
  tenant.accounts[0].entitlements = {"x|ent-read"};  // entitlement|account|u-alice|x|ent-read
  tenant.reindex();
  ConnectorOutput out = perfectOutput();
  out.grants[5].principal = "u-alice|x";  // the same text, split elsewhere
  const auto grants = scoreOf(scoreCompleteness(tenant, tenant, out), "grant");
  EXPECT_EQ(grants.matched, 6u);
  EXPECT_EQ(grants.phantom_total, 0u);
  EXPECT_EQ(grants.missing_total, 0u);
}

TEST(CompletenessTest, ListsMissingKeysInTextOrder) {
  mocks::TenantState tenant;
  mocks::Group g;
  g.id = "g";
  for (int i = 59; i >= 0; --i) {
    const std::string id = "u-" + std::to_string(i);
    tenant.accounts.push_back(makeAccount(id, id, id, AccountType::Human, false));
  }
  // '|' sorts after letters: "u-1x|g" comes before "u-1|g".
  tenant.accounts.push_back(makeAccount("u-1x", "u-1x", "u-1x", AccountType::Human, false));
  g.members = {{"u-1", false}, {"u-1x", false}};
  tenant.groups = {g};
  tenant.reindex();
  const CompletenessScore s = scoreCompleteness(tenant, tenant, ConnectorOutput{});
  const auto accounts = scoreOf(s, "account");
  EXPECT_EQ(accounts.missing_total, 61u);
  ASSERT_EQ(accounts.missing.size(), kMaxListedIds);
  EXPECT_TRUE(std::is_sorted(accounts.missing.begin(), accounts.missing.end()));
  EXPECT_EQ(accounts.missing.front(), "u-0");
  EXPECT_EQ(accounts.missing.back(), "u-52");  // u-0, u-1, u-10..u-19, u-1x, u-2, ...
  EXPECT_EQ(scoreOf(s, "grant").missing,
            (std::vector<std::string>{"membership|account|u-1x|g", "membership|account|u-1|g"}));
}

TEST(CompletenessTest, CountsManyPhantomAndRepeatedGrants) {
  const auto tenant = smallTenant();
  ConnectorOutput out = perfectOutput();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 5000; ++i)
      addGrant(out, "membership", "account", "u-alice", "g-" + std::to_string(i));
  }
  const auto grants = scoreOf(scoreCompleteness(tenant, tenant, out), "grant");
  EXPECT_EQ(grants.phantom_total, 5000u);
  EXPECT_EQ(grants.duplicates, 5000u);
  EXPECT_EQ(grants.returned, 5006u);
  EXPECT_EQ(grants.matched, 6u);
  ASSERT_EQ(grants.phantom.size(), kMaxListedIds);
  EXPECT_EQ(grants.phantom.front(), "membership|account|u-alice|g-0");
  EXPECT_EQ(grants.phantom.back(), "membership|account|u-alice|g-49");
}

}  // namespace
}  // namespace faultline::harness
