// Fault injection over real HTTP: a MockTarget on 127.0.0.1 port 0 whose
// scenario carries a fault plan, driven by cpp-httplib's client. Asserts what
// a connector sees on the wire and what the journal keeps as evidence.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/clock.h"
#include "mocks/fault_engine.h"
#include "mocks/journal.h"
#include "mocks/mock_target.h"
#include "scenarios/fault_plan.h"
#include "scenarios/scenario.h"
#include "tests/mocks/scim_test_fixture.h"

namespace faultline::mocks {
namespace {

using scenarios::FaultKind;
using scenarios::FaultRule;
using scenarios::Range;

FaultRule rule(const std::string& id, FaultKind kind) {
  FaultRule r;
  r.id = id;
  r.kind = kind;
  return r;
}

// Fires on the first attempt only, so the identical retry shows the clean answer.
FaultRule firstAttempt(FaultRule r) {
  r.match.attempt = Range{1, 1};
  return r;
}

std::int64_t epochSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class FaultWireTest : public ::testing::Test {
 protected:
  // Starts a target whose scenario carries `rules`.
  void serve(std::vector<FaultRule> rules, std::uint64_t seed = kSeed) {
    scenario_.faults = std::move(rules);
    target_ = std::make_unique<MockTarget>(scenario_, seed, clock_);
    target_->start();
    const std::string token_url = target_->tokenUrl();
    origin_ = token_url.substr(0, token_url.find('/', std::string("http://").size()));
    token_path_ = token_url.substr(origin_.size());
  }
  // Starts the target and fetches a token.
  void serveWithToken(std::vector<FaultRule> rules) {
    serve(std::move(rules));
    token_ = newToken();
  }

  httplib::Client client() const {
    httplib::Client c(origin_);
    c.set_keep_alive(false);
    return c;
  }
  Reply postToken() const {
    httplib::Client c = client();
    c.set_basic_auth(target_->client().client_id, target_->client().client_secret);
    return toReply(
        c.Post(token_path_, "grant_type=client_credentials", "application/x-www-form-urlencoded"));
  }
  std::string newToken() const {
    const Reply r = postToken();
    EXPECT_EQ(r.status, 200) << r.text;
    return r.body.is_object() ? r.body.value("access_token", "") : "";
  }
  // `path` is relative to the SCIM base, e.g. "/Users?count=10".
  Reply get(const std::string& path, const std::string& token) const {
    return toReply(client().Get("/scim/v2" + path, {{"Authorization", "Bearer " + token}}));
  }
  Reply get(const std::string& path) const { return get(path, token_); }

  JournalEntry lastEntry() const {
    const auto entries = target_->journal().entries();
    if (entries.empty()) {
      ADD_FAILURE() << "empty journal";
      return {};
    }
    return entries.back();
  }
  std::map<std::string, int> firings() const { return target_->faults().firings(); }
  std::string firstUserId() const { return target_->tenant().snapshot().accounts.at(0).id; }

  ManualClock clock_;
  scenarios::Scenario scenario_ = smallScenario();
  std::unique_ptr<MockTarget> target_;
  std::string origin_;
  std::string token_path_;
  std::string token_;
};

// ---- pre-response faults ----

TEST_F(FaultWireTest, RateLimitAnswers429WithRetryAfterSecondsAndRateLimitHeaders) {
  FaultRule r = firstAttempt(rule("users-429", FaultKind::RateLimit));
  r.status = 429;
  r.retry_after_seconds = 1;
  r.match.resource = "Users";
  serveWithToken({r});
  const std::int64_t before = epochSeconds();
  const Reply limited = get("/Users?count=10");
  const std::int64_t after = epochSeconds();
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("Retry-After"), "1");
  EXPECT_EQ(limited.header("X-Rate-Limit-Limit"), "600");
  EXPECT_EQ(limited.header("X-Rate-Limit-Remaining"), "0");
  const std::int64_t reset = std::stoll(limited.header("X-Rate-Limit-Reset"));
  EXPECT_GE(reset, before + 1);
  EXPECT_LE(reset, after + 1);
  EXPECT_EQ(limited.header("Content-Type"), "application/scim+json");
  EXPECT_EQ(limited.text, std::string(R"({"schemas":[")") + std::string(kErrorSchema) +
                              R"("],"status":"429","detail":"Too many requests"})");
  const JournalEntry entry = lastEntry();
  ASSERT_EQ(entry.faults.size(), 1u);
  EXPECT_EQ(entry.faults[0].rule, "users-429");
  EXPECT_EQ(entry.faults[0].kind, "rate_limit");
  EXPECT_EQ(entry.faults[0].figures, (std::vector<std::pair<std::string, std::int64_t>>{
                                         {"status", 429}, {"retry_after_s", 1}}));
  EXPECT_EQ(lastEntry().status, 429);
  EXPECT_EQ(lastEntry().note, "fault users-429 (rate_limit): 429");
  EXPECT_EQ(firings(), (std::map<std::string, int>{{"users-429", 1}}));
}

