#include "mocks/scim_filter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faultline::mocks {
namespace {

// Babs Jensen from RFC 7643 §8.2, trimmed to what the filters below touch.
MapAttributeSource makeUser() {
  MapAttributeSource user;
  user.add("id", "2819c223-7f76-453a-919d-413861904646", /*case_exact=*/true);
  user.add("externalId", "701984");
  user.add("userName", "bjensen@example.com");
  user.add("displayName", "Babs Jensen");
  user.add("name.givenName", "Barbara");
  user.add("name.familyName", "Jensen");
  user.add("nickName", "");
  user.add("title", nullptr);
  user.add("active", true);
  user.add("loginCount", 42.0);
  user.add("meta.lastModified", "2011-05-13T04:42:34Z");
  user.add("schemas", "urn:ietf:params:scim:schemas:core:2.0:User");
  user.add("schemas", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
  user.add("employeeNumber", "701984");
  MapAttributeSource& work = user.addElement("emails");
  work.add("type", "work").add("value", "bjensen@example.com").add("primary", true);
  MapAttributeSource& home = user.addElement("emails");
  home.add("type", "home").add("value", "babs@jensen.org");
  return user;
}

class ScimFilterTest : public ::testing::Test {
 protected:
  // Parses `text`, failing the test on a parse error, and evaluates it against the user.
  bool matches(std::string_view text) {
    FilterParse parsed = parseFilter(text);
    EXPECT_EQ(parsed.error, "") << text;
    return parsed.filter != nullptr && parsed.filter->matches(user_);
  }

  MapAttributeSource user_ = makeUser();
};

std::string canonical(std::string_view text) {
  FilterParse parsed = parseFilter(text);
  EXPECT_EQ(parsed.error, "") << text;
  return parsed.filter ? parsed.filter->toString() : "";
}

std::string filterError(std::string_view text) {
  FilterParse parsed = parseFilter(text);
  EXPECT_EQ(parsed.filter, nullptr) << text;
  return parsed.error;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

std::string nested(int levels, std::string_view core) {
  return std::string(levels, '(') + std::string(core) + std::string(levels, ')');
}

TEST_F(ScimFilterTest, MatchesEqualityOnCoreIdentifiers) {
  EXPECT_TRUE(matches(R"(id eq "2819c223-7f76-453a-919d-413861904646")"));
  EXPECT_TRUE(matches(R"(userName eq "bjensen@example.com")"));
  EXPECT_TRUE(matches(R"(displayName eq "Babs Jensen")"));
  EXPECT_TRUE(matches(R"(externalId eq "701984")"));
  EXPECT_FALSE(matches(R"(userName eq "jsmith@example.com")"));
  EXPECT_FALSE(matches(R"(externalId eq "70198")"));
}

TEST_F(ScimFilterTest, TreatsAttributeNamesAndOperatorsCaseInsensitively) {
  EXPECT_TRUE(matches(R"(USERNAME EQ "bjensen@example.com")"));
  EXPECT_TRUE(matches(R"(uSeRnAmE eQ "bjensen@example.com" AnD ACTIVE Pr)"));
  EXPECT_TRUE(matches(R"(Name.GivenName sw "Bar" OR not (Title PR))"));
  EXPECT_EQ(canonical(R"(UserName EQ "X")"), R"(username eq "X")");
}

TEST_F(ScimFilterTest, ComparesStringsCaseInsensitivelyByDefault) {
  EXPECT_TRUE(matches(R"(userName eq "BJensen@Example.COM")"));
  EXPECT_TRUE(matches(R"(displayName co "JENSEN")"));
  EXPECT_FALSE(matches(R"(displayName ne "babs jensen")"));
}

TEST_F(ScimFilterTest, ComparesCaseExactAttributesExactly) {
  EXPECT_FALSE(matches(R"(id eq "2819C223-7F76-453A-919D-413861904646")"));
  EXPECT_TRUE(matches(R"(id ne "2819C223-7F76-453A-919D-413861904646")"));
  EXPECT_FALSE(matches(R"(id sw "2819C")"));
  EXPECT_TRUE(matches(R"(id sw "2819c")"));
}

TEST_F(ScimFilterTest, BindsAndTighterThanOr) {
  EXPECT_EQ(canonical(R"(a pr or b pr and c pr)"), R"(a pr or b pr and c pr)");
  EXPECT_EQ(canonical(R"((a pr or b pr) and c pr)"), R"((a pr or b pr) and c pr)");
  // true or (true and false) is true; (true or true) and false is false.
  EXPECT_TRUE(matches(R"(active pr or userName pr and title pr)"));
  EXPECT_FALSE(matches(R"((active pr or userName pr) and title pr)"));
  EXPECT_FALSE(matches(R"(title pr and userName pr or nickName pr)"));
}

TEST_F(ScimFilterTest, NotBindsTighterThanAnd) {
  EXPECT_EQ(canonical(R"(not (a pr) and b pr)"), R"(not (a pr) and b pr)");
  EXPECT_TRUE(matches(R"(not (title pr) and active pr)"));
  EXPECT_FALSE(matches(R"(not (title pr and active pr) and title pr)"));
  EXPECT_TRUE(matches(R"(not(not(active pr)))"));
}

TEST_F(ScimFilterTest, DropsRedundantParenthesesAndFlattensChains) {
  EXPECT_EQ(canonical(R"(((a pr)))"), R"(a pr)");
  EXPECT_EQ(canonical(R"(a pr or (b pr or (c pr)))"), R"(a pr or b pr or c pr)");
  EXPECT_EQ(canonical(R"(a pr and (b pr and c pr))"), R"(a pr and b pr and c pr)");
}

TEST_F(ScimFilterTest, EvaluatesEachOperatorOnStrings) {
  const std::vector<std::pair<std::string_view, bool>> cases = {
      {R"(name.familyName eq "jensen")", true},
      {R"(name.familyName eq "jense")", false},
      {R"(name.familyName ne "smith")", true},
      {R"(name.familyName ne "jensen")", false},
      {R"(name.familyName co "ens")", true},
      {R"(name.familyName co "x")", false},
      {R"(name.familyName sw "jen")", true},
      {R"(name.familyName sw "ens")", false},
      {R"(name.familyName ew "sen")", true},
      {R"(name.familyName ew "jen")", false},
      {R"(name.familyName gt "Ja")", true},
      {R"(name.familyName gt "jensen")", false},
      {R"(name.familyName ge "JENSEN")", true},
      {R"(name.familyName ge "k")", false},
      {R"(name.familyName lt "K")", true},
      {R"(name.familyName lt "jensen")", false},
      {R"(name.familyName le "jensen")", true},
      {R"(name.familyName le "jen")", false},
      {R"(name.familyName co "")", true},
      {R"(meta.lastModified gt "2011-05-13")", true},
      {R"(meta.lastModified lt "2011-05-13T04:42:34Z")", false},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(matches(text), expected) << text;
}

TEST_F(ScimFilterTest, ComparesNumbersNumerically) {
  const std::vector<std::pair<std::string_view, bool>> cases = {
      {"loginCount eq 42", true},   {"loginCount eq 42.0", true}, {"loginCount eq 4.2e1", true},
      {"loginCount ne 41", true},   {"loginCount gt 9", true},    {"loginCount gt 42", false},
      {"loginCount ge 42", true},   {"loginCount lt 100", true},  {"loginCount le 41.5", false},
      {"loginCount gt -1E+3", true}};
  for (const auto& [text, expected] : cases) EXPECT_EQ(matches(text), expected) << text;
}

TEST_F(ScimFilterTest, ComparesBooleansByEqualityOnly) {
  EXPECT_TRUE(matches("active eq true"));
  EXPECT_FALSE(matches("active eq false"));
  EXPECT_TRUE(matches("active ne false"));
  EXPECT_TRUE(matches("active eq TRUE"));
}

TEST_F(ScimFilterTest, NeverMatchesValuesOfAnotherType) {
  EXPECT_FALSE(matches(R"(active eq "true")"));
  EXPECT_FALSE(matches(R"(loginCount eq "42")"));
  EXPECT_FALSE(matches(R"(userName eq 42)"));
  EXPECT_FALSE(matches(R"(loginCount ne "42")"));
}

TEST_F(ScimFilterTest, PresentRequiresANonEmptyValue) {
  EXPECT_TRUE(matches("userName pr"));
  EXPECT_TRUE(matches("emails pr"));
  EXPECT_FALSE(matches("nickName pr"));  // ""
  EXPECT_FALSE(matches("title pr"));     // null
  EXPECT_FALSE(matches("profileUrl pr"));
}

TEST_F(ScimFilterTest, TreatsNullAsUnassigned) {
  EXPECT_TRUE(matches("title eq null"));
  EXPECT_TRUE(matches("profileUrl eq null"));
  EXPECT_FALSE(matches("userName eq null"));
  EXPECT_TRUE(matches("userName ne null"));
  EXPECT_FALSE(matches("title ne null"));
}

TEST_F(ScimFilterTest, NotEqualMatchesUnassignedAttributes) {
  EXPECT_TRUE(matches(R"(profileUrl ne "x")"));
  EXPECT_TRUE(matches(R"(title ne "x")"));
  EXPECT_EQ(matches(R"(profileUrl ne "x")"), matches(R"(not (profileUrl eq "x"))"));
}

TEST_F(ScimFilterTest, MatchesAnyValueOfAMultiValuedAttribute) {
  EXPECT_TRUE(matches(R"(schemas eq "urn:ietf:params:scim:schemas:core:2.0:User")"));
  EXPECT_TRUE(matches(R"(schemas co "enterprise")"));
  EXPECT_FALSE(matches(R"(schemas co "Group")"));
  EXPECT_TRUE(matches(R"(emails.value ew "@jensen.org")"));
  EXPECT_TRUE(matches(R"(emails.type eq "work" and emails.value co "jensen.org")"));
}

TEST_F(ScimFilterTest, ValuePathRequiresOneElementToMeetEveryCondition) {
  EXPECT_TRUE(matches(R"(emails[type eq "work" and value co "@example.com"])"));
  EXPECT_FALSE(matches(R"(emails[type eq "home" and value co "@example.com"])"));
  EXPECT_TRUE(matches(R"(emails[type eq "home" or primary eq true] and userName pr)"));
  EXPECT_TRUE(matches(R"(emails[not (type eq "work")])"));
  EXPECT_FALSE(matches(R"(phoneNumbers[type eq "work"])"));
  EXPECT_EQ(canonical(R"(Emails[Type EQ "work"])"), R"(emails[type eq "work"])");
}

TEST_F(ScimFilterTest, StripsSchemaUrnPrefixes) {
  EXPECT_TRUE(matches(R"(urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bjensen")"));
  EXPECT_TRUE(matches(R"(urn:ietf:params:scim:schemas:core:2.0:User:name.givenName eq "barbara")"));
  EXPECT_TRUE(
      matches(R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber pr)"));
  FilterParse parsed =
      parseFilter(R"(urn:ietf:params:scim:schemas:core:2.0:User:Name.GivenName pr)");
  ASSERT_NE(parsed.filter, nullptr);
  ASSERT_EQ(parsed.filter->attributePaths().size(), 1u);
  const AttributePath& path = parsed.filter->attributePaths()[0];
  EXPECT_EQ(path.schema_urn, "urn:ietf:params:scim:schemas:core:2.0:User");
  EXPECT_EQ(path.name, "name.givenname");
  EXPECT_EQ(path.spelling, "urn:ietf:params:scim:schemas:core:2.0:User:Name.GivenName");
}

TEST_F(ScimFilterTest, DecodesJsonEscapesInStrings) {
  MapAttributeSource source;
  // One escape of each kind, and UTF-8 of one, two, three and four bytes.
  source.add("title", "say \"hi\"\\/\tA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  FilterParse parsed = parseFilter(R"(title eq "say \"hi\"\\\/\t\u0041\u00e9\u20AC\ud83d\ude00")");
  ASSERT_EQ(parsed.error, "");
  EXPECT_TRUE(parsed.filter->matches(source));
  EXPECT_EQ(parsed.filter->toString(),
            "title eq \"say \\\"hi\\\"\\\\/\\u0009A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
}

TEST_F(ScimFilterTest, WritesCanonicalLiterals) {
  EXPECT_EQ(canonical("a eq 1.50"), "a eq 1.5");
  EXPECT_EQ(canonical("a eq -0"), "a eq -0");
  EXPECT_EQ(canonical("a gt 1E3"), "a gt 1000");
  EXPECT_EQ(canonical("a eq 1e300"), "a eq 1e+300");
  EXPECT_EQ(canonical("a eq NULL or b eq False"), "a eq null or b eq false");
}

TEST_F(ScimFilterTest, ReportsSimpleEqualityForIndexLookups) {
  for (std::string_view attribute : {"userName", "id", "externalId", "displayName"}) {
    FilterParse parsed = parseFilter(std::string(attribute) + R"( EQ "Some Value")");
    ASSERT_NE(parsed.filter, nullptr);
    std::optional<SimpleEquality> equality = parsed.filter->asSimpleEquality();
    ASSERT_TRUE(equality.has_value()) << attribute;
    EXPECT_EQ(equality->attribute.name, lower(attribute));
    EXPECT_EQ(equality->value, "Some Value");
  }
  for (std::string_view text :
       {R"(userName ne "x")", R"(userName eq "x" and id pr)", R"(userName eq 5)",
        R"(members[value eq "x"])", R"(not (userName eq "x"))", R"(userName eq null)"}) {
    EXPECT_FALSE(parseFilter(text).filter->asSimpleEquality().has_value()) << text;
  }
  EXPECT_TRUE(parseFilter(R"(((userName eq "x")))").filter->asSimpleEquality().has_value());
}

TEST_F(ScimFilterTest, ListsEachNamedAttributeOnce) {
  FilterParse parsed = parseFilter(
      R"(userName eq "a" or USERNAME sw "b" or emails[type eq "work" and Value pr] or meta.created gt "2020")");
  ASSERT_NE(parsed.filter, nullptr);
  std::vector<std::string> names;
  for (const AttributePath& path : parsed.filter->attributePaths()) names.push_back(path.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"username", "emails.type", "emails.value", "meta.created"}));
}

TEST_F(ScimFilterTest, AcceptsNestingUpToTheLimit) {
  EXPECT_TRUE(matches(nested(kMaxFilterNesting, "userName pr")));
  std::string deep_not = "userName pr";
  for (int i = 0; i < kMaxFilterNesting; ++i) deep_not = "not (" + deep_not + ")";
  EXPECT_TRUE(matches(deep_not));  // an even number of negations
}

TEST_F(ScimFilterTest, EvaluatesLongChainsWithoutDeepRecursion) {
  std::string chain = "userName pr";
  for (int i = 0; i < 100000; ++i) chain += i % 2 ? " and active pr" : " or title pr";
  EXPECT_TRUE(matches(chain));
}

TEST_F(ScimFilterTest, RejectsMalformedFilters) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "filter is empty"},
      {"   ", "filter is empty"},
      {R"(userName eq "bjensen)", "unterminated string starting at offset 12"},
      {R"(userName eq "bjensen\)", "unterminated string starting at offset 12"},
      {R"(userName xx "a")", "unknown operator 'xx' at offset 9"},
      {"userName", "expected a comparison operator after 'userName' at offset 8"},
      {"userName ", "expected a comparison operator after 'userName' at offset 9"},
      {"userName eq", "expected a value after 'eq' at offset 11"},
      {"userName eq )", "expected a value at offset 12, found ')'"},
      {"userName eq bjensen",
       "invalid value 'bjensen' at offset 12 (strings must be in double quotes)"},
      {R"(userName eq "a" extra)",
       "expected 'and', 'or' or end of input at offset 16, found 'extra'"},
      {R"(userName eq "a" and)", "expected an attribute path at offset 19, found end of input"},
      {R"((userName eq "a")", "missing ')' for the '(' at offset 0"},
      {R"(userName eq "a"))", "unexpected ')' at offset 15"},
      {R"(userName eq "a"])", "unexpected ']' at offset 15"},
      {R"((userName eq "a"])", "expected 'and', 'or' or ')' at offset 16, found ']'"},
      {R"(emails[type eq "work")", "missing ']' for the '[' at offset 6"},
      {R"(emails[type eq "work"))", "expected 'and', 'or' or ']' at offset 21, found ')'"},
      {"()", "expected an attribute path at offset 1, found ')'"},
      {R"("userName" eq "a")", "expected an attribute path at offset 0, found '\"'"},
      {R"(not userName eq "a")", "expected '(' after 'not' at offset 4"},
      {"active gt true", "operator 'gt' needs a string or number value at offset 10"},
      {"title LE null", "operator 'LE' needs a string or number value at offset 9"},
      {"userName co 5", "operator 'co' needs a string value at offset 12"},
      {R"(userName eq "a\qb")", "invalid escape '\\q' at offset 14"},
      {R"(userName eq "\u12")", "invalid \\u escape at offset 13"},
      {R"(userName eq "\ud800")", "unpaired surrogate in \\u escape at offset 13"},
      {R"(userName eq "\udc00\ud800")", "unpaired surrogate in \\u escape at offset 13"},
      {"userName eq \"a\x01\"", "unescaped control character in string at offset 14"},
      {"loginCount gt 1.", "invalid number '1.' at offset 14"},
      {"loginCount gt 01", "invalid number '01' at offset 14"},
      {"loginCount gt 1e999", "number '1e999' is out of range at offset 14"},
      {R"(1userName eq "a")", "invalid attribute path '1userName' at offset 0"},
      {R"(name.givenName.x eq "a")", "invalid attribute path 'name.givenName.x' at offset 0"},
      {R"(foo:userName eq "a")", "invalid schema URN 'foo' at offset 0"},
      {R"(urn:ietf:params:scim:schemas:core:2.0:User: eq "a")",
       "expected an attribute name after the schema URN at offset 43"},
      {R"(emails[value[type eq "a"] eq "x"])", "value paths cannot be nested at offset 12"},
      {R"(emails[type eq "work"].value eq "x")",
       "expected 'and', 'or' or end of input at offset 22, found '.value'"},
      {"userName \xFF\x01 \"x\"", "unknown operator '\\xFF\\x01' at offset 9"},
      {"userName eq \"a\" or " + std::string(60, 'x'),
       "expected a comparison operator after "
       "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' at offset 79"},
      {nested(kMaxFilterNesting + 1, "userName pr"),
       "filter nests deeper than 64 levels at offset 64"},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(filterError(text), expected) << text;
}

TEST(ScimPatchPathTest, ParsesASimpleAttribute) {
  PatchPathParse parsed = parsePatchPath("Active");
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.path->attribute.name, "active");
  EXPECT_EQ(parsed.path->attribute.spelling, "Active");
  EXPECT_EQ(parsed.path->attribute.schema_urn, "");
  EXPECT_EQ(parsed.path->value_filter, nullptr);
  EXPECT_EQ(parsed.path->sub_attribute, "");
}

TEST(ScimPatchPathTest, ParsesASubAttribute) {
  PatchPathParse parsed = parsePatchPath("name.familyName");
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.path->attribute.name, "name.familyname");
  EXPECT_EQ(parsed.path->attribute.spelling, "name.familyName");
  EXPECT_EQ(parsed.path->value_filter, nullptr);
}

TEST(ScimPatchPathTest, SelectsTheMemberNamedByAValuePath) {
  PatchPathParse parsed = parsePatchPath(R"(members[value eq "2819c223"])");
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.path->attribute.name, "members");
  ASSERT_NE(parsed.path->value_filter, nullptr);
  EXPECT_EQ(parsed.path->value_filter->toString(), R"(value eq "2819c223")");
  MapAttributeSource member;
  member.add("value", "2819c223").add("display", "Babs");
  MapAttributeSource other;
  other.add("value", "902c246b");
  EXPECT_TRUE(parsed.path->selects(member));
  EXPECT_FALSE(parsed.path->selects(other));
  EXPECT_TRUE(parsePatchPath("members").path->selects(other));
}

TEST(ScimPatchPathTest, ParsesAValuePathWithASubAttribute) {
  PatchPathParse parsed = parsePatchPath(R"(emails[type eq "work" and primary eq true].Value)");
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.path->attribute.name, "emails");
  EXPECT_EQ(parsed.path->value_filter->toString(), R"(type eq "work" and primary eq true)");
  EXPECT_EQ(parsed.path->sub_attribute, "value");
}

