// Transport faults on the wire: latency, garbage bodies, dropped connections
// and lost write answers.
#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include "mocks/clock.h"
#include "mocks/mock_target.h"
#include "tests/mocks/scim_test_fixture.h"

namespace faultline::mocks {
namespace {

using scenarios::FaultKind;
using scenarios::FaultRule;

class FaultTransportTest : public ::testing::Test {
 protected:
  void serve(FaultRule r, std::uint64_t seed = 11) {
    scenario_.faults = {std::move(r)};
    target_ = std::make_unique<MockTarget>(scenario_, seed, clock_);
    target_->start();
    const std::string token_url = target_->tokenUrl();
    origin_ = token_url.substr(0, token_url.find('/', std::string("http://").size()));
    httplib::Client c(origin_);
    c.set_basic_auth(target_->client().client_id, target_->client().client_secret);
    auto res = c.Post(token_url.substr(origin_.size()), "grant_type=client_credentials",
                      "application/x-www-form-urlencoded");
    ASSERT_TRUE(res && res->status == 200);
    token_ = nlohmann::json::parse(res->body)["access_token"];
  }
  httplib::Result get(const std::string& path) {
    httplib::Client c(origin_);
    c.set_keep_alive(false);
    return c.Get("/scim/v2" + path, {{"Authorization", "Bearer " + token_}});
  }
  std::string lastNote() const { return target_->journal().entries().back().note; }

  ManualClock clock_;
  scenarios::Scenario scenario_ = smallScenario();
  std::unique_ptr<MockTarget> target_;
  std::string origin_, token_;
};

FaultRule make(const std::string& id, FaultKind kind) {
  FaultRule r;
  r.id = id;
  r.kind = kind;
  return r;
}

TEST_F(FaultTransportTest, LatencyHoldsTheAnswerAndSaysHowLong) {
  FaultRule r = make("slow", FaultKind::Latency);
  r.delay_ms = 3;
  r.jitter_ms = 0;
  serve(r);
  auto res = get("/Users?count=1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(lastNote(), "fault slow (latency): held 3 ms");
  EXPECT_GE(target_->journal().entries().back().duration_us, 3000);
}

TEST_F(FaultTransportTest, LatencyJitterIsSeeded) {
  FaultRule r = make("jitter", FaultKind::Latency);
  r.delay_ms = 1;
  r.jitter_ms = 1000;
  FaultEngine a({r}, 5), b({r}, 5), c({r}, 6);
  FaultRequest q{"GET", "/scim/v2/Users", "count=1", "Users", "", 1, 7, 0, "tok-1"};
  const auto da = a.decide(q), db = b.decide(q), dc = c.decide(q);
  EXPECT_EQ(a.latencyMs(da, q), b.latencyMs(db, q));
  EXPECT_GE(a.latencyMs(da, q), 1);
  EXPECT_LE(a.latencyMs(da, q), 1001);
  EXPECT_NE(a.latencyMs(da, q), c.latencyMs(dc, q)) << "another seed should wait differently";
}

TEST_F(FaultTransportTest, GarbageBodyIsSeededBytesLabelledJson) {
  serve(make("garbage", FaultKind::GarbageBody));
  auto first = get("/Users?count=1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->get_header_value("Content-Type"), "application/scim+json");
  EXPECT_EQ(first->body.size(), 512u);
  EXPECT_TRUE(nlohmann::json::parse(first->body, nullptr, false).is_discarded());
  // The same seed and request sequence send the same bytes.
  const std::string bytes = first->body;
  serve(make("garbage", FaultKind::GarbageBody));
  auto again = get("/Users?count=1");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, bytes);
}

TEST_F(FaultTransportTest, DropConnectionLeavesTheClientWithoutABody) {
  serve(make("drop", FaultKind::DropConnection));
  auto res = get("/Users?count=1");
  EXPECT_FALSE(res) << "the client should see the connection fail";
  EXPECT_EQ(lastNote(), "fault drop (drop_connection): 200");
}

TEST_F(FaultTransportTest, LostResponseAppliesTheWriteButTheAnswerNeverArrives) {
  serve(make("lost", FaultKind::LostResponse));
  const std::string id = target_->tenant().snapshot().accounts.at(0).id;
  ASSERT_TRUE(target_->tenant().snapshot().accounts.at(0).active);
  httplib::Client c(origin_);
  auto res = c.Patch("/scim/v2/Users/" + id, {{"Authorization", "Bearer " + token_}},
                     patchBody({{{"op", "replace"}, {"path", "active"}, {"value", false}}}),
                     "application/scim+json");
  EXPECT_FALSE(res) << "the answer must be lost";
  EXPECT_FALSE(target_->tenant().snapshot().accounts.at(0).active) << "but the write applied";
  EXPECT_NE(lastNote().find("fault lost (lost_response): applied (200)"), std::string::npos)
      << lastNote();
}

TEST_F(FaultTransportTest, ShiftedPageServesLaterRecordsUnderTheAskedStartIndex) {
  FaultRule r = make("shift", FaultKind::ShiftedPage);
  r.shift = 2;
  r.match.resource = "Users";
  serve(r);
  const auto users = target_->tenant().snapshot().accounts;
  auto res = get("/Users?startIndex=1&count=3");
  ASSERT_TRUE(res);
  const auto body = nlohmann::json::parse(res->body);
  EXPECT_EQ(body["startIndex"], 1);
  ASSERT_EQ(body["Resources"].size(), 3u);
  EXPECT_EQ(body["Resources"][0]["id"], users.at(2).id);
  EXPECT_EQ(lastNote(), "fault shift (shifted_page): served startIndex 3 for 1");
}

TEST_F(FaultTransportTest, CursorErrorRefusesOnlyRequestsThatPresentACursor) {
  FaultRule r = make("expired", FaultKind::CursorError);
  r.error = "expired";  // the mode, as the loader stores it
  r.match.resource = "Users";
  serve(r);
  auto first = get("/Users?count=5&cursor=");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  EXPECT_EQ(target_->faults().firings().at("expired"), 0);
  const std::string next = nlohmann::json::parse(first->body)["nextCursor"];
  auto second = get("/Users?count=5&cursor=" + next);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 400);
  EXPECT_EQ(nlohmann::json::parse(second->body)["scimType"], "expiredCursor");
  EXPECT_EQ(lastNote(), "fault expired (cursor_error): 400");
  EXPECT_EQ(target_->faults().firings().at("expired"), 1);
}

}  // namespace
}  // namespace faultline::mocks
