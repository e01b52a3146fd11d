#include "mocks/fault_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mocks/mock_server.h"
#include "scenarios/fault_plan.h"
#include "tests/mocks/scim_wire_util.h"

namespace faultline::mocks {
namespace {

using scenarios::FaultKind;
using scenarios::FaultRule;
using scenarios::Range;

constexpr std::uint64_t kSeed = 77;

FaultRule rule(const std::string& id, FaultKind kind) {
  FaultRule r;
  r.id = id;
  r.kind = kind;
  if (kind == FaultKind::RateLimit) r.status = 429;
  if (kind == FaultKind::ServerError) r.status = 503;
  return r;
}

// GET /scim/v2/Users list page `page` (page size 10), by `client`.
FaultRequest listPage(long long page, const std::string& client = "tok-1") {
  FaultRequest q;
  q.method = "GET";
  q.path = "/scim/v2/Users";
  q.query = "startIndex=" + std::to_string((page - 1) * 10 + 1) + "&count=10";
  q.resource = "Users";
  q.page = page;
  q.client = client;
  return q;
}

FaultRequest item(const std::string& method, const std::string& resource, const std::string& id) {
  FaultRequest q;
  q.method = method;
  q.path = "/scim/v2/" + resource + "/" + id;
  q.resource = resource;
  q.id = id;
  q.client = "tok-1";
  return q;
}

std::vector<std::string> firedIds(const FaultDecision& d) {
  std::vector<std::string> out;
  for (const auto* r : d.fired) out.push_back(r->id);
  return out;
}

MockResponse okJson(const std::string& body) {
  MockResponse r;
  r.body = body;
  return r;
}

// ---- kill_connector ----

TEST(FaultEngineTest, KillConnectorLetsMatchesThroughThenFiresOnce) {
  FaultRule r = rule("die", FaultKind::KillConnector);
  r.match.methods = {"PATCH"};
  r.after_matches = 2;
  r.max_fires = 1;
  FaultEngine engine({r}, kSeed);
  std::vector<bool> fired;
  for (int i = 1; i <= 5; ++i) {
    EXPECT_TRUE(engine.decide(item("GET", "Groups", "g" + std::to_string(i))).fired.empty());
    fired.push_back(engine.decide(item("PATCH", "Groups", "g" + std::to_string(i)))
                        .firedKind(FaultKind::KillConnector));
  }
  EXPECT_EQ(fired, (std::vector<bool>{false, false, true, false, false}));
  EXPECT_EQ(engine.firings().at("die"), 1);
}

// ---- determinism ----

std::vector<bool> fireSequence(std::uint64_t seed) {
  FaultRule r = rule("flaky", FaultKind::ServerError);
  r.match.probability = 0.3;
  FaultEngine engine({r}, seed);
  std::vector<bool> fired;
  for (int i = 1; i <= 1000; ++i) {
    FaultRequest q = listPage(i);
    q.ordinal = static_cast<std::uint64_t>(i);
    fired.push_back(!engine.decide(q).fired.empty());
  }
  return fired;
}

TEST(FaultEngineTest, SameSeedAndRequestsFireIdentically) {
  EXPECT_EQ(fireSequence(kSeed), fireSequence(kSeed));
}

TEST(FaultEngineTest, DifferentSeedFiresDifferently) {
  EXPECT_NE(fireSequence(kSeed), fireSequence(kSeed + 1));
}

TEST(FaultEngineTest, FiringShareIsNearTheProbability) {
  const auto fired = fireSequence(kSeed);
  const auto hits = std::count(fired.begin(), fired.end(), true);
  // 1,000 draws at p = 0.3: the standard deviation is about 14.5.
  EXPECT_GE(hits, 250);
  EXPECT_LE(hits, 350);
}

TEST(FaultEngineTest, DecisionDependsOnTheRequestNotOnItsOrdinalOrClock) {
  FaultRule r = rule("flaky", FaultKind::ServerError);
  r.match.probability = 0.5;
  const FaultEngine engine({r}, kSeed);
  for (int page = 1; page <= 50; ++page) {
    FaultRequest a = listPage(page);
    FaultRequest b = listPage(page, "tok-9");
    b.ordinal = 1000 + page;
    b.t_ms = 99'999;
    EXPECT_EQ(engine.matches(r, a, 1), engine.matches(r, b, 1)) << "page " << page;
  }
}

TEST(FaultEngineTest, ProbabilityZeroNeverFires) {
  FaultRule r = rule("never", FaultKind::ServerError);
  r.match.probability = 0.0;
  FaultEngine engine({r}, kSeed);
  for (int i = 1; i <= 200; ++i) EXPECT_TRUE(engine.decide(listPage(i)).fired.empty());
  EXPECT_EQ(engine.firings().at("never"), 0);
}

// ---- match criteria ----

TEST(FaultEngineTest, MatchesOnMethod) {
  FaultRule r = rule("m", FaultKind::ServerError);
  r.match.methods = {"PATCH", "DELETE"};
  const FaultEngine engine({r}, kSeed);
  EXPECT_TRUE(engine.matches(r, item("PATCH", "Users", "u-1"), 1));
  EXPECT_TRUE(engine.matches(r, item("DELETE", "Users", "u-1"), 1));
  EXPECT_FALSE(engine.matches(r, item("GET", "Users", "u-1"), 1));
  EXPECT_FALSE(engine.matches(r, item("PUT", "Users", "u-1"), 1));
}

TEST(FaultEngineTest, MatchesOnResource) {
  FaultRule r = rule("m", FaultKind::ServerError);
  r.match.resource = "Groups";
  const FaultEngine engine({r}, kSeed);
  EXPECT_TRUE(engine.matches(r, item("GET", "Groups", "g-1"), 1));
  EXPECT_FALSE(engine.matches(r, item("GET", "Users", "u-1"), 1));
  EXPECT_FALSE(engine.matches(r, listPage(1), 1));
}

TEST(FaultEngineTest, MatchesOnResourceId) {
  FaultRule r = rule("m", FaultKind::ServerError);
  r.match.id = "u-7";
  const FaultEngine engine({r}, kSeed);
  EXPECT_TRUE(engine.matches(r, item("GET", "Users", "u-7"), 1));
  EXPECT_FALSE(engine.matches(r, item("GET", "Users", "u-70"), 1));
  EXPECT_FALSE(engine.matches(r, listPage(1), 1));
}

TEST(FaultEngineTest, MatchesOnPageRangeOnlyForListRequests) {
  FaultRule r = rule("m", FaultKind::ServerError);
  r.match.page = Range{2, 3};
  const FaultEngine engine({r}, kSeed);
  EXPECT_FALSE(engine.matches(r, listPage(1), 1));
  EXPECT_TRUE(engine.matches(r, listPage(2), 1));
  EXPECT_TRUE(engine.matches(r, listPage(3), 1));
  EXPECT_FALSE(engine.matches(r, listPage(4), 1));
  EXPECT_FALSE(engine.matches(r, item("GET", "Users", "u-1"), 1));
}

TEST(FaultEngineTest, MatchesOnOrdinalRange) {
  FaultRule r = rule("m", FaultKind::RevokeToken);
  r.match.ordinal = Range{4, 5};
  const FaultEngine engine({r}, kSeed);
  for (std::uint64_t n = 1; n <= 7; ++n) {
    FaultRequest q = listPage(1);
    q.ordinal = n;
    EXPECT_EQ(engine.matches(r, q, 1), n == 4 || n == 5) << "ordinal " << n;
  }
}

TEST(FaultEngineTest, ThirdIdenticalRequestIsAttemptThree) {
  FaultRule r = rule("third", FaultKind::ServerError);
  r.match.attempt = Range{3, 3};
  FaultEngine engine({r}, kSeed);
  EXPECT_TRUE(engine.decide(listPage(1)).fired.empty());
  EXPECT_TRUE(engine.decide(listPage(2)).fired.empty());           // another request: its own count
  EXPECT_TRUE(engine.decide(listPage(1, "tok-2")).fired.empty());  // attempts ignore the client
  EXPECT_EQ(firedIds(engine.decide(listPage(1))), std::vector<std::string>{"third"});
  EXPECT_TRUE(engine.decide(listPage(1)).fired.empty());
  EXPECT_TRUE(engine.decide(listPage(2)).fired.empty());
  EXPECT_EQ(firedIds(engine.decide(listPage(2))), std::vector<std::string>{"third"});
}

TEST(FaultEngineTest, MatchesOnDrillClockWindowInclusive) {
  FaultRule r = rule("m", FaultKind::ServerError);
  r.match.window_ms = Range{1000, 2000};
  const FaultEngine engine({r}, kSeed);
  for (std::int64_t t : {0, 999, 1000, 1500, 2000, 2001}) {
    FaultRequest q = listPage(1);
    q.t_ms = t;
    EXPECT_EQ(engine.matches(r, q, 1), t >= 1000 && t <= 2000) << "t_ms " << t;
  }
}

TEST(FaultEngineTest, OnlyTokenEndpointErrorHitsTheTokenEndpoint) {
  FaultRule te = rule("te", FaultKind::TokenEndpointError);
  te.status = 401;
  const FaultRule se = rule("se", FaultKind::ServerError);
  const FaultEngine engine({te, se}, kSeed);
  FaultRequest token;
  token.method = "POST";
  token.path = "/oauth2/token";
  token.resource = "token";
  EXPECT_TRUE(engine.matches(te, token, 1));
  EXPECT_FALSE(engine.matches(se, token, 1));
  EXPECT_FALSE(engine.matches(te, listPage(1), 1));
}

// ---- counters ----

TEST(FaultEngineTest, MaxFiresCapsFirings) {
  FaultRule r = rule("twice", FaultKind::ServerError);
  r.max_fires = 2;
  FaultEngine engine({r}, kSeed);
  int fired = 0;
  for (int i = 1; i <= 5; ++i) fired += engine.decide(listPage(i)).fired.empty() ? 0 : 1;
  EXPECT_EQ(fired, 2);
  EXPECT_EQ(engine.firings(), (std::map<std::string, int>{{"twice", 2}}));
}

TEST(FaultEngineTest, FiringsListsEveryRuleIncludingUnfired) {
  FaultRule users = rule("users", FaultKind::ServerError);
  users.match.resource = "Users";
  FaultRule groups = rule("groups", FaultKind::ServerError);
  groups.match.resource = "Groups";
  FaultEngine engine({users, groups}, kSeed);
  engine.decide(listPage(1));
  engine.decide(listPage(2));
  EXPECT_EQ(engine.firings(), (std::map<std::string, int>{{"groups", 0}, {"users", 2}}));
}

TEST(FaultEngineTest, OnlyTheFirstPreResponseRuleInPlanOrderAnswers) {
  FaultRule first = rule("first", FaultKind::ServerError);
  first.match.page = Range{1, 1};
  const FaultRule second = rule("second", FaultKind::RateLimit);
  FaultEngine engine({first, second}, kSeed);

  const FaultDecision d1 = engine.decide(listPage(1));
  EXPECT_EQ(firedIds(d1), std::vector<std::string>{"first"});
  const auto answer = engine.preResponse(d1, listPage(1), scimWire());
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 503);
  EXPECT_EQ(answer->note, "fault first (server_error): 503");

