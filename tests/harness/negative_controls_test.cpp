// Negative controls run as drills: a flawed fixture connector (the reference
// with one planted flaw) must fail the scorer its flaw targets, and the
// reference connector must pass the same scenario and seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/drill.h"
#include "harness/manifest.h"
#include "scenarios/scenario.h"
#include "tests/harness/fixture_drill.h"

namespace faultline::harness {
namespace {

using reports::Finding;
using reports::Severity;
using reports::Verdict;

using testing::kReference;

// Each test names its own output folder: tests run in parallel.
reports::Report drill(const std::string& manifest, const std::string& scenario, std::uint64_t seed,
                      const std::string& name) {
  return testing::runFixtureDrill(manifest, scenario, seed, name);
}
std::string findingsOf(const reports::Report& r) {
  return testing::describeFindings(r);
}

std::vector<const Finding*> findingsWithId(const reports::Report& r, const std::string& id) {
  std::vector<const Finding*> out;
  for (const auto& f : r.findings) {
    if (f.id == id) out.push_back(&f);
  }
  return out;
}

bool hasClass(const reports::Report& r, const std::string& c) {
  return std::find(r.failure_classes.begin(), r.failure_classes.end(), c) !=
         r.failure_classes.end();
}

const reports::OperationReport& firstOfKind(const reports::Report& r, const std::string& kind) {
  return *std::find_if(r.operations.begin(), r.operations.end(),
                       [&](const auto& op) { return op.kind == kind; });
}

// ---- no_refresh: a rejected token ends the listing, the sync says complete ---

TEST(NegativeControlTest, NoRefreshDeclaresCompleteAfterItsTokenWasRejected) {
  const auto r = drill("tests/fixtures/connectors/no_refresh.json", "scenarios/auth_expiry.json", 1,
                       "negative-no-refresh");
  EXPECT_EQ(r.verdict, Verdict::Failed) << r.verdict_reason;
  const auto& sync = firstOfKind(r, "sync");
  EXPECT_EQ(sync.declared_status, "complete");
  EXPECT_EQ(sync.auth_trouble.rfind("last API answer 401 to GET ", 0), 0u) << sync.auth_trouble;
  const auto losses = findingsWithId(r, "silent-loss");
  const auto accounts = std::find_if(losses.begin(), losses.end(), [](const Finding* f) {
    return f->metric == "completeness.accounts";
  });
  ASSERT_NE(accounts, losses.end()) << findingsOf(r);
  EXPECT_EQ((*accounts)->severity, Severity::Critical);
  EXPECT_EQ((*accounts)->operation, sync.label);
  EXPECT_EQ((*accounts)->title.rfind("Declared complete but ", 0), 0u) << (*accounts)->title;
  for (const Finding* f : losses) EXPECT_EQ(f->policy, "") << "never excused: " << f->title;
  // The loss was caused by the rejected token: both kinds of trust broke.
  EXPECT_TRUE(hasClass(r, "partial-success")) << findingsOf(r);
  EXPECT_TRUE(hasClass(r, "authentication-failure")) << findingsOf(r);
  // It never presents the dead token again: only the honesty scorer sees the flaw.
  EXPECT_TRUE(findingsWithId(r, "rejected-token-reuse").empty()) << findingsOf(r);
}

TEST(NegativeControlTest, ReferencePassesTheScenarioNoRefreshFails) {
  const auto r = drill(kReference, "scenarios/auth_expiry.json", 1, "negative-no-refresh-ref");
  EXPECT_EQ(r.verdict, Verdict::Passed) << r.verdict_reason << "\n" << findingsOf(r);
  EXPECT_TRUE(r.failure_classes.empty());
  EXPECT_EQ(firstOfKind(r, "sync").declared_status, "complete");
  EXPECT_TRUE(findingsWithId(r, "silent-loss").empty()) << findingsOf(r);
}

// ---- time to confirmation and read-back -------------------------------------

TEST(NegativeControlTest, ReferenceReadsEveryConfirmationBackAndIsTimed) {
  const auto r = drill(kReference, "scenarios/baseline.json", 1, "negative-read-back-ref");
  const auto& revoke = firstOfKind(r, "revoke");
  ASSERT_FALSE(revoke.revocations.empty());
  for (const auto& o : revoke.revocations) {
    SCOPED_TRACE(o.action_id + " " + o.action);
    EXPECT_EQ(o.claimed, "confirmed");
    EXPECT_TRUE(o.read_back);
    ASSERT_TRUE(o.result_ms);
    EXPECT_GE(*o.result_ms, 0);
    EXPECT_LE(*o.result_ms, revoke.duration_ms);
  }
  EXPECT_TRUE(findingsWithId(r, "read-back-missing").empty()) << findingsOf(r);
  EXPECT_EQ(r.verdict, Verdict::Passed) << findingsOf(r);
}

TEST(NegativeControlTest, TrustsTwoHundredIsCaughtConfirmingWithoutReadingBack) {
  const auto r = drill("tests/fixtures/connectors/trusts_2xx.json", "scenarios/baseline.json", 1,
                       "negative-read-back-trusts-2xx");
  const auto& revoke = firstOfKind(r, "revoke");
  const auto missing = findingsWithId(r, "read-back-missing");
  // A deprovision it confirms on the PATCH's 2xx alone; the other kinds it
  // still reads the account back to look for inherited access.
  std::size_t deprovisions = 0;
  for (const auto& o : revoke.revocations) {
    SCOPED_TRACE(o.action_id + " " + o.action);
    EXPECT_EQ(o.claimed, "confirmed");
    EXPECT_TRUE(o.result_ms);
    if (o.action != "deprovision") continue;
    ++deprovisions;
    EXPECT_FALSE(o.read_back);
    const bool found = std::any_of(missing.begin(), missing.end(), [&](const Finding* f) {
      return f->title ==
             "deprovision " + o.action_id + " confirmed without reading the target back";
    });
    EXPECT_TRUE(found) << findingsOf(r);
  }
  ASSERT_GT(deprovisions, 0u);
  EXPECT_GE(missing.size(), deprovisions);
  for (const Finding* f : missing) {
    EXPECT_EQ(f->severity, Severity::Warning);
    EXPECT_EQ(f->metric, "revocation.read_back");
    EXPECT_EQ(f->operation, revoke.label);
    EXPECT_FALSE(f->evidence.journal.empty());
    EXPECT_EQ(f->evidence.connector_output.size(), 1u);
  }
}

TEST(NegativeControlTest, LogsTokenIsCaughtLeakingItsBearerToken) {
  const auto r = drill("tests/fixtures/connectors/logs_token.json", "scenarios/baseline.json", 1,
                       "negative-logs-token");
  EXPECT_EQ(r.verdict, Verdict::Failed);
  EXPECT_TRUE(hasClass(r, "credential-exposure")) << findingsOf(r);
  const auto leaks = findingsWithId(r, "secret-leak");
  ASSERT_FALSE(leaks.empty()) << findingsOf(r);
  for (const Finding* f : leaks) {
    EXPECT_EQ(f->severity, Severity::Critical);
    EXPECT_EQ(f->metric, "behaviour.secret_hygiene");
    EXPECT_NE(f->title.find("stderr"), std::string::npos) << f->title;
    // The evidence quotes the line with the token redacted, never the token.
    const bool quoted =
        std::any_of(f->evidence.connector_output.begin(), f->evidence.connector_output.end(),
                    [](const std::string& l) {
                      return l.find("Authorization: Bearer <redacted>") != std::string::npos;
                    });
    EXPECT_TRUE(quoted) << f->evidence.connector_output.size();
    for (const auto& l : f->evidence.connector_output)
      EXPECT_EQ(l.find("flt_"), std::string::npos) << l;
  }
  // Every operation ran the connector, and each one leaked.
  EXPECT_EQ(leaks.size(), r.operations.size());
}

}  // namespace
}  // namespace faultline::harness
