// Collateral changes: what a connector's requests changed beyond what the
// revocation batch asked for.
#include "harness/scorers/collateral.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/drill.h"
#include "harness/manifest.h"
#include "scenarios/scenario.h"

namespace faultline::harness {
namespace {

mocks::Change change(const std::string& kind, const std::string& object, const std::string& detail,
                     const std::string& cause) {
  mocks::Change c;
  c.kind = kind;
  c.object = object;
  c.detail = detail;
  c.cause = cause;
  return c;
}

const std::vector<RevokeAction> kActions = {
    {"act-1", "deprovision", "u-leaver", "", false, false},
    {"act-2", "remove_membership", "u-mover", "g-admins", true, false},
    {"act-3", "remove_entitlement", "u-svc", "e-root", true, true}};

TEST(CollateralTest, WhatTheActionsAskedForIsNotCollateral) {
  const std::vector<mocks::Change> asked = {
      change("account.disabled", "u-leaver", "", "request #4"),
      change("credential.deactivated", "u-leaver", "key-1", "request #5"),
      change("member.removed", "g-sales", "u-leaver", "request #6"),
      change("member.removed", "g-admins", "u-mover", "request #7"),
      change("entitlement.revoked", "u-svc", "e-root", "request #8")};
  EXPECT_TRUE(findCollateral(asked, kActions).empty());
}

TEST(CollateralTest, EverythingElseARequestChangedIsCollateral) {
  const std::vector<mocks::Change> changes = {
      change("member.removed", "g-admins", "u-joiner", "request #9"),   // wiped a joiner
      change("member.removed", "g-sales", "u-mover", "request #10"),    // another group
      change("entitlement.revoked", "u-svc", "e-read", "request #11"),  // another grant
      change("account.disabled", "u-mover", "", "request #12"),         // wrong principal
      change("member.added", "g-admins", "u-mover", "request #13"),     // re-added
  };
  const auto found = findCollateral(changes, kActions);
  ASSERT_EQ(found.size(), 5u);
  EXPECT_EQ(found[0].describe(), "member.removed g-admins u-joiner by request #9");
  EXPECT_EQ(found[0].request, 9u);
  EXPECT_EQ(found[4].describe(), "member.added g-admins u-mover by request #13");
}

TEST(CollateralTest, AChangeUndoingTheConnectorsOwnIsAStateFlip) {
  const std::vector<mocks::Change> changes = {
      change("member.removed", "g-admins", "u-mover", "request #7"),  // asked for
      change("member.added", "g-admins", "u-mover", "request #8"),    // "compensated"
      change("member.removed", "g-admins", "u-mover", "request #9"),  // asked for again
      change("member.added", "g-sales", "u-mover", "request #10"),    // a grant, not a flip
  };
  const auto found = findCollateral(changes, kActions);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].undoes, 7u);
  EXPECT_EQ(found[0].describe(),
            "member.added g-admins u-mover by request #8 (undoing request #7: state flipped)");
  EXPECT_EQ(found[1].undoes, 0u);
  EXPECT_EQ(found[1].describe(), "member.added g-sales u-mover by request #10");
}

TEST(CollateralTest, ChangesTheTargetMadeItselfAreNeverTheConnectors) {
  const std::vector<mocks::Change> changes = {
      change("member.added", "g-admins", "u-mover", "fault revert reverting request #7"),
      change("account.created", "u-new", "", "timeline event 1 (joiner)"),
      change("member.removed", "g-1", "u-2", "generator")};
  EXPECT_TRUE(findCollateral(changes, kActions).empty());
  // A sync asks for nothing: any change its requests make is collateral.
  EXPECT_EQ(findCollateral({change("account.disabled", "u-1", "", "request #3")}, {}).size(), 1u);
}

TEST(CollateralDrillTest, OverreachingConnectorIsCaughtAndTheReferenceIsNot) {
  const std::string source = FAULTLINE_SOURCE_DIR;
  const auto scenario = scenarios::loadScenario(source + "/scenarios/baseline.json");
  for (const auto& [manifest, expect_collateral] : std::vector<std::pair<std::string, bool>>{
           {"tests/fixtures/connectors/overreach.json", true},
           {"examples/connectors/reference/manifest.json", false}}) {
    DrillOptions options;
    options.seed = 1;
    options.out_dir = std::string(FAULTLINE_BINARY_DIR) + "/test-out/collateral";
    options.connector_path = manifest;
    const auto r = runDrill(scenario, loadManifest(source + "/" + manifest), options);
    const auto f = std::find_if(r.findings.begin(), r.findings.end(),
                                [](const auto& f) { return f.id == "collateral-change"; });
    EXPECT_EQ(f != r.findings.end(), expect_collateral) << manifest;
    if (f == r.findings.end()) continue;
    EXPECT_EQ(f->severity, reports::Severity::Critical);
    EXPECT_NE(f->detail.find("member.removed "), std::string::npos) << f->detail;
    ASSERT_FALSE(f->evidence.journal.empty());
    EXPECT_NE(f->evidence.journal[0].find("PATCH /scim/v2/Groups/"), std::string::npos);
    EXPECT_EQ(r.verdict, reports::Verdict::Failed);
  }
}

}  // namespace
}  // namespace faultline::harness
