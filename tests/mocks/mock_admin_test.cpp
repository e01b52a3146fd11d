// faultline mock's admin API over real HTTP: a MockTarget on 127.0.0.1 port 0
// with the admin installed, driven by cpp-httplib's client. Asserts what the
// admin answers and what the target API then does.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/clock.h"
#include "mocks/fault_engine.h"
#include "mocks/mock_admin.h"
#include "mocks/mock_target.h"
#include "scenarios/dialects.h"
#include "scenarios/scenario.h"

namespace faultline::mocks {
namespace {

using nlohmann::json;

constexpr const char* kScenario = R"({
  "faultline_scenario": 1, "name": "admin-test", "seed": 5,
  "tenant": {"accounts": 6, "groups": 2, "entitlements": 2, "nesting_depth": 1},
  "target": {"dialect": "scim"},
  "operations": [{"op": "sync"}],
  "faults": [
    {"id": "groups-503", "kind": "server_error", "status": 503, "match": {"resource": "Groups"}}
  ]
})";

struct Reply {
  int status = 0;
  json body;
  std::string text;
};

Reply toReply(const httplib::Result& r) {
  Reply out;
  if (!r) return out;
  out.status = r->status;
  out.text = r->body;
  out.body = json::parse(r->body, nullptr, false);
  return out;
}

class MockAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const scenarios::Scenario scenario = scenarios::parseScenario(kScenario, "admin-test.json");
    target_ = std::make_unique<MockTarget>(scenario, scenario.seed, clock_);
    target_->attachFaultEngine();
    std::map<std::string, MockAdmin::RuleSource> sources;
    const json doc = json::parse(kScenario);
    for (const auto& rule : doc["faults"])
      sources[rule["id"].get<std::string>()] = {rule, "scenario"};
    admin_ = std::make_unique<MockAdmin>(
        *target_,
        MockAdmin::Options{MockAdmin::newToken(), scenarios::findDialect("scim"), "admin-test", 5,
                           [this](const std::string& what) { changes_.push_back(what); }},
        std::move(sources));
    admin_->install();
    target_->start();
    const std::string token_url = target_->tokenUrl();
    origin_ = token_url.substr(0, token_url.find('/', std::string("http://").size()));
    token_path_ = token_url.substr(origin_.size());
    token_ = newToken();
  }
  void TearDown() override { target_->stop(); }

  httplib::Client client() const {
    httplib::Client c(origin_);
    c.set_keep_alive(false);
    return c;
  }
  std::string newToken() const {
    httplib::Client c = client();
    c.set_basic_auth(target_->client().client_id, target_->client().client_secret);
    const Reply r = toReply(
        c.Post(token_path_, "grant_type=client_credentials", "application/x-www-form-urlencoded"));
    EXPECT_EQ(r.status, 200) << r.text;
    return r.body.is_object() ? r.body.value("access_token", "") : "";
  }
  httplib::Headers bearer(const std::string& token) const {
    return {{"Authorization", "Bearer " + token}};
  }
  Reply api(const std::string& path, const std::string& token) const {
    return toReply(client().Get("/scim/v2" + path, bearer(token)));
  }
  Reply api(const std::string& path) const { return api(path, token_); }
  Reply adminGet(const std::string& path, const std::string& token) const {
    return toReply(client().Get("/__faultline" + path, bearer(token)));
  }
  Reply adminGet(const std::string& path) const { return adminGet(path, admin_->token()); }
  Reply adminPost(const std::string& path, const std::string& body = "") const {
    return toReply(
        client().Post("/__faultline" + path, bearer(admin_->token()), body, "application/json"));
  }
  Reply adminPatch(const std::string& path, const std::string& body) const {
    return toReply(
        client().Patch("/__faultline" + path, bearer(admin_->token()), body, "application/json"));
  }

  ManualClock clock_;
  std::unique_ptr<MockTarget> target_;
  std::unique_ptr<MockAdmin> admin_;
  std::vector<std::string> changes_;
  std::string origin_;
  std::string token_path_;
  std::string token_;
};