TEST_F(FaultWireTest, RequestRefusedForItsTokenNeverMeetsAFault) {
  FaultRule r = rule("users-429", FaultKind::RateLimit);
  r.status = 429;
  r.match.resource = "Users";
  serveWithToken({r});
  const Reply refused = get("/Users?count=10", "not-a-token");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(firings().at("users-429"), 0);
  EXPECT_EQ(lastEntry().note, "");
  EXPECT_EQ(get("/Users?count=10").status, 429);
  EXPECT_EQ(firings().at("users-429"), 1);
}

TEST_F(FaultWireTest, RequestBeforeRetryAfterIsJournaledAsViolation) {
  FaultRule r = firstAttempt(rule("users-429", FaultKind::RateLimit));
  r.status = 429;
  r.retry_after_seconds = 1;
  r.match.resource = "Users";
  serveWithToken({r});
  clock_.setMs(10'000);
  EXPECT_EQ(get("/Users?count=10").status, 429);
  clock_.setMs(10'400);
  EXPECT_EQ(get("/Users?count=10").status, 200);
  EXPECT_EQ(lastEntry().note, "retry-after violation: 600 ms early");
  EXPECT_EQ(lastEntry().retry_after_early_ms, 600);
  clock_.setMs(11'000);
  EXPECT_EQ(get("/Users?count=10").status, 200);
  EXPECT_EQ(lastEntry().note, "");
  EXPECT_EQ(target_->faults().retryAfterViolations(), 1u);
}

TEST_F(FaultWireTest, RateLimit503CarriesRetryAfterAsAnHttpDate) {
  FaultRule r = rule("groups-503", FaultKind::RateLimit);
  r.status = 503;
  r.retry_after_seconds = 5;
  r.retry_after_http_date = true;
  r.match.resource = "Groups";
  serveWithToken({r});
  const std::int64_t before = epochSeconds();
  const Reply limited = get("/Groups");
  const std::int64_t after = epochSeconds();
  EXPECT_EQ(limited.status, 503);
  const std::string date = limited.header("Retry-After");
  // RFC 7231 §7.1.1.1 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
  const std::regex imf(
      "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
      "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT");
  ASSERT_TRUE(std::regex_match(date, imf)) << date;
  std::tm tm{};
  ASSERT_NE(strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm), nullptr) << date;
  const std::int64_t at = timegm(&tm);
  // Rounded up: a client that waits until the date is never early.
  EXPECT_GE(at, before + 5 + 1) << date;
  EXPECT_LE(at, after + 5 + 1) << date;
  EXPECT_EQ(lastEntry().note, "fault groups-503 (rate_limit): 503");
}

TEST_F(FaultWireTest, ServerError502HasAnHtmlBody) {
  FaultRule r = rule("proxy", FaultKind::ServerError);
  r.status = 502;
  r.body = "html";
  serveWithToken({r});
  const Reply reply = get("/Users");
  EXPECT_EQ(reply.status, 502);
  EXPECT_EQ(reply.header("Content-Type"), "text/html");
  EXPECT_EQ(reply.text,
            "<html><head><title>502</title></head><body><h1>Service Unavailable</h1><p>upstream "
            "proxy error</p></body></html>");
  EXPECT_EQ(lastEntry().note, "fault proxy (server_error): 502");
  EXPECT_EQ(lastEntry().bytes_out, reply.text.size());
}

TEST_F(FaultWireTest, ServerError500HasAScimJsonBody) {
  FaultRule r = rule("boom", FaultKind::ServerError);
  r.status = 500;
  serveWithToken({r});
  const Reply reply = get("/Groups");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.header("Content-Type"), kScimType);
  EXPECT_EQ(reply.text, std::string(R"({"schemas":[")") + std::string(kErrorSchema) +
                            R"("],"status":"500","detail":"Internal failure"})");
  EXPECT_EQ(lastEntry().note, "fault boom (server_error): 500");
}

