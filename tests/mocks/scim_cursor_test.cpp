// Cursor pagination (the SCIM cursor-pagination draft) and its refusals.
#include <gtest/gtest.h>

#include <limits>
#include <set>

#include "mocks/scim_dialect.h"
#include "tests/mocks/scim_test_fixture.h"

namespace faultline::mocks {
namespace {

TEST(ScimCursorTest, CursorsRoundTripAndRejectForgeries) {
  EXPECT_EQ(decodeCursor(""), 0);
  EXPECT_EQ(decodeCursor(encodeCursor(0)), 0);
  EXPECT_EQ(decodeCursor(encodeCursor(12345)), 12345);
  // Correctly signed but beyond any tenant: refused before it can overflow paging.
  EXPECT_EQ(decodeCursor(encodeCursor(std::numeric_limits<long long>::max())), std::nullopt);
  EXPECT_EQ(decodeCursor(encodeCursor(1LL << 40)), 1LL << 40);
  std::string forged = encodeCursor(40);
  forged[1] = '5';  // another offset, the old check value
  EXPECT_EQ(decodeCursor(forged), std::nullopt);
  EXPECT_EQ(decodeCursor("garbage"), std::nullopt);
  EXPECT_EQ(decodeCursor("c-1.0000"), std::nullopt);
}

TEST_F(ScimDialectTest, CursorPagingWalksEveryUserOnceAndEndsWithoutNextCursor) {
  std::set<std::string> ids;
  std::string cursor;
  int pages = 0;
  for (; pages < 20; ++pages) {
    const Reply r = get("/Users?count=7&cursor=" + cursor);
    ASSERT_EQ(r.status, 200) << r.text;
    EXPECT_FALSE(r.body.contains("startIndex"));
    for (const auto& u : r.body["Resources"])
      EXPECT_TRUE(ids.insert(u["id"].get<std::string>()).second);
    if (!r.body.contains("nextCursor")) break;
    cursor = r.body["nextCursor"];
  }
  EXPECT_EQ(ids.size(), target_.tenant().snapshot().accounts.size());
  EXPECT_LT(pages, 20);
}

TEST_F(ScimDialectTest, ForgedCursorIs400InvalidCursor) {
  const Reply r = get("/Users?count=7&cursor=c7.ffff");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["scimType"], "invalidCursor");
}

TEST_F(ScimDialectTest, CursorWithStartIndexIs400) {
  const Reply r = get("/Users?startIndex=2&cursor=");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["detail"], "startIndex and cursor cannot be used together");
}

}  // namespace
}  // namespace faultline::mocks