// ---- the token ----

TEST_F(MockAdminTest, AdminTokenIsRefusedByTheTargetApi) {
  EXPECT_EQ(api("/Users", admin_->token()).status, 401);
  EXPECT_EQ(api("/Users").status, 200);
}

TEST_F(MockAdminTest, TargetTokenAndClientSecretAreRefusedByTheAdminApi) {
  const Reply with_target_token = adminGet("/rules", token_);
  EXPECT_EQ(with_target_token.status, 401);
  EXPECT_NE(with_target_token.body.value("error", "").find("admin token"), std::string::npos);
  EXPECT_EQ(adminGet("/rules", target_->client().client_secret).status, 401);
  EXPECT_EQ(toReply(client().Get("/__faultline/rules")).status, 401);
  EXPECT_EQ(adminGet("/rules").status, 200);
}

TEST_F(MockAdminTest, EachAdminGetsItsOwnRandomToken) {
  const std::string a = MockAdmin::newToken(), b = MockAdmin::newToken();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind("fla_", 0), 0u);
  EXPECT_EQ(a.size(), 4u + 64u);
}

TEST_F(MockAdminTest, AdminRequestsAreNotJournaledNorCounted) {
  const std::uint64_t before = target_->journal().lastSeq();
  adminGet("/rules");
  adminGet("/journal");
  adminGet("/no-such-endpoint");
  toReply(client().Get("/__faultline/rules"));  // refused for its token
  EXPECT_EQ(target_->journal().lastSeq(), before);
}

TEST_F(MockAdminTest, UnknownEndpointAndWrongMethodAreRefused) {
  EXPECT_EQ(adminGet("/nothing").status, 404);
  const Reply wrong = adminPost("/journal");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.body.value("error", ""), "method not allowed here; allowed: GET");
  EXPECT_EQ(adminGet("/").body.value("scenario", ""), "admin-test");
}

// ---- the journal ----

TEST_F(MockAdminTest, JournalFiltersByPathStatusFaultSinceAndLimit) {
  api("/Users?count=2");   // 200
  api("/Groups");          // 503 from groups-503
  api("/Users/nobody");    // 404
  api("/Groups?count=1");  // 503
  auto seqs = [](const Reply& r) {
    std::vector<std::uint64_t> out;
    for (const auto& e : r.body["entries"]) out.push_back(e["seq"].get<std::uint64_t>());
    return out;
  };
  const Reply all = adminGet("/journal");
  ASSERT_EQ(all.status, 200) << all.text;
  EXPECT_EQ(seqs(all), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));  // 1: the token request
  EXPECT_EQ(seqs(adminGet("/journal?path=/Groups")), (std::vector<std::uint64_t>{3, 5}));
  EXPECT_EQ(seqs(adminGet("/journal?status=404")), (std::vector<std::uint64_t>{4}));
  EXPECT_EQ(seqs(adminGet("/journal?status=5xx")), (std::vector<std::uint64_t>{3, 5}));
  EXPECT_EQ(seqs(adminGet("/journal?kind=server_error")), (std::vector<std::uint64_t>{3, 5}));
  EXPECT_EQ(seqs(adminGet("/journal?rule=groups-503&since=3")), (std::vector<std::uint64_t>{5}));
  EXPECT_TRUE(adminGet("/journal?kind=rate_limit").body["entries"].empty());
  const Reply page = adminGet("/journal?since=1&limit=2");
  EXPECT_EQ(seqs(page), (std::vector<std::uint64_t>{2, 3}));
  EXPECT_EQ(page.body["more"], true);
  EXPECT_EQ(page.body["next_since"], 3);
  EXPECT_EQ(page.body["last_seq"], 5);
  EXPECT_EQ(all.body["entries"][2]["faults"][0]["rule"], "groups-503");
}

