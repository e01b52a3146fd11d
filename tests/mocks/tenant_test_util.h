// Shared by the tenant tests (tenant_update_test.cpp, tenant_create_delete_test.cpp,
// tenant_access_test.cpp): a hand-built tenant and the TenantTest fixture over it.
//
// Not in an anonymous namespace: the TEST_Fs in every file must share one
// TenantTest type, or GoogleTest rejects the suite. Free functions are inline.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mocks/clock.h"
#include "mocks/tenant.h"

namespace faultline::mocks {

// A hand-built tenant small enough to reason about:
//   grp-top (ent-admin) > grp-mid (ent-deploy) > grp-leaf > acc-alice (ent-read)
//   grp-ops > acc-bob, acc-svc (two live API keys)
inline Account makeAccount(const std::string& id, const std::string& user_name) {
  Account a;
  a.id = id;
  a.user_name = user_name;
  a.display_name = user_name;
  a.created = a.last_modified = "2025-10-03T00:00:00Z";
  return a;
}

inline Group makeGroup(const std::string& id, std::vector<Member> members,
                       std::vector<std::string> entitlements) {
  Group g;
  g.id = id;
  g.display_name = id;
  g.members = std::move(members);
  g.entitlements = std::move(entitlements);
  g.created = g.last_modified = "2025-10-03T00:00:00Z";
  return g;
}

inline TenantState makeState() {
  TenantState s;
  for (const char* id : {"ent-admin", "ent-deploy", "ent-read"}) {
    Entitlement e;
    e.id = id;
    e.display_name = id;
    s.entitlements.push_back(e);
  }
  Account alice = makeAccount("acc-alice", "alice@example.test");
  alice.entitlements = {"ent-read"};
  Account svc = makeAccount("acc-svc", "svc-ci");
  svc.type = AccountType::Service;
  svc.credentials = {{"key-1", "api_key", "2026-06-01T00:00:00Z", true},
                     {"key-2", "api_key", "2026-07-01T00:00:00Z", true}};
  s.accounts = {alice, makeAccount("acc-bob", "bob@example.test"), svc};
  s.groups = {makeGroup("grp-top", {{"grp-mid", true}}, {"ent-admin"}),
              makeGroup("grp-mid", {{"grp-leaf", true}}, {"ent-deploy"}),
              makeGroup("grp-leaf", {{"acc-alice", false}}, {}),
              makeGroup("grp-ops", {{"acc-bob", false}, {"acc-svc", false}}, {})};
  return s;
}

// "kind object detail", so a whole change log compares in one assertion.
inline std::vector<std::string> describe(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) {
    out.push_back(c.kind + " " + c.object + (c.detail.empty() ? "" : " " + c.detail));
  }
  return out;
}

inline std::vector<std::string> memberIds(const Group& g) {
  std::vector<std::string> out;
  for (const auto& m : g.members) out.push_back(m.id);
  return out;
}

inline WriteResult ok() {
  return {};
}

class TenantTest : public ::testing::Test {
 protected:
  Account account(const std::string& id) const {
    return tenant_.read([&](const TenantState& s) { return *s.findAccount(id); });
  }
  Group group(const std::string& id) const {
    return tenant_.read([&](const TenantState& s) { return *s.findGroup(id); });
  }
  WriteResult addMember(const std::string& group_id, Member member) {
    return tenant_.updateGroup(
        group_id,
        [&](Group& g) {
          g.members.push_back(member);
          return ok();
        },
        std::nullopt, "test");
  }
  WriteResult removeMember(const std::string& group_id, const std::string& member_id) {
    return tenant_.updateGroup(
        group_id,
        [&](Group& g) {
          std::erase_if(g.members, [&](const Member& m) { return m.id == member_id; });
          return ok();
        },
        std::nullopt, "test");
  }
  // member_of must equal what a full rebuild from the groups would give.
  void expectMemberOfInStep() const {
    TenantState s = tenant_.snapshot();
    const auto stored = s.member_of;
    s.rebuildMemberOf();
    EXPECT_EQ(stored, s.member_of);
  }

  ManualClock clock_;
  Tenant tenant_{makeState(), clock_};
};

}  // namespace faultline::mocks