  const FaultDecision d2 = engine.decide(listPage(2));  // "first" does not match page 2
  EXPECT_EQ(firedIds(d2), std::vector<std::string>{"second"});
  EXPECT_EQ(engine.preResponse(d2, listPage(2), scimWire())->status, 429);
  EXPECT_EQ(engine.firings(), (std::map<std::string, int>{{"first", 1}, {"second", 1}}));
}

TEST(FaultEngineTest, PostResponseRulesRideAlongButCountOnlyWhenApplied) {
  const FaultRule pre = rule("pre", FaultKind::ServerError);
  FaultRule rename = rule("rename", FaultKind::RenameAttribute);
  rename.from = "userName";
  rename.to = "login";
  FaultEngine engine({pre, rename}, kSeed);
  const FaultDecision d = engine.decide(listPage(1));
  EXPECT_EQ(firedIds(d), (std::vector<std::string>{"pre", "rename"}));
  EXPECT_TRUE(engine.preResponse(d, listPage(1), scimWire()).has_value());
  // The server answers with the pre-response and never calls rewrite().
  EXPECT_EQ(engine.firings(), (std::map<std::string, int>{{"pre", 1}, {"rename", 0}}));
}

TEST(FaultEngineTest, NoPreResponseWhenOnlyPostRulesFired) {
  FaultEngine engine({rule("empty", FaultKind::EmptyPage)}, kSeed);
  const FaultDecision d = engine.decide(listPage(1));
  EXPECT_EQ(firedIds(d), std::vector<std::string>{"empty"});
  EXPECT_FALSE(engine.preResponse(d, listPage(1), scimWire()).has_value());
}

// ---- Retry-After bookkeeping ----

class FaultEngineRetryAfterTest : public ::testing::Test {
 protected:
  FaultEngineRetryAfterTest() : engine_({limitPageOne()}, kSeed) {}

