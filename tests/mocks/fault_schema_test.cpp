// Announced schema drift, unknown required attributes, per-client throttling
// and slow bodies, over real HTTP: what a connector sees on the wire and what
// the journal keeps.
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/clock.h"
#include "mocks/fault_engine.h"
#include "mocks/id_format.h"
#include "mocks/mock_target.h"
#include "mocks/scim_resources.h"
#include "tests/mocks/scim_test_fixture.h"

namespace faultline::mocks {
namespace {

using scenarios::FaultKind;
using scenarios::FaultRule;

FaultRule make(const std::string& id, FaultKind kind) {
  FaultRule r;
  r.id = id;
  r.kind = kind;
  return r;
}

class FaultSchemaTest : public ::testing::Test {
 protected:
  void serve(std::vector<FaultRule> rules) {
    scenario_.faults = std::move(rules);
    target_ = std::make_unique<MockTarget>(scenario_, kSeed, clock_);
    target_->start();
    const std::string token_url = target_->tokenUrl();
    origin_ = token_url.substr(0, token_url.find('/', std::string("http://").size()));
    token_path_ = token_url.substr(origin_.size());
    token_ = newToken();
  }
  std::string newToken() const {
    httplib::Client c(origin_);
    c.set_basic_auth(target_->client().client_id, target_->client().client_secret);
    const Reply r = toReply(
        c.Post(token_path_, "grant_type=client_credentials", "application/x-www-form-urlencoded"));
    EXPECT_EQ(r.status, 200) << r.text;
    return r.body.is_object() ? r.body.value("access_token", "") : "";
  }
  httplib::Headers bearer() const { return {{"Authorization", "Bearer " + token_}}; }
  Reply get(const std::string& path) const {
    httplib::Client c(origin_);
    c.set_keep_alive(false);
    return toReply(c.Get("/scim/v2" + path, bearer()));
  }
  Reply put(const std::string& path, const json& body) const {
    httplib::Client c(origin_);
    c.set_keep_alive(false);
    return toReply(c.Put("/scim/v2" + path, bearer(), body.dump(), kScimType));
  }
  Reply patch(const std::string& path, const json& operations) const {
    httplib::Client c(origin_);
    c.set_keep_alive(false);
    return toReply(c.Patch("/scim/v2" + path, bearer(), patchBody(operations), kScimType));
  }
  std::string lastNote() const { return target_->journal().entries().back().note; }
  int fired(const std::string& id) const { return target_->faults().firings().at(id); }

  // The attribute definitions of one schema in a /Schemas answer, by name.
  static std::map<std::string, json> attributesOf(const json& schemas, std::string_view id) {
    std::map<std::string, json> out;
    for (const auto& s : schemas["Resources"]) {
      if (s["id"] != id) continue;
      for (const auto& a : s["attributes"]) out[a["name"].get<std::string>()] = a;
    }
    return out;
  }