TEST_F(FaultWireTest, ServerErrorCanAnswerWithAnEmptyBody) {
  FaultRule r = rule("hollow", FaultKind::ServerError);
  r.status = 504;
  r.body = "empty";
  serveWithToken({r});
  const Reply reply = get("/Users");
  EXPECT_EQ(reply.status, 504);
  EXPECT_EQ(reply.text, "");
  EXPECT_EQ(reply.header("Content-Length"), "0");
  EXPECT_EQ(lastEntry().bytes_out, 0u);
  EXPECT_EQ(lastEntry().note, "fault hollow (server_error): 504");
}

// ---- tokens ----

TEST_F(FaultWireTest, RevokedTokenIsRefusedFromTheTriggeringRequestOnWhileANewOneWorks) {
  FaultRule r = rule("revoke-on-groups", FaultKind::RevokeToken);
  r.match.resource = "Groups";
  r.max_fires = 1;
  serveWithToken({r});
  const std::string first = token_;
  EXPECT_EQ(get("/Users", first).status, 200);

  const Reply trigger = get("/Groups", first);
  EXPECT_EQ(trigger.status, 401);
  EXPECT_NE(trigger.header("WWW-Authenticate").find("error=\"invalid_token\""), std::string::npos)
      << trigger.header("WWW-Authenticate");
  EXPECT_EQ(trigger.body["detail"], "The access token was revoked");
  EXPECT_EQ(lastEntry().token_id, "tok-1");
  EXPECT_EQ(lastEntry().note, "fault revoke-on-groups (revoke_token): revoked tok-1");

  const Reply later = get("/Users", first);
  EXPECT_EQ(later.status, 401);
  EXPECT_NE(later.header("WWW-Authenticate").find("error=\"invalid_token\""), std::string::npos);

  const std::string second = newToken();
  EXPECT_EQ(get("/Users", second).status, 200);
  EXPECT_EQ(get("/Groups", second).status, 200);  // max_fires spent
  EXPECT_EQ(firings(), (std::map<std::string, int>{{"revoke-on-groups", 1}}));
}

TEST_F(FaultWireTest, TokenEndpointErrorAnswersInvalidClientOnceThenIssues) {
  FaultRule r = rule("token-401", FaultKind::TokenEndpointError);
  r.status = 401;
  r.max_fires = 1;
  serve({r});
  const Reply refused = postToken();
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.text,
            R"({"error":"invalid_client","error_description":"injected by faultline"})");
  EXPECT_EQ(refused.header("WWW-Authenticate"), "Basic realm=\"faultline\"");
  EXPECT_EQ(lastEntry().note, "fault token-401 (token_endpoint_error): 401");

  const Reply issued = postToken();
  EXPECT_EQ(issued.status, 200) << issued.text;
  EXPECT_TRUE(issued.body.contains("access_token")) << issued.text;
  EXPECT_EQ(lastEntry().note, "issued tok-1");
  EXPECT_EQ(firings(), (std::map<std::string, int>{{"token-401", 1}}));
}

