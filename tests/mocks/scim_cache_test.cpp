// Cached serialisation must never serve bytes older than the tenant: every
// write, to any resource, invalidates what lists show.
#include <gtest/gtest.h>

#include "mocks/scim_resource_cache.h"
#include "tests/mocks/scim_test_fixture.h"

namespace faultline::mocks {
namespace {

json findById(const json& list, const std::string& id) {
  for (const auto& r : list.value("Resources", json::array())) {
    if (r.value("id", "") == id) return r;
  }
  return nullptr;
}

TEST_F(ScimDialectTest, ListedUserShowsAGroupMembershipRemovedSinceTheLastList) {
  const auto state = target_.tenant().snapshot();
  const Group* group = nullptr;
  std::string member;
  for (const auto& g : state.groups) {
    for (const auto& m : g.members) {
      if (!m.is_group) {
        group = &g;
        member = m.id;
        break;
      }
    }
    if (group != nullptr) break;
  }
  ASSERT_NE(group, nullptr);
  const json before = findById(get("/Users?count=100").body, member);
  ASSERT_TRUE(before.is_object());
  const auto has_group = [&](const json& user) {
    for (const auto& g : user.value("groups", json::array())) {
      if (g.value("value", "") == group->id) return true;
    }
    return false;
  };
  ASSERT_TRUE(has_group(before));
  // The write goes to the group; the user's own version does not move.
  ASSERT_EQ(patch("/Groups/" + group->id,
                  {{{"op", "remove"}, {"path", "members[value eq \"" + member + "\"]"}}})
                .status,
            200);
  const json after = findById(get("/Users?count=100").body, member);
  ASSERT_TRUE(after.is_object());
  EXPECT_FALSE(has_group(after)) << after.dump();
  EXPECT_EQ(after["meta"]["version"], before["meta"]["version"]);
}

TEST_F(ScimDialectTest, ListedUserShowsItsNewVersionAfterAWrite) {
  const std::string id = target_.tenant().snapshot().accounts.at(0).id;
  const json before = findById(get("/Users?count=5").body, id);
  ASSERT_EQ(
      patch("/Users/" + id, {{{"op", "replace"}, {"path", "displayName"}, {"value", "Renamed"}}})
          .status,
      200);
  const json after = findById(get("/Users?count=5").body, id);
  EXPECT_EQ(after["displayName"], "Renamed");
  EXPECT_NE(after["meta"]["version"], before["meta"]["version"]);
}

TEST_F(ScimDialectTest, RepeatedListsReturnIdenticalBytes) {
  const Reply a = get("/Users?startIndex=3&count=7");
  const Reply b = get("/Users?startIndex=3&count=7");
  EXPECT_EQ(a.text, b.text);
}

TEST(ResourceCacheTest, PagesBelongToOneGenerationAndStayUnderTheBound) {
  ResourceCache cache;
  TenantState state;
  state.generation = 4;
  std::string out;
  EXPECT_FALSE(cache.findPage("Users\n1\n10", state, out));
  cache.storePage("Users\n1\n10", state, "page-one");
  ASSERT_TRUE(cache.findPage("Users\n1\n10", state, out));
  EXPECT_EQ(out, "page-one");
  EXPECT_FALSE(cache.findPage("Users\n11\n10", state, out));
  // A write makes a new generation: the old page is never served again.
  state.generation = 5;
  EXPECT_FALSE(cache.findPage("Users\n1\n10", state, out));
  cache.storePage("Users\n1\n10", state, "page-one-v5");
  ASSERT_TRUE(cache.findPage("Users\n1\n10", state, out));
  EXPECT_EQ(out, "page-one-v5");
  // Past the bound a generation stores no more pages (and still serves what it has).
  const std::string big(ResourceCache::kMaxPageBytes, 'x');
  cache.storePage("huge", state, big);
  EXPECT_FALSE(cache.findPage("huge", state, out));
  EXPECT_TRUE(cache.findPage("Users\n1\n10", state, out));
}

TEST_F(ScimDialectTest, IndexAndCursorPagesOfTheSameRangeAreNotConfused) {
  const Reply index = get("/Users?startIndex=1&count=5");
  const Reply cursor = get("/Users?cursor=&count=5");
  ASSERT_EQ(index.status, 200);
  ASSERT_EQ(cursor.status, 200) << cursor.text;
  EXPECT_TRUE(index.body.contains("startIndex"));
  EXPECT_FALSE(index.body.contains("nextCursor"));
  EXPECT_TRUE(cursor.body.contains("nextCursor"));
  EXPECT_EQ(idsOf(index.body), idsOf(cursor.body));
  EXPECT_EQ(get("/Users?startIndex=1&count=5").text, index.text);
}

}  // namespace
}  // namespace faultline::mocks