  ManualClock clock_;
  scenarios::Scenario scenario_ = smallScenario();
  std::unique_ptr<MockTarget> target_;
  std::string origin_, token_path_, token_;
};

// ---- announced drift ----

TEST_F(FaultSchemaTest, SilentRenameLeavesSchemasAlone) {
  FaultRule r = make("rename", FaultKind::RenameAttribute);
  r.from = "userName";
  r.to = "login";
  r.match.resource = "Users";
  serve({r});
  const Reply schemas = get("/Schemas");
  ASSERT_EQ(schemas.status, 200);
  EXPECT_EQ(attributesOf(schemas.body, kScimUserSchema).count("userName"), 1u);
  EXPECT_EQ(lastNote(), "");
  EXPECT_TRUE(get("/Users?count=1").body["Resources"][0].contains("login"));
  EXPECT_EQ(fired("rename"), 1);
}

TEST_F(FaultSchemaTest, AnnouncedRenameShowsInSchemasWithoutCountingAsAFiring) {
  FaultRule r = make("rename", FaultKind::RenameAttribute);
  r.from = "userName";
  r.to = "login";
  r.announce = true;
  r.match.resource = "Users";
  serve({r});
  const Reply schemas = get("/Schemas");
  ASSERT_EQ(schemas.status, 200) << schemas.text;
  const auto user = attributesOf(schemas.body, kScimUserSchema);
  EXPECT_EQ(user.count("userName"), 0u);
  ASSERT_EQ(user.count("login"), 1u);
  EXPECT_EQ(user.at("login")["required"], true);
  EXPECT_EQ(user.at("login")["type"], "string");
  // Other resource types keep their schema.
  EXPECT_EQ(attributesOf(schemas.body, kScimGroupSchema).count("displayName"), 1u);
  EXPECT_EQ(lastNote(), "fault rename (rename_attribute): announced in the schema description");
  EXPECT_EQ(fired("rename"), 0) << "an announcement is evidence, not the fault meeting data";
  // The single schema document says the same.
  const Reply one = get("/Schemas/" + std::string(kScimUserSchema));
  ASSERT_EQ(one.status, 200) << one.text;
  EXPECT_EQ(one.body["id"], kScimUserSchema);
  EXPECT_NE(one.text.find("\"login\""), std::string::npos) << one.text;
  EXPECT_EQ(one.text.find("\"userName\""), std::string::npos) << one.text;
}

TEST_F(FaultSchemaTest, AnnouncementFollowsTheRulesWindow) {
  FaultRule r = make("retype", FaultKind::RetypeAttribute);
  r.from = "active";
  r.announce = true;
  r.match.resource = "Users";
  r.match.window_ms = scenarios::Range{5'000, 10'000};
  serve({r});
  EXPECT_EQ(attributesOf(get("/Schemas").body, kScimUserSchema).at("active")["type"], "boolean");
  clock_.setMs(5'000);
  EXPECT_EQ(attributesOf(get("/Schemas").body, kScimUserSchema).at("active")["type"], "string");
  clock_.setMs(10'001);
  EXPECT_EQ(attributesOf(get("/Schemas").body, kScimUserSchema).at("active")["type"], "boolean");
}

TEST_F(FaultSchemaTest, AnnouncedMoveAddsTheExtensionSchema) {
  FaultRule r = make("move", FaultKind::MoveAttribute);
  r.from = "userName";
  r.to = "/urn:acme:ext:User/login";
  r.announce = true;
  r.match.resource = "Users";
  serve({r});
  const Reply schemas = get("/Schemas");
  EXPECT_EQ(attributesOf(schemas.body, kScimUserSchema).count("userName"), 0u);
  EXPECT_EQ(attributesOf(schemas.body, "urn:acme:ext:User").count("login"), 1u) << schemas.text;
  EXPECT_EQ(schemas.body["totalResults"], schemas.body["Resources"].size());
  EXPECT_EQ(get("/Schemas/urn:acme:ext:User").status, 404)
      << "documents are fixed; only the list is rewritten";
}

TEST_F(FaultSchemaTest, AnnouncedRemovalDropsTheDefinition) {
  FaultRule r = make("remove", FaultKind::RemoveAttribute);
  r.from = "displayName";
  r.announce = true;
  r.match.resource = "Groups";
  serve({r});
  const Reply schemas = get("/Schemas");
  EXPECT_EQ(attributesOf(schemas.body, kScimGroupSchema).count("displayName"), 0u);
  EXPECT_EQ(attributesOf(schemas.body, kScimUserSchema).count("displayName"), 1u);
}

// ---- unknown required attribute ----

FaultRule costCenter(bool announce) {
  FaultRule r = make("cost-center", FaultKind::AddAttribute);
  r.to = "costCenter";
  r.value_json = R"("CC-0000")";
  r.announce = announce;
  r.match.resource = "Users";
  return r;
}

TEST_F(FaultSchemaTest, AddedAttributeAppearsInEveryResource) {
  serve({costCenter(false)});
  const Reply page = get("/Users?count=3");
  ASSERT_EQ(page.body["Resources"].size(), 3u);
  for (const auto& u : page.body["Resources"]) EXPECT_EQ(u["costCenter"], "CC-0000") << u;
  EXPECT_EQ(lastNote(), "fault cost-center (add_attribute): added costCenter");
  const Reply one = get("/Users/" + target_->tenant().snapshot().accounts.at(0).id);
  EXPECT_EQ(one.body["costCenter"], "CC-0000");
  EXPECT_EQ(fired("cost-center"), 2);
  EXPECT_FALSE(get("/Groups?count=1").body["Resources"][0].contains("costCenter"));
}

TEST_F(FaultSchemaTest, ReplaceWithoutTheRequiredAttributeIsRefused) {
  serve({costCenter(true)});
  const Account a = target_->tenant().snapshot().accounts.at(0);
  json body = get("/Users/" + a.id).body;
  body.erase("costCenter");
  body["active"] = false;
  const Reply refused = put("/Users/" + a.id, body);
  EXPECT_EQ(refused.status, 400) << refused.text;
  EXPECT_EQ(refused.body["scimType"], "invalidValue");
  EXPECT_EQ(refused.body["detail"], "Required attribute 'costCenter' is missing");
  EXPECT_EQ(lastNote(), "fault cost-center (add_attribute): 400");
  EXPECT_EQ(target_->tenant().snapshot().accounts.at(0).active, a.active) << "nothing applied";
  body["costCenter"] = "CC-0000";
  const Reply accepted = put("/Users/" + a.id, body);
  EXPECT_EQ(accepted.status, 200) << accepted.text;
  EXPECT_FALSE(target_->tenant().snapshot().accounts.at(0).active);
  const auto user = attributesOf(get("/Schemas").body, kScimUserSchema);
  ASSERT_EQ(user.count("costCenter"), 1u);
  EXPECT_EQ(user.at("costCenter")["required"], true);
  EXPECT_EQ(user.at("costCenter")["type"], "string");
}

// ---- throttle ----

FaultRule bucket(int capacity) {
  FaultRule r = make("bucket", FaultKind::Throttle);
  r.status = 429;
  r.capacity = capacity;
  r.retry_after_seconds = 2;
  r.match.resource = "Users";
  return r;
}

TEST_F(FaultSchemaTest, ThrottleCountsDownThenRefusesUntilTheAnnouncedTime) {
  serve({bucket(2)});
  clock_.setMs(1'000);
  const Reply first = get("/Users?count=1");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.header("X-Rate-Limit-Limit"), "2");
  EXPECT_EQ(first.header("X-Rate-Limit-Remaining"), "1");
  EXPECT_EQ(get("/Users?count=1").header("X-Rate-Limit-Remaining"), "0");
  const Reply refused = get("/Users?count=1");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.header("Retry-After"), "2");
  EXPECT_EQ(refused.header("X-Rate-Limit-Remaining"), "0");
  EXPECT_EQ(lastNote(), "fault bucket (throttle): 429");
  // Early: refused again, told the time left, and marked as a violation.
  clock_.setMs(2'500);
  const Reply early = get("/Users?count=1");
  EXPECT_EQ(early.status, 429);
  EXPECT_EQ(early.header("Retry-After"), "1");
  EXPECT_EQ(lastNote(), "retry-after violation: 500 ms early; fault bucket (throttle): 429");
  // A fresh token is the same client: no way around the limit.
  token_ = newToken();
  EXPECT_EQ(get("/Users?count=1").status, 429);
  clock_.setMs(3'000);
  const Reply refilled = get("/Users?count=1");
  EXPECT_EQ(refilled.status, 200);
  EXPECT_EQ(refilled.header("X-Rate-Limit-Remaining"), "1");
  EXPECT_EQ(fired("bucket"), 3);
  EXPECT_EQ(target_->faults().retryAfterViolations(), 2u);
  // Other resources are not metered by this rule.
  EXPECT_EQ(get("/Groups?count=1").header("X-Rate-Limit-Limit"), "");
}

// ---- id format ----

TEST_F(FaultSchemaTest, IdsComeInCapitalsAndEitherCaseIsAccepted) {
  FaultRule r = make("caps", FaultKind::ChangeIdFormat);
  r.style = "uppercase";
  serve({r});
  const Group g = target_->tenant().snapshot().groups.at(0);
  const Reply page = get("/Groups?count=1");
  ASSERT_EQ(page.status, 200);
  const std::string upper = formatId(g.id, "uppercase");
  EXPECT_EQ(page.body["Resources"][0]["id"], upper);
  EXPECT_EQ(page.body["Resources"][0]["meta"]["location"].get<std::string>().substr(
                page.body["Resources"][0]["meta"]["location"].get<std::string>().size() - 36),
            upper);
  EXPECT_NE(lastNote().find("fault caps (change_id_format): "), std::string::npos) << lastNote();
  EXPECT_NE(lastNote().find("id(s) sent in uppercase"), std::string::npos);
  EXPECT_EQ(get("/Groups/" + upper).status, 200);
  EXPECT_EQ(get("/Groups/" + g.id).status, 200);
  const Reply filtered = get("/Groups?filter=" + encode("id eq \"" + upper + "\""));
  EXPECT_EQ(filtered.body["totalResults"], 1) << filtered.text;
}

TEST_F(FaultSchemaTest, CompactIdsWorkInWritesAndReferences) {
  FaultRule r = make("compact", FaultKind::ChangeIdFormat);
  r.style = "compact";
  serve({r});
  const auto state = target_->tenant().snapshot();
  const Group* group = nullptr;
  std::string member;
  for (const auto& g : state.groups) {
    for (const auto& m : g.members) {
      if (!m.is_group && group == nullptr) {
        group = &g;
        member = m.id;
      }
    }
  }
  ASSERT_NE(group, nullptr);
  const std::string gid = formatId(group->id, "compact");
  const Reply before = get("/Groups/" + gid);
  ASSERT_EQ(before.status, 200) << before.text;
  EXPECT_EQ(before.body["id"], gid);
  const std::string path = "members[value eq \"" + formatId(member, "compact") + "\"]";
  const Reply removed = patch("/Groups/" + gid, json::array({{{"op", "remove"}, {"path", path}}}));
  EXPECT_TRUE(removed.status == 200 || removed.status == 204) << removed.text;
  const auto after = target_->tenant().snapshot();
  for (const auto& g : after.groups) {
    if (g.id != group->id) continue;
    for (const auto& m : g.members) EXPECT_NE(m.id, member) << "the membership should be gone";
  }
}

TEST_F(FaultSchemaTest, OperationMatchFollowsTheDrillsOperation) {
  FaultRule r = make("later", FaultKind::ChangeIdFormat);
  r.style = "uppercase";
  r.match.operation = scenarios::Range{2, 2};
  serve({r});
  const std::string id = target_->tenant().snapshot().groups.at(0).id;
  EXPECT_EQ(get("/Groups?count=1").body["Resources"][0]["id"], id);
  target_->setOperation(1);
  EXPECT_EQ(get("/Groups?count=1").body["Resources"][0]["id"], id);
  target_->setOperation(2);
  EXPECT_EQ(get("/Groups?count=1").body["Resources"][0]["id"], formatId(id, "uppercase"));
  target_->setOperation(3);
  EXPECT_EQ(get("/Groups?count=1").body["Resources"][0]["id"], id);
}

// ---- slow body ----

TEST_F(FaultSchemaTest, SlowBodyArrivesWholeInPieces) {
  FaultRule r = make("slow", FaultKind::SlowBody);
  r.chunk_bytes = 500;
  r.delay_ms = 2;
  r.match.resource = "Users";
  serve({r});
  const Reply slow = get("/Users?count=5");
  ASSERT_EQ(slow.status, 200);
  EXPECT_EQ(slow.body["Resources"].size(), 5u) << "the body arrives whole";
  const JournalEntry e = target_->journal().entries().back();
  EXPECT_EQ(e.note, "fault slow (slow_body): 500-byte pieces 2 ms apart");
  EXPECT_EQ(e.bytes_out, slow.text.size());
  EXPECT_EQ(fired("slow"), 1);
}

}  // namespace
}  // namespace faultline::mocks