TEST_F(MockAdminTest, JournalRefusesABadParameterByName) {
  EXPECT_EQ(adminGet("/journal?status=abc").body.value("error", ""),
            "status: must be an HTTP status (100 to 599) or a class such as 4xx, got \"abc\"");
  EXPECT_EQ(adminGet("/journal?limit=0").status, 400);
  EXPECT_EQ(adminGet("/journal?kind=no_such").body.value("error", ""),
            "kind: unknown fault kind \"no_such\"");
  EXPECT_EQ(adminGet("/journal?colour=red").body.value("error", ""),
            "unknown parameter \"colour\"; allowed: path, status, kind, rule, since, limit");
}

// ---- rules ----

TEST_F(MockAdminTest, ListsRulesWithTheirStateAndSource) {
  api("/Groups");
  const Reply r = adminGet("/rules");
  ASSERT_EQ(r.body["rules"].size(), 1u) << r.text;
  const json& rule = r.body["rules"][0];
  EXPECT_EQ(rule["id"], "groups-503");
  EXPECT_EQ(rule["kind"], "server_error");
  EXPECT_EQ(rule["enabled"], true);
  EXPECT_EQ(rule["fires"], 1);
  EXPECT_EQ(rule["origin"], "scenario");
  EXPECT_EQ(rule["rule"]["status"], 503);
  EXPECT_EQ(adminGet("/rules/nope").status, 404);
}

TEST_F(MockAdminTest, DisablingARuleChangesWhatTheNextRequestSees) {
  EXPECT_EQ(api("/Groups").status, 503);
  const Reply off = adminPost("/rules/groups-503/disable");
  EXPECT_EQ(off.status, 200);
  EXPECT_EQ(off.body["enabled"], false);
  EXPECT_EQ(api("/Groups").status, 200);
  EXPECT_EQ(adminPost("/rules/groups-503/enable").body["enabled"], true);
  EXPECT_EQ(api("/Groups").status, 503);
  EXPECT_EQ(adminPost("/rules/nope/enable").status, 404);
  EXPECT_EQ(changes_,
            (std::vector<std::string>{"rule groups-503 disabled", "rule groups-503 enabled"}));
  EXPECT_EQ(target_->faults().firings().at("groups-503"), 2);
}

TEST_F(MockAdminTest, ChangedParametersApplyAndTheRuleKeepsItsCounters) {
  EXPECT_EQ(api("/Groups").status, 503);
  const Reply changed = adminPatch("/rules/groups-503", R"({"status": 502, "body": "html"})");
  ASSERT_EQ(changed.status, 200) << changed.text;
  EXPECT_EQ(changed.body["version"], 2);
  EXPECT_EQ(changed.body["fires"], 1);
  EXPECT_EQ(changed.body["rule"]["status"], 502);
  const Reply next = api("/Groups");
  EXPECT_EQ(next.status, 502);
  EXPECT_NE(next.text.find("<html>"), std::string::npos);
  EXPECT_EQ(adminGet("/rules/groups-503").body["fires"], 2);
}

TEST_F(MockAdminTest, BadParameterIsRefusedWith400NamingItsPointer) {
  const Reply bad =
      adminPatch("/rules/groups-503", R"({"status": 418, "match": {"probability": 2}})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["issues"],
            json::parse(
                R"([{"pointer": "/match/probability", "message": "must be in [0,1], got 2"},
                    {"pointer": "/status", "message": "must be one of 500, 502, 503, 504, got 418"}])"))
      << bad.text;
  EXPECT_EQ(
      adminPatch("/rules/groups-503", R"({"kind": "rate_limit"})").body["issues"][0]["pointer"],
      "/kind");
  EXPECT_EQ(adminPatch("/rules/groups-503", R"({"colour": 1})").body["issues"][0]["pointer"],
            "/colour");
  EXPECT_EQ(adminPatch("/rules/groups-503", "{not json").status, 400);
  // Nothing changed: the rule still answers 503.
  EXPECT_EQ(adminGet("/rules/groups-503").body["version"], 1);
  EXPECT_EQ(api("/Groups").status, 503);
}