TEST(ScimPatchPathTest, ParsesASchemaUrnPrefix) {
  PatchPathParse parsed =
      parsePatchPath("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value");
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.path->attribute.schema_urn,
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
  EXPECT_EQ(parsed.path->attribute.name, "manager.value");
}

TEST(ScimPatchPathTest, RejectsMalformedPaths) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "path is empty"},
      {"[value eq \"x\"]", "expected an attribute path at offset 0, found '['"},
      {"1members", "invalid attribute path '1members' at offset 0"},
      {"name.familyName extra", "expected end of path at offset 16, found 'extra'"},
      {"members]", "expected end of path at offset 7, found ']'"},
      {"members[]", "expected an attribute path at offset 8, found ']'"},
      {R"(members[value eq "x")", "missing ']' for the '[' at offset 7"},
      {R"(members[value eq "x"].)", "invalid sub-attribute '.' at offset 21"},
      {R"(members[value eq "x"].display.x)", "invalid sub-attribute '.display.x' at offset 21"},
      {R"(members[value eq "x"]display)", "expected end of path at offset 21, found 'display'"},
      {R"(members[value[type eq "x"]])", "value paths cannot be nested at offset 13"},
      {R"(members[value eq x])",
       "invalid value 'x' at offset 17 (strings must be in double quotes)"},
      {"bad:members", "invalid schema URN 'bad' at offset 0"},
  };
  for (const auto& [text, expected] : cases) {
    PatchPathParse parsed = parsePatchPath(text);
    EXPECT_FALSE(parsed.path.has_value()) << text;
    EXPECT_EQ(parsed.error, expected) << text;
  }
}

}  // namespace
}  // namespace faultline::mocks
