#include "mocks/scim_patch.h"

#include <gtest/gtest.h>

namespace faultline::mocks {
namespace {

using nlohmann::json;

Group threeMembers() {
  Group g;
  g.id = "g";
  g.display_name = "G";
  g.members = {{"u1", false}, {"u2", false}, {"sub", true}};
  return g;
}

std::vector<std::string> memberIds(const Group& g) {
  std::vector<std::string> out;
  for (const auto& m : g.members) out.push_back(m.id);
  return out;
}

json patchOf(json operations) {
  return {{"schemas", {"urn:ietf:params:scim:api:messages:2.0:PatchOp"}},
          {"Operations", operations}};
}

TEST(ScimPatchTest, RemoveWithValueFilterRemovesOnlyThatMember) {
  Group g = threeMembers();
  const auto e =
      applyGroupPatch(patchOf({{{"op", "remove"}, {"path", "members[value eq \"u2\"]"}}}), g);
  ASSERT_TRUE(e.ok()) << e.detail;
  EXPECT_EQ(memberIds(g), (std::vector<std::string>{"u1", "sub"}));
}

TEST(ScimPatchTest, RemoveWithValueListRemovesOnlyListedMembers) {
  Group g = threeMembers();
  const auto e = applyGroupPatch(patchOf({{{"op", "Remove"},
                                           {"path", "members"},
                                           {"value", {{{"value", "u1"}}, {{"value", "sub"}}}}}}),
                                 g);
  ASSERT_TRUE(e.ok()) << e.detail;
  EXPECT_EQ(memberIds(g), (std::vector<std::string>{"u2"}));
}

TEST(ScimPatchTest, RemoveWithoutFilterOrValueClearsTheAttribute) {
  Group g = threeMembers();
  const auto e = applyGroupPatch(patchOf({{{"op", "remove"}, {"path", "members"}}}), g);
  ASSERT_TRUE(e.ok()) << e.detail;
  EXPECT_TRUE(g.members.empty());
}

TEST(ScimPatchTest, RemovingAnAbsentMemberSucceeds) {
  Group g = threeMembers();
  const auto e =
      applyGroupPatch(patchOf({{{"op", "remove"}, {"path", "members[value eq \"nobody\"]"}}}), g);
  ASSERT_TRUE(e.ok()) << e.detail;
  EXPECT_EQ(g.members.size(), 3u);
}

TEST(ScimPatchTest, RemoveWithMalformedValueListIsInvalidValue) {
  Group g = threeMembers();
  const auto e = applyGroupPatch(
      patchOf({{{"op", "remove"}, {"path", "members"}, {"value", {{{"id", "u1"}}}}}}), g);
  EXPECT_EQ(e.scim_type, "invalidValue");
  EXPECT_EQ(e.detail, "/Operations/0/value/0/value: is required");
}

TEST(ScimPatchTest, ReplaceActiveOnUserRequiresABoolean) {
  Account a;
  a.user_name = "x";
  EXPECT_TRUE(
      applyUserPatch(patchOf({{{"op", "replace"}, {"path", "active"}, {"value", false}}}), a).ok());
  EXPECT_FALSE(a.active);
  const auto e =
      applyUserPatch(patchOf({{{"op", "replace"}, {"path", "active"}, {"value", "False"}}}), a);
  EXPECT_EQ(e.scim_type, "invalidValue");
  EXPECT_EQ(e.detail, "/Operations/0/value: must be a boolean, got a string");
}

}  // namespace
}  // namespace faultline::mocks