TEST_F(MockAdminTest, AddedRuleFiresOnTheNextRequest) {
  EXPECT_EQ(api("/Users").status, 200);
  const Reply added =
      adminPost("/rules", R"({"id": "users-429", "kind": "rate_limit", "retry_after_seconds": 2,
                   "match": {"resource": "Users"}})");
  ASSERT_EQ(added.status, 201) << added.text;
  EXPECT_EQ(added.body["origin"], "admin");
  const Reply limited = api("/Users");
  EXPECT_EQ(limited.status, 429);
  const auto entries = target_->journal().entries();
  ASSERT_EQ(entries.back().faults.size(), 1u);
  EXPECT_EQ(entries.back().faults[0].rule, "users-429");
  EXPECT_EQ(changes_.back(), "rule users-429 (rate_limit) added");
}

TEST_F(MockAdminTest, AddedRulePassesTheScenarioLoadersChecks) {
  auto issues = [this](const std::string& body) {
    return adminPost("/rules", body).body["issues"];
  };
  EXPECT_EQ(issues(R"({"id": "groups-503", "kind": "empty_page"})")[0],
            json::parse(R"({"pointer": "/id", "message": "duplicate rule id \"groups-503\""})"));
  EXPECT_EQ(
      issues(R"({"id": "x", "kind": "short_page", "match": {"methods": ["PUT"]}})")[0],
      json::parse(
          R"({"pointer": "/match/methods", "message": "short_page only rewrites GET list pages"})"));
  EXPECT_EQ(issues(R"({"id": "x", "kind": "no_such"})")[0]["pointer"], "/kind");
  EXPECT_EQ(issues(R"({"id": "x", "kind": "empty_page", "match": {"operation": {"from": 1}}})")[0],
            json::parse(R"({"pointer": "/match/operation",
              "message": "never matches in faultline mock, which runs no scenario operations"})"));
  EXPECT_EQ(adminPost("/rules", "[]").status, 400);
  EXPECT_EQ(adminGet("/rules").body["rules"].size(), 1u);
}

TEST_F(MockAdminTest, ChangesWhileRequestsRunDecideEachRequestByOnePlan) {
  // Requests run on four threads while the rule is switched and changed:
  // each answer must be wholly one plan's, its journal entry saying so.
  std::atomic<bool> done{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([this, &done] {
      while (!done.load()) api("/Groups?count=1");
    });
  }
  for (int i = 0; i < 40; ++i) {
    adminPatch("/rules/groups-503", i % 2 == 0 ? R"({"status": 502})" : R"({"status": 503})");
    adminPost(i % 3 == 0 ? "/rules/groups-503/disable" : "/rules/groups-503/enable");
  }
  done.store(true);
  for (auto& c : clients) c.join();
  std::size_t faulted = 0;
  for (const auto& e : target_->journal().entries()) {
    if (e.path != "/scim/v2/Groups") continue;
    if (e.faults.empty()) {
      EXPECT_EQ(e.status, 200) << e.seq;
      continue;
    }
    ++faulted;
    ASSERT_EQ(e.faults.size(), 1u);
    EXPECT_TRUE(e.status == 502 || e.status == 503) << e.status;
    EXPECT_EQ(e.faults[0].effect, std::to_string(e.status));
  }
  EXPECT_EQ(static_cast<int>(faulted), target_->faults().firings().at("groups-503"));
}

// ---- reset ----