  static FaultRule limitPageOne() {
    FaultRule r = rule("limit", FaultKind::RateLimit);
    r.retry_after_seconds = 2;
    r.match.page = Range{1, 1};
    r.match.attempt = Range{1, 1};
    return r;
  }
  FaultDecision at(std::int64_t t_ms, long long page, const std::string& client) {
    FaultRequest q = listPage(page, client);
    q.t_ms = t_ms;
    return engine_.decide(q);
  }

  FaultEngine engine_;
};

TEST_F(FaultEngineRetryAfterTest, RequestBeforeTheDeadlineIsMarkedAndCounted) {
  const FaultDecision limited = at(1000, 1, "tok-1");
  EXPECT_EQ(firedIds(limited), std::vector<std::string>{"limit"});
  EXPECT_EQ(limited.note, "");
  const FaultDecision early = at(1500, 2, "tok-1");
  EXPECT_EQ(early.note, "retry-after violation: 1500 ms early");
  EXPECT_EQ(at(2999, 1, "tok-1").note, "retry-after violation: 1 ms early");
  EXPECT_EQ(engine_.retryAfterViolations(), 2u);
}

TEST_F(FaultEngineRetryAfterTest, RequestAtOrAfterTheDeadlineIsNotAViolation) {
  at(1000, 1, "tok-1");
  EXPECT_EQ(at(3000, 1, "tok-1").note, "");
  EXPECT_EQ(at(4000, 2, "tok-1").note, "");
  EXPECT_EQ(engine_.retryAfterViolations(), 0u);
}

TEST_F(FaultEngineRetryAfterTest, AnotherClientIsNotBoundByTheDeadline) {
  at(1000, 1, "tok-1");
  EXPECT_EQ(at(1100, 2, "tok-2").note, "");
  EXPECT_EQ(at(1200, 2, "").note, "");
  EXPECT_EQ(engine_.retryAfterViolations(), 0u);
}

// ---- rewrites ----

constexpr const char* kPage =
    R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":5,)"
    R"("startIndex":1,"itemsPerPage":3,"Resources":[{"id":"a","userName":"ann"},)"
    R"({"id":"b","userName":"bob"},{"id":"c","active":true}]})";

// Decides one list request with `rules` and rewrites `body` as the server would.
struct Rewritten {
  std::string body;
  std::string what;
  std::map<std::string, int> firings;
};

Rewritten rewriteWith(std::vector<FaultRule> rules, const std::string& body, int status = 200) {
  FaultEngine engine(std::move(rules), kSeed);
  const FaultDecision d = engine.decide(listPage(1));
  MockResponse response = okJson(body);
  response.status = status;
  Rewritten out;
  out.what = engine.rewrite(d, response, scimWire());
  out.body = response.body;
  out.firings = engine.firings();
  return out;
}

TEST(FaultEngineRewriteTest, ShortPageDropsItemsFromTheEndAndFixesItemsPerPage) {
  FaultRule r = rule("short", FaultKind::ShortPage);
  r.drop = 2;
  const Rewritten out = rewriteWith({r}, kPage);
  EXPECT_EQ(out.body,
            R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":5,)"
            R"("startIndex":1,"itemsPerPage":1,"Resources":[{"id":"a","userName":"ann"}]})");
  EXPECT_EQ(out.what, "fault short (short_page): dropped 2 item(s)");
  EXPECT_EQ(out.firings.at("short"), 1);
}

TEST(FaultEngineRewriteTest, ShortPageDropsAtMostTheItemsThereAre) {
  FaultRule r = rule("short", FaultKind::ShortPage);
  r.drop = 50;
  const Rewritten out = rewriteWith({r}, kPage);
  EXPECT_EQ(out.body,
            R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":5,)"
            R"("startIndex":1,"itemsPerPage":0,"Resources":[]})");
  EXPECT_EQ(out.what, "fault short (short_page): dropped 3 item(s)");
}

TEST(FaultEngineRewriteTest, EmptyPageKeepsTotalResults) {
  const Rewritten out = rewriteWith({rule("empty", FaultKind::EmptyPage)}, kPage);
  EXPECT_EQ(out.body,
            R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":5,)"
            R"("startIndex":1,"itemsPerPage":0,"Resources":[]})");
  EXPECT_EQ(out.what, "fault empty (empty_page): emptied the page");
  EXPECT_EQ(out.firings.at("empty"), 1);
}

TEST(FaultEngineRewriteTest, TotalResultsLieReplacesOnlyTheTotal) {
  FaultRule r = rule("lie", FaultKind::TotalResultsLie);
  r.total_results = 1000;
  const Rewritten out = rewriteWith({r}, kPage);
  std::string expected = kPage;
  expected.replace(expected.find("\"totalResults\":5"), 16, "\"totalResults\":1000");
  EXPECT_EQ(out.body, expected);
  EXPECT_EQ(out.what, "fault lie (total_results_lie): total 5 -> 1000");
  EXPECT_EQ(out.firings.at("lie"), 1);
}

TEST(FaultEngineRewriteTest, TruncateBodyKeepsTheFirstHalfOfTheBytes) {
  const std::string body = kPage;
  const Rewritten out = rewriteWith({rule("cut", FaultKind::TruncateBody)}, body);
  EXPECT_EQ(out.body, body.substr(0, body.size() / 2));
  EXPECT_EQ(out.what,
            "fault cut (truncate_body): body cut to " + std::to_string(body.size() / 2) + " bytes");
  EXPECT_EQ(out.firings.at("cut"), 1);
}

TEST(FaultEngineRewriteTest, TruncateBodyCutsTheAlreadyRewrittenText) {
  FaultRule lie = rule("lie", FaultKind::TotalResultsLie);
  lie.total_results = 1000;
  const Rewritten lied = rewriteWith({lie}, kPage);
  const Rewritten both = rewriteWith({rule("cut", FaultKind::TruncateBody), lie}, kPage);
  EXPECT_EQ(both.body, lied.body.substr(0, lied.body.size() / 2));
  EXPECT_EQ(both.firings, (std::map<std::string, int>{{"cut", 1}, {"lie", 1}}));
}

TEST(FaultEngineRewriteTest, RenameAttributeRenamesInEveryResourceOfAList) {
  FaultRule r = rule("drift", FaultKind::RenameAttribute);
  r.from = "userName";
  r.to = "login";
  const Rewritten out = rewriteWith({r}, kPage);
  EXPECT_EQ(out.body,
            R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":5,)"
            R"("startIndex":1,"itemsPerPage":3,"Resources":[{"id":"a","login":"ann"},)"
            R"({"id":"b","login":"bob"},{"id":"c","active":true}]})");
  EXPECT_EQ(out.what, "fault drift (rename_attribute): renamed userName -> login");
  EXPECT_EQ(out.firings.at("drift"), 1);
}

TEST(FaultEngineRewriteTest, RenameAttributeRenamesInASingleResource) {
  FaultRule r = rule("drift", FaultKind::RenameAttribute);
  r.from = "userName";
  r.to = "login";
  const Rewritten out = rewriteWith({r}, R"({"id":"a","userName":"ann","active":true})");
  EXPECT_EQ(out.body, R"({"id":"a","active":true,"login":"ann"})");
  EXPECT_EQ(out.firings.at("drift"), 1);
}

// Post-response rules that change nothing leave the bytes alone and are not
// counted: a drill must not believe a connector met a fault it never saw.

TEST(FaultEngineRewriteTest, RenameOfAnAbsentAttributeChangesNothing) {
  FaultRule r = rule("drift", FaultKind::RenameAttribute);
  r.from = "nickName";
  r.to = "alias";
  const std::string body = R"({"schemas":["x"],"id":"a","userName":"ann"})";
  const Rewritten out = rewriteWith({r}, body);
  EXPECT_EQ(out.body, body);
  EXPECT_EQ(out.what, "");
  EXPECT_EQ(out.firings.at("drift"), 0);
}

TEST(FaultEngineRewriteTest, ListRewritesOfANonListBodyChangeNothing) {
  FaultRule lie = rule("lie", FaultKind::TotalResultsLie);
  lie.total_results = 9;
  const std::string body = R"({"schemas":["x"],"id":"a","userName":"ann"})";
  const Rewritten out = rewriteWith(
      {rule("short", FaultKind::ShortPage), rule("empty", FaultKind::EmptyPage), lie}, body);
  EXPECT_EQ(out.body, body);
  EXPECT_EQ(out.what, "");
  EXPECT_EQ(out.firings, (std::map<std::string, int>{{"empty", 0}, {"lie", 0}, {"short", 0}}));
}

TEST(FaultEngineRewriteTest, PageRewritesOfAnAlreadyEmptyPageChangeNothing) {
  const std::string body =
      R"({"schemas":["x"],"totalResults":5,"startIndex":6,"itemsPerPage":0,"Resources":[]})";
  FaultRule lie = rule("lie", FaultKind::TotalResultsLie);
  lie.total_results = 5;  // the truth
  const Rewritten out = rewriteWith(
      {rule("short", FaultKind::ShortPage), rule("empty", FaultKind::EmptyPage), lie}, body);
  EXPECT_EQ(out.body, body);
  EXPECT_EQ(out.what, "");
  EXPECT_EQ(out.firings, (std::map<std::string, int>{{"empty", 0}, {"lie", 0}, {"short", 0}}));
}

TEST(FaultEngineRewriteTest, NonSuccessResponsesAreNotRewritten) {
  const std::string error = R"({"schemas":["x"],"status":"404","detail":"User u-9 not found"})";
  const Rewritten out = rewriteWith(
      {rule("cut", FaultKind::TruncateBody), rule("empty", FaultKind::EmptyPage)}, error, 404);
  EXPECT_EQ(out.body, error);
  EXPECT_EQ(out.what, "");
  EXPECT_EQ(out.firings, (std::map<std::string, int>{{"cut", 0}, {"empty", 0}}));
}

TEST(FaultEngineRewriteTest, UnappliedPostRuleKeepsItsMaxFiresBudget) {
  FaultRule r = rule("drift", FaultKind::RenameAttribute);
  r.from = "userName";
  r.to = "login";
  r.max_fires = 1;
  FaultEngine engine({r}, kSeed);
  MockResponse absent = okJson(R"({"id":"c","active":true})");
  engine.rewrite(engine.decide(listPage(1)), absent, scimWire());
  MockResponse present = okJson(R"({"id":"a","userName":"ann"})");
  EXPECT_NE(engine.rewrite(engine.decide(listPage(2)), present, scimWire()), "");
  EXPECT_TRUE(engine.decide(listPage(3)).fired.empty());  // budget spent now
  EXPECT_EQ(engine.firings().at("drift"), 1);
}

}  // namespace
}  // namespace faultline::mocks