TEST_F(FaultWireTest, TokenEndpointErrorCanBeAServiceOutage) {
  FaultRule r = rule("token-503", FaultKind::TokenEndpointError);
  r.status = 503;
  r.error = "temporarily_unavailable";
  r.max_fires = 1;
  serve({r});
  const Reply refused = postToken();
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.text,
            R"({"error":"temporarily_unavailable","error_description":"injected by faultline"})");
  EXPECT_EQ(refused.header("WWW-Authenticate"), "");
  EXPECT_EQ(postToken().status, 200);
}

// ---- post-response rewrites: the faulted first attempt against its clean retry ----

// The clean answer, rewritten by `edit`, in the server's own key order.
std::string expectedFrom(const std::string& clean,
                         const std::function<void(nlohmann::ordered_json&)>& edit) {
  nlohmann::ordered_json doc = nlohmann::ordered_json::parse(clean);
  edit(doc);
  return doc.dump();
}

TEST_F(FaultWireTest, ShortPageDropsItemsButKeepsTotalResults) {
  FaultRule r = firstAttempt(rule("short", FaultKind::ShortPage));
  r.drop = 2;
  r.match.resource = "Users";
  serveWithToken({r});
  const Reply faulted = get("/Users?startIndex=11&count=10");
  const JournalEntry entry = lastEntry();
  EXPECT_EQ(entry.note, "fault short (short_page): dropped 2 item(s)");
  // What scorers read: the request as the dialect classified it, and the
  // fault as a record with its figures.
  EXPECT_EQ(entry.request_kind, "list");
  EXPECT_EQ(entry.resource, "Users");
  EXPECT_EQ(entry.page, 2);
  EXPECT_EQ(entry.offset, 10);
  ASSERT_NE(entry.fault("short_page"), nullptr);
  EXPECT_EQ(entry.fault("short_page")->rule, "short");
  EXPECT_EQ(entry.fault("short_page")->figures,
            (std::vector<std::pair<std::string, std::int64_t>>{{"dropped", 2}}));
  const Reply clean = get("/Users?startIndex=11&count=10");
  EXPECT_EQ(lastEntry().note, "");
  ASSERT_EQ(clean.body["Resources"].size(), 10u);
  EXPECT_EQ(faulted.text, expectedFrom(clean.text, [](auto& doc) {
              doc["Resources"].erase(doc["Resources"].begin() + 8, doc["Resources"].end());
              doc["itemsPerPage"] = 8;
            }));
  EXPECT_EQ(faulted.body["totalResults"], 23);
  EXPECT_EQ(firings(), (std::map<std::string, int>{{"short", 1}}));
}

TEST_F(FaultWireTest, JournalClassifiesReadsAndRecordsWhatWritesChanged) {
  serveWithToken({});
  const std::string id = firstUserId();
  EXPECT_EQ(get("/Users/" + id).status, 200);
  EXPECT_EQ(lastEntry().request_kind, "read");
  EXPECT_EQ(lastEntry().resource, "Users");
  EXPECT_EQ(lastEntry().resource_id, id);
  EXPECT_TRUE(lastEntry().changes.empty());
  const Reply deleted =
      toReply(client().Delete("/scim/v2/Users/" + id, {{"Authorization", "Bearer " + token_}}));
  EXPECT_EQ(deleted.status, 204);
  const JournalEntry entry = lastEntry();
  EXPECT_EQ(entry.request_kind, "write");
  EXPECT_EQ(entry.resource_id, id);
  ASSERT_FALSE(entry.changes.empty());
  EXPECT_EQ(entry.changes.front().object, id);
  EXPECT_TRUE(entry.faults.empty());
}