TEST_F(MockAdminTest, ResetRestoresTheSeededTenantAndForgetsTokens) {
  const std::string id = target_->tenant().snapshot().accounts.at(0).id;
  const auto deleted = client().Delete("/scim/v2/Users/" + id, bearer(token_));
  ASSERT_TRUE(deleted);
  ASSERT_EQ(deleted->status, 204);
  EXPECT_EQ(api("/Users/" + id).status, 404);
  const std::uint64_t seq = target_->journal().lastSeq();
  const Reply reset = adminPost("/reset");
  ASSERT_EQ(reset.status, 200) << reset.text;
  EXPECT_EQ(reset.body["journal"], "kept");
  EXPECT_EQ(api("/Users/" + id).status, 401);  // the old token is forgotten
  token_ = newToken();
  EXPECT_EQ(api("/Users/" + id).status, 200);
  EXPECT_EQ(target_->tenant().snapshot().accounts.size(), 6u);
  EXPECT_EQ(target_->journal().size(), seq + 3);
}

TEST_F(MockAdminTest, ResetCanClearTheJournalWhileSequenceNumbersGoOn) {
  api("/Users");
  const std::uint64_t seq = target_->journal().lastSeq();
  EXPECT_EQ(adminPost("/reset", R"({"journal": true})").body["journal"], "cleared");
  EXPECT_EQ(target_->journal().size(), 0u);
  token_ = newToken();
  EXPECT_EQ(target_->journal().entries().at(0).seq, seq + 1);
  EXPECT_EQ(adminPost("/reset", R"({"journal": "yes"})").body["issues"][0]["pointer"], "/journal");
}

TEST_F(MockAdminTest, ResetLetsARuleWithMaxFiresFireAgain) {
  adminPatch("/rules/groups-503", R"({"max_fires": 1})");
  EXPECT_EQ(api("/Groups").status, 503);
  EXPECT_EQ(api("/Groups").status, 200);
  adminPost("/reset");
  token_ = newToken();
  EXPECT_EQ(api("/Groups").status, 503);
  const Reply rule = adminGet("/rules/groups-503");
  EXPECT_EQ(rule.body["fires"], 2);
  EXPECT_EQ(rule.body["fires_since_reset"], 1);
}

// ---- the engine under runtime changes ----

TEST(FaultEngineRuntimeTest, AnAddedRuleDecidesAsTheSameRuleLoadedWould) {
  scenarios::FaultRule r;
  r.id = "half";
  r.kind = scenarios::FaultKind::ServerError;
  r.status = 503;
  r.match.probability = 0.5;
  FaultEngine loaded({r}, 11), added({}, 11);
  ASSERT_TRUE(added.addRule(r));
  EXPECT_FALSE(added.addRule(r));
  for (int i = 0; i < 64; ++i) {
    FaultRequest q;
    q.method = "GET";
    q.path = "/scim/v2/Users/" + std::to_string(i);
    q.resource = "Users";
    q.ordinal = static_cast<std::uint64_t>(i + 1);
    EXPECT_EQ(loaded.decide(q).fired.size(), added.decide(q).fired.size()) << i;
  }
  EXPECT_EQ(loaded.firings(), added.firings());
}

TEST(FaultEngineRuntimeTest, ADecisionKeepsItsPlanWhenTheRuleIsReplaced) {
  scenarios::FaultRule r;
  r.id = "r";
  r.kind = scenarios::FaultKind::ServerError;
  r.status = 503;
  FaultEngine engine({r}, 1);
  FaultRequest q;
  q.method = "GET";
  q.path = "/x";
  const FaultDecision before = engine.decide(q);
  r.status = 502;
  ASSERT_TRUE(engine.replaceRule(r));
  ASSERT_EQ(before.fired.size(), 1u);
  EXPECT_EQ(before.fired[0]->status, 503);
  EXPECT_EQ(engine.decide(q).fired.at(0)->status, 502);
  EXPECT_EQ(engine.ruleStates().at(0).version, 2);
  EXPECT_EQ(engine.firings().at("r"), 2);
}

}  // namespace
}  // namespace faultline::mocks
