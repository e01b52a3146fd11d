// Tenant writes in place: updateAccount and updateGroup, If-Match and the change log.
#include "mocks/tenant.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "mocks/clock.h"
#include "tests/mocks/tenant_test_util.h"

namespace faultline::mocks {
namespace {

std::vector<std::string> credentialStates(const Account& a) {
  std::vector<std::string> out;
  for (const auto& c : a.credentials) out.push_back(c.id + (c.active ? ":live" : ":dead"));
  return out;
}

TEST_F(TenantTest, UpdateAccountBumpsVersionAndStampsLastModifiedFromTheClock) {
  clock_.setMs(61'500);
  const WriteResult r = tenant_.updateAccount(
      "acc-bob",
      [](Account& a) {
        a.display_name = "Bob B.";
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(r.status, WriteStatus::Ok);
  EXPECT_EQ(r.version, 2u);
  const Account bob = account("acc-bob");
  EXPECT_EQ(bob.display_name, "Bob B.");
  EXPECT_EQ(bob.version, 2u);
  // The tenant's epoch is 2026-01-01T00:00:00Z; 61.5 s later, to the second.
  EXPECT_EQ(bob.last_modified, "2026-01-01T00:01:01Z");
  EXPECT_EQ(bob.created, "2025-10-03T00:00:00Z");
}

TEST_F(TenantTest, UpdateAccountWithMatchingIfMatchSucceeds) {
  const WriteResult r = tenant_.updateAccount(
      "acc-bob",
      [](Account& a) {
        a.emails = {{"bob@corp.test", "work", true}};
        return ok();
      },
      1, "test");

  EXPECT_EQ(r.status, WriteStatus::Ok);
  EXPECT_EQ(account("acc-bob").version, 2u);
}

TEST_F(TenantTest, UpdateAccountWithStaleIfMatchIsVersionMismatchAndChangesNothing) {
  ASSERT_EQ(tenant_
                .updateAccount(
                    "acc-bob", [](Account&) { return ok(); }, 1, "test")
                .status,
            WriteStatus::Ok);
  bool mutated = false;
  const WriteResult r = tenant_.updateAccount(
      "acc-bob",
      [&](Account& a) {
        mutated = true;
        a.display_name = "never";
        return ok();
      },
      1, "test");

  EXPECT_EQ(r.status, WriteStatus::VersionMismatch);
  EXPECT_EQ(r.message, "version mismatch: stored W/\"2\", If-Match W/\"1\"");
  EXPECT_EQ(r.version, 2u);
  EXPECT_FALSE(mutated);
  EXPECT_EQ(account("acc-bob").display_name, "bob@example.test");
  EXPECT_EQ(account("acc-bob").version, 2u);
}

TEST_F(TenantTest, UpdateAccountOnUnknownIdIsNotFound) {
  const WriteResult r = tenant_.updateAccount(
      "acc-nobody", [](Account&) { return ok(); }, std::nullopt, "test");

  EXPECT_EQ(r.status, WriteStatus::NotFound);
  EXPECT_EQ(r.message, "no account acc-nobody");
  EXPECT_TRUE(tenant_.changes().empty());
}

TEST_F(TenantTest, UpdateAccountMutatorFailureLeavesTheAccountUntouched) {
  const WriteResult r = tenant_.updateAccount(
      "acc-alice",
      [](Account& a) {
        a.display_name = "half-applied";
        a.active = false;
        return WriteResult{WriteStatus::Invalid, "nope", 0};
      },
      std::nullopt, "test");

  EXPECT_EQ(r.status, WriteStatus::Invalid);
  EXPECT_EQ(r.message, "nope");
  const Account alice = account("acc-alice");
  EXPECT_EQ(alice.display_name, "alice@example.test");
  EXPECT_TRUE(alice.active);
  EXPECT_EQ(alice.version, 1u);
  EXPECT_TRUE(tenant_.changes().empty());
}

TEST_F(TenantTest, UpdateAccountCannotChangeTheId) {
  tenant_.updateAccount(
      "acc-bob",
      [](Account& a) {
        a.id = "acc-robert";
        return ok();
      },
      std::nullopt, "test");

  const TenantState s = tenant_.snapshot();
  EXPECT_NE(s.findAccount("acc-bob"), nullptr);
  EXPECT_EQ(s.findAccount("acc-robert"), nullptr);
}

TEST_F(TenantTest, RenameToATakenUserNameIsAConflictWhateverTheCase) {
  const WriteResult r = tenant_.updateAccount(
      "acc-bob",
      [](Account& a) {
        a.user_name = "ALICE@example.test";
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(r.status, WriteStatus::Conflict);
  EXPECT_EQ(r.message, "userName \"ALICE@example.test\" is already taken");
  EXPECT_EQ(r.version, 1u);
  EXPECT_EQ(account("acc-bob").user_name, "bob@example.test");
}

TEST_F(TenantTest, RenameFreesTheOldUserNameAndIndexesTheNewOne) {
  ASSERT_EQ(tenant_
                .updateAccount(
                    "acc-alice",
                    [](Account& a) {
                      a.user_name = "Alicia@example.test";
                      return ok();
                    },
                    std::nullopt, "test")
                .status,
            WriteStatus::Ok);

  TenantState s = tenant_.snapshot();
  EXPECT_EQ(s.user_name_index.count("alice@example.test"), 0u);
  EXPECT_EQ(s.user_name_index.at("alicia@example.test"), s.account_index.at("acc-alice"));
  Account again;
  again.user_name = "alice@example.test";
  EXPECT_EQ(tenant_.createAccount(again, "test", nullptr).status, WriteStatus::Ok);
  EXPECT_EQ(describe(tenant_.changes())[0], "account.renamed acc-alice Alicia@example.test");
}

TEST_F(TenantTest, RenameThatOnlyChangesCaseIsAllowed) {
  const WriteResult r = tenant_.updateAccount(
      "acc-alice",
      [](Account& a) {
        a.user_name = "Alice@Example.test";
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(r.status, WriteStatus::Ok);
  EXPECT_EQ(account("acc-alice").user_name, "Alice@Example.test");
}

TEST_F(TenantTest, DeactivationRevokesEveryCredentialAndLogsEachOne) {
  clock_.setMs(4'250);
  tenant_.updateAccount(
      "acc-svc",
      [](Account& a) {
        a.active = false;
        return ok();
      },
      std::nullopt, "request #7");

  const Account svc = account("acc-svc");
  EXPECT_FALSE(svc.active);
  EXPECT_EQ(credentialStates(svc), (std::vector<std::string>{"key-1:dead", "key-2:dead"}));
  const std::vector<Change> changes = tenant_.changes();
  EXPECT_EQ(describe(changes), (std::vector<std::string>{"account.disabled acc-svc",
                                                         "credential.deactivated acc-svc key-1",
                                                         "credential.deactivated acc-svc key-2"}));
  for (std::size_t i = 0; i < changes.size(); ++i) {
    EXPECT_EQ(changes[i].seq, i + 1);
    EXPECT_EQ(changes[i].t_ms, 4'250);
    EXPECT_EQ(changes[i].cause, "request #7");
  }
  EXPECT_TRUE(tenant_.effectiveAccess("acc-svc").live_credentials.empty());
}

TEST_F(TenantTest, ReactivationDoesNotReviveCredentials) {
  auto setActive = [&](bool active) {
    return tenant_.updateAccount(
        "acc-svc",
        [=](Account& a) {
          a.active = active;
          return ok();
        },
        std::nullopt, "test");
  };
  setActive(false);
  setActive(true);

  const Account svc = account("acc-svc");
  EXPECT_TRUE(svc.active);
  EXPECT_EQ(svc.version, 3u);
  EXPECT_EQ(credentialStates(svc), (std::vector<std::string>{"key-1:dead", "key-2:dead"}));
  EXPECT_EQ(describe(tenant_.changes()).back(), "account.enabled acc-svc");
}

TEST_F(TenantTest, UpdateAccountLogsGrantsRevocationsAndAttributeEdits) {
  tenant_.updateAccount(
      "acc-alice",
      [](Account& a) {
        a.entitlements = {"ent-deploy", "ent-admin", "ent-deploy"};
        a.emails = {{"alice@corp.test", "work", true}};
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(account("acc-alice").entitlements,
            (std::vector<std::string>{"ent-admin", "ent-deploy"}));
  EXPECT_EQ(
      describe(tenant_.changes()),
      (std::vector<std::string>{
          "account.updated acc-alice", "entitlement.revoked acc-alice ent-read",
          "entitlement.granted acc-alice ent-admin", "entitlement.granted acc-alice ent-deploy"}));
}

TEST_F(TenantTest, CredentialChangesAreLogged) {
  tenant_.updateAccount(
      "acc-svc",
      [](Account& a) {
        a.credentials[0].active = false;
        a.credentials.erase(a.credentials.begin() + 1);
        a.credentials.push_back({"key-3", "api_key", "2026-09-01T00:00:00Z", true});
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(describe(tenant_.changes()), (std::vector<std::string>{
                                             "credential.deactivated acc-svc key-1",
                                             "credential.created acc-svc key-3",
                                             "credential.deleted acc-svc key-2",
                                         }));
}

TEST_F(TenantTest, UpdateGroupSortsAndDeduplicatesMembersAndResolvesTheirKinds) {
  const WriteResult r = tenant_.updateGroup(
      "grp-leaf",
      [](Group& g) {
        // Clients often omit a member's type: the id says what it is.
        g.members = {
            {"grp-ops", false}, {"acc-bob", false}, {"acc-alice", false}, {"acc-bob", false}};
        return ok();
      },
      std::nullopt, "test");

  ASSERT_EQ(r.status, WriteStatus::Ok);
  EXPECT_EQ(r.version, 2u);
  EXPECT_EQ(group("grp-leaf").members,
            (std::vector<Member>{{"acc-alice", false}, {"acc-bob", false}, {"grp-ops", true}}));
  EXPECT_EQ(
      describe(tenant_.changes()),
      (std::vector<std::string>{"member.added grp-leaf acc-bob", "member.added grp-leaf grp-ops"}));
}

TEST_F(TenantTest, UpdateGroupLogsRenamesRemovalsAndEntitlementChanges) {
  tenant_.updateGroup(
      "grp-ops",
      [](Group& g) {
        g.display_name = "operations";
        g.members = {{"acc-svc", false}};
        g.entitlements = {"ent-deploy"};
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(describe(tenant_.changes()),
            (std::vector<std::string>{"group.renamed grp-ops operations",
                                      "member.removed grp-ops acc-bob",
                                      "entitlement.granted grp-ops ent-deploy"}));
}

TEST_F(TenantTest, UpdateGroupLogsAnExternalIdChange) {
  tenant_.updateGroup(
      "grp-ops",
      [](Group& g) {
        g.external_id = "ext-ops";
        return ok();
      },
      std::nullopt, "test");

  EXPECT_EQ(describe(tenant_.changes()), (std::vector<std::string>{"group.updated grp-ops"}));
}

TEST_F(TenantTest, UpdateGroupWithStaleIfMatchIsVersionMismatch) {
  const WriteResult r = tenant_.updateGroup(
      "grp-ops", [](Group&) { return ok(); }, 3, "test");

  EXPECT_EQ(r.status, WriteStatus::VersionMismatch);
  EXPECT_EQ(r.message, "version mismatch: stored W/\"1\", If-Match W/\"3\"");
  EXPECT_EQ(group("grp-ops").version, 1u);
}

TEST_F(TenantTest, UpdateGroupRejectsAnUnknownMemberAndChangesNothing) {
  const WriteResult r = addMember("grp-ops", {"acc-ghost", false});

  EXPECT_EQ(r.status, WriteStatus::Invalid);
  EXPECT_EQ(r.message, "member \"acc-ghost\" does not exist");
  EXPECT_EQ(r.version, 1u);
  EXPECT_EQ(memberIds(group("grp-ops")), (std::vector<std::string>{"acc-bob", "acc-svc"}));
  EXPECT_TRUE(tenant_.changes().empty());
}

TEST_F(TenantTest, UpdateGroupRejectsAGroupContainingItself) {
  const WriteResult r = addMember("grp-top", {"grp-top", false});

  EXPECT_EQ(r.status, WriteStatus::Invalid);
  EXPECT_EQ(r.message, "a group cannot contain itself");
  EXPECT_EQ(group("grp-top").version, 1u);
}

TEST_F(TenantTest, UpdateGroupOnUnknownIdIsNotFound) {
  const WriteResult r = addMember("grp-nobody", {"acc-bob", false});

  EXPECT_EQ(r.status, WriteStatus::NotFound);
  EXPECT_EQ(r.message, "no group grp-nobody");
}

}  // namespace
}  // namespace faultline::mocks