TEST_F(FaultWireTest, EmptyPageAnswersNoResourcesWhileMoreRemain) {
  FaultRule r = firstAttempt(rule("empty", FaultKind::EmptyPage));
  r.match.page = Range{2, 2};
  serveWithToken({r});
  EXPECT_EQ(get("/Users?count=10").body["Resources"].size(), 10u);  // page 1: untouched
  const Reply faulted = get("/Users?startIndex=11&count=10");
  EXPECT_EQ(lastEntry().note, "fault empty (empty_page): emptied the page");
  const Reply clean = get("/Users?startIndex=11&count=10");
  EXPECT_EQ(faulted.text, expectedFrom(clean.text, [](auto& doc) {
              doc["Resources"] = nlohmann::ordered_json::array();
              doc["itemsPerPage"] = 0;
            }));
  EXPECT_EQ(firings(), (std::map<std::string, int>{{"empty", 1}}));
}

TEST_F(FaultWireTest, TotalResultsLieChangesOnlyThoseBytes) {
  FaultRule r = firstAttempt(rule("lie", FaultKind::TotalResultsLie));
  r.total_results = 1000;
  serveWithToken({r});
  const Reply faulted = get("/Users?count=10");
  EXPECT_EQ(lastEntry().note, "fault lie (total_results_lie): total 23 -> 1000");
  std::string expected = get("/Users?count=10").text;
  const auto at = expected.find("\"totalResults\":23,");
  ASSERT_NE(at, std::string::npos) << expected;
  expected.replace(at, 18, "\"totalResults\":1000,");
  EXPECT_EQ(faulted.text, expected);
  EXPECT_EQ(faulted.header("Content-Length"), std::to_string(expected.size()));
}

TEST_F(FaultWireTest, TruncateBodySendsTheFirstHalfWithAMatchingContentLength) {
  FaultRule r = firstAttempt(rule("cut", FaultKind::TruncateBody));
  r.match.page = Range{1, 1};
  serveWithToken({r});
  const Reply faulted = get("/Users?count=10");
  const Reply clean = get("/Users?count=10");
  ASSERT_GT(clean.text.size(), 100u);
  EXPECT_EQ(faulted.status, 200);
  EXPECT_EQ(faulted.text, clean.text.substr(0, clean.text.size() / 2));
  EXPECT_EQ(faulted.header("Content-Length"), std::to_string(clean.text.size() / 2));
  EXPECT_TRUE(faulted.body.is_null());  // no longer parses
  const auto entries = target_->journal().entries();
  const JournalEntry& cut = entries.at(entries.size() - 2);
  EXPECT_EQ(cut.note, "fault cut (truncate_body): body cut to " +
                          std::to_string(clean.text.size() / 2) + " bytes");
  EXPECT_EQ(cut.bytes_out, clean.text.size() / 2);
}

TEST_F(FaultWireTest, RenameAttributeRenamesInEveryUserOfAPage) {
  FaultRule r = firstAttempt(rule("drift", FaultKind::RenameAttribute));
  r.from = "userName";
  r.to = "login";
  r.match.resource = "Users";
  serveWithToken({r});
  const Reply faulted = get("/Users?count=5");
  EXPECT_EQ(lastEntry().note, "fault drift (rename_attribute): renamed userName -> login");
  const Reply clean = get("/Users?count=5");
  EXPECT_EQ(faulted.text, expectedFrom(clean.text, [](auto& doc) {
              for (auto& user : doc["Resources"]) {
                user["login"] = user["userName"];
                user.erase("userName");
              }
            }));
}

TEST_F(FaultWireTest, RenameAttributeRenamesInASingleUser) {
  FaultRule r = firstAttempt(rule("drift", FaultKind::RenameAttribute));
  r.from = "userName";
  r.to = "login";
  serveWithToken({r});
  const std::string path = "/Users/" + firstUserId();
  const Reply faulted = get(path);
  EXPECT_EQ(lastEntry().note, "fault drift (rename_attribute): renamed userName -> login");
  const Reply clean = get(path);
  EXPECT_EQ(faulted.header("ETag"), clean.header("ETag"));
  EXPECT_EQ(faulted.text, expectedFrom(clean.text, [](auto& doc) {
              doc["login"] = doc["userName"];
              doc.erase("userName");
            }));
}

