// Id-format drift: the two styles, the rewrite of a whole document and the
// mapping back of whatever a connector sends.
#include "mocks/id_format.h"

#include <gtest/gtest.h>

#include <string>

namespace faultline::mocks {
namespace {

constexpr const char* kId = "0f8e2c1a-9b3d-4e5f-a6b7-c8d9e0f1a2b3";

TEST(IdFormatTest, StylesAreTheDocumentedShapes) {
  EXPECT_EQ(formatId(kId, "uppercase"), "0F8E2C1A-9B3D-4E5F-A6B7-C8D9E0F1A2B3");
  EXPECT_EQ(formatId(kId, "compact"), "00u0f8e2c1a9b3d4e5fa6b7c8d9e0f1a2b3");
  EXPECT_TRUE(isUuid(kId));
  EXPECT_TRUE(isUuid(formatId(kId, "uppercase")));
  EXPECT_FALSE(isUuid(formatId(kId, "compact")));
  EXPECT_FALSE(isUuid("key-0f8e2c1a-9b3d-4e"));
  EXPECT_FALSE(isUuid("0f8e2c1a-9b3d-4e5f-a6b7-c8d9e0f1a2bZ"));
}

TEST(IdFormatTest, BothStylesMapBackToTheCanonicalId) {
  for (const char* style : {"uppercase", "compact"}) {
    EXPECT_EQ(canonicalIds(formatId(kId, style)), kId) << style;
    EXPECT_EQ(canonicalIds("/scim/v2/Users/" + formatId(kId, style)),
              std::string("/scim/v2/Users/") + kId);
  }
  // Inside a percent-encoded filter and a PATCH path.
  EXPECT_EQ(canonicalIds("filter=id%20eq%20%2200u0f8e2c1a9b3d4e5fa6b7c8d9e0f1a2b3%22"),
            std::string("filter=id%20eq%20%22") + kId + "%22");
  EXPECT_EQ(
      canonicalIds(R"({"path":"members[value eq \"0F8E2C1A-9B3D-4E5F-A6B7-C8D9E0F1A2B3\"]"})"),
      std::string(R"({"path":"members[value eq \")") + kId + R"(\"]"})");
  // Text that only looks close is left alone.
  EXPECT_EQ(canonicalIds("00u0f8e2c1a9b3d4e5fa6b7c8d9e0f1a2b3ff"),
            "00u0f8e2c1a9b3d4e5fa6b7c8d9e0f1a2b3ff");
  EXPECT_EQ(canonicalIds("00uXYZ"), "00uXYZ");
  EXPECT_EQ(canonicalIds(""), "");
}

TEST(IdFormatTest, ReformatChangesIdsReferencesAndLocationsOnly) {
  const std::string id(kId);
  auto doc = nlohmann::ordered_json::parse(
      R"({"id":")" + id + R"(","userName":"ann","groups":[{"value":")" + id +
      R"(","$ref":"http://127.0.0.1:1/scim/v2/Groups/)" + id +
      R"("}],"meta":{"location":"http://h/scim/v2/Users/)" + id +
      R"("},"urn:x:ext":{"credentials":[{"value":"key-0f8e2c1a-9b3d-4e"}]}})");
  EXPECT_EQ(reformatIds(doc, "compact"), 4u);
  const std::string compact = formatId(kId, "compact");
  EXPECT_EQ(doc["id"], compact);
  EXPECT_EQ(doc["groups"][0]["value"], compact);
  EXPECT_EQ(doc["groups"][0]["$ref"], "http://127.0.0.1:1/scim/v2/Groups/" + compact);
  EXPECT_EQ(doc["meta"]["location"], "http://h/scim/v2/Users/" + compact);
  EXPECT_EQ(doc["userName"], "ann");
  EXPECT_EQ(doc["urn:x:ext"]["credentials"][0]["value"], "key-0f8e2c1a-9b3d-4e");
}

}  // namespace
}  // namespace faultline::mocks
