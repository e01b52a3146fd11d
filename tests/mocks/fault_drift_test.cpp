// Schema-drift rewrites: the exact bytes a connector sees when attributes are
// removed, moved or sent with another type.
#include <gtest/gtest.h>

#include "mocks/fault_engine.h"
#include "mocks/mock_server.h"
#include "tests/mocks/scim_wire_util.h"

namespace faultline::mocks {
namespace {

using scenarios::FaultKind;
using scenarios::FaultRule;

constexpr const char* kUsers =
    R"({"totalResults":2,"Resources":[{"id":"a","userName":"ann","active":false},{"id":"b","userName":"bob"}]})";

FaultRule drift(FaultKind kind, const std::string& from, const std::string& to = "") {
  FaultRule r;
  r.id = "drift";
  r.kind = kind;
  r.from = from;
  r.to = to;
  return r;
}

std::pair<std::string, std::string> apply(const FaultRule& rule, const std::string& body) {
  FaultEngine engine({rule}, 3);
  const FaultDecision d =
      engine.decide({"GET", "/scim/v2/Users", "", "Users", "", 1, 1, 0, "tok-1"});
  MockResponse response;
  response.body = body;
  const std::string what = engine.rewrite(d, response, scimWire());
  return {response.body, what};
}

TEST(FaultDriftTest, RemoveAttributeLeavesItOutOfEveryResource) {
  const auto [body, what] = apply(drift(FaultKind::RemoveAttribute, "userName"), kUsers);
  EXPECT_EQ(body, R"({"totalResults":2,"Resources":[{"id":"a","active":false},{"id":"b"}]})");
  EXPECT_EQ(what, "fault drift (remove_attribute): removed userName");
}

TEST(FaultDriftTest, MoveAttributeNestsItUnderAnExtension) {
  const auto [body, what] =
      apply(drift(FaultKind::MoveAttribute, "userName", "/urn:acme:ext:User/login"), kUsers);
  EXPECT_EQ(
      body,
      R"({"totalResults":2,"Resources":[{"id":"a","active":false,"urn:acme:ext:User":{"login":"ann"}},)"
      R"({"id":"b","urn:acme:ext:User":{"login":"bob"}}]})");
  EXPECT_EQ(what, "fault drift (move_attribute): moved userName to /urn:acme:ext:User/login");
}

TEST(FaultDriftTest, RetypeAttributeSendsTheValueAsAString) {
  const auto [body, what] = apply(drift(FaultKind::RetypeAttribute, "active"), kUsers);
  EXPECT_EQ(
      body,
      R"({"totalResults":2,"Resources":[{"id":"a","userName":"ann","active":"false"},{"id":"b","userName":"bob"}]})");
  EXPECT_EQ(what, "fault drift (retype_attribute): active sent as a string");
}

TEST(FaultDriftTest, DriftOfAnAbsentAttributeChangesNothingAndDoesNotCount) {
  FaultEngine engine({drift(FaultKind::RemoveAttribute, "nickName")}, 3);
  const FaultDecision d =
      engine.decide({"GET", "/scim/v2/Users", "", "Users", "", 1, 1, 0, "tok-1"});
  MockResponse response;
  response.body = kUsers;
  EXPECT_EQ(engine.rewrite(d, response, scimWire()), "");
  EXPECT_EQ(response.body, kUsers);
  EXPECT_EQ(engine.firings().at("drift"), 0);
}

TEST(FaultDriftTest, SingleResourcesDriftToo) {
  const auto [body, what] =
      apply(drift(FaultKind::RemoveAttribute, "userName"), R"({"id":"a","userName":"ann"})");
  EXPECT_EQ(body, R"({"id":"a"})");
}

}  // namespace
}  // namespace faultline::mocks