TEST_F(FaultWireTest, RewriteThatChangesNothingLeavesBytesNoteAndCountAlone) {
  FaultRule r = rule("drift", FaultKind::RenameAttribute);
  r.from = "nickName";  // the generator never sets it
  r.to = "alias";
  FaultRule groups = rule("short-groups", FaultKind::ShortPage);
  groups.match.resource = "Groups";
  serveWithToken({r, groups});
  const Reply single = get("/Users/" + firstUserId());
  EXPECT_FALSE(single.body.contains("nickName")) << single.text;
  EXPECT_EQ(lastEntry().note, "");
  const Reply beyond = get("/Groups?startIndex=100");  // a list page with nothing on it
  EXPECT_EQ(beyond.body["Resources"], nlohmann::json::array()) << beyond.text;
  EXPECT_EQ(lastEntry().note, "");
  EXPECT_EQ(get("/Users/no-such-user").status, 404);
  EXPECT_EQ(firings(), (std::map<std::string, int>{{"drift", 0}, {"short-groups", 0}}));
}

// ---- replay ----

std::vector<std::string> journalWithoutTimes(const Journal& journal) {
  std::vector<std::string> out;
  for (const JournalEntry& e : journal.entries()) {
    out.push_back(e.method + " " + e.path + "?" + e.query + " -> " + std::to_string(e.status) +
                  " " + std::to_string(e.bytes_out) + "B token=" + e.token_id + " [" + e.note +
                  "]");
  }
  return out;
}

// A drill's worth of faults, some of them drawn by probability.
std::vector<FaultRule> mixedPlan() {
  FaultRule flaky = rule("flaky-users", FaultKind::ServerError);
  flaky.status = 503;
  flaky.match.resource = "Users";
  flaky.match.probability = 0.4;
  FaultRule limit = firstAttempt(rule("limit-groups", FaultKind::RateLimit));
  limit.status = 429;
  limit.match.resource = "Groups";
  FaultRule shorty = rule("short-users", FaultKind::ShortPage);
  shorty.match.page = Range{2, 2};
  shorty.match.probability = 0.5;
  FaultRule revoke = rule("revoke-9", FaultKind::RevokeToken);
  revoke.match.ordinal = Range{9, 9};
  return {flaky, limit, shorty, revoke};
}

class FaultReplayTest : public FaultWireTest {
 protected:
  // The same request sequence a connector would send: token, pages, retries.
  std::vector<std::string> drill(std::uint64_t seed) {
    serve(mixedPlan(), seed);
    token_ = newToken();
    for (int round = 0; round < 3; ++round) {
      for (int start : {1, 11, 21}) get("/Users?startIndex=" + std::to_string(start) + "&count=10");
      get("/Groups");
      if (round == 1) token_ = newToken();
    }
    firings_ = firings();
    statuses_.clear();
    for (const JournalEntry& e : target_->journal().entries()) statuses_.push_back(e.status);
    return journalWithoutTimes(target_->journal());
  }
  std::map<std::string, int> firings_;
  std::vector<int> statuses_;
};

TEST_F(FaultReplayTest, SameScenarioAndSeedReplayTheSameJournal) {
  const auto first = drill(kSeed);
  const auto first_firings = firings_;
  const auto second = drill(kSeed);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first_firings, firings_);
  // The replay is only worth something if faults fired.
  EXPECT_GT(first_firings.at("flaky-users"), 0);
  EXPECT_EQ(first_firings.at("limit-groups"), 1);
  EXPECT_EQ(first_firings.at("revoke-9"), 1);
}

TEST_F(FaultReplayTest, AnotherSeedDrawsOtherFaults) {
  drill(kSeed);
  const auto first = statuses_;
  drill(kSeed + 1);
  EXPECT_NE(first, statuses_);
}

}  // namespace
}  // namespace faultline::mocks
