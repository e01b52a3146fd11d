#include "harness/protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace faultline::harness {
namespace {

constexpr const char* kSyncStatus =
    R"({"type":"status","protocol":1,"status":"complete","reason":"","counts":{"account":1}})";
constexpr const char* kRevokeStatus =
    R"({"type":"status","protocol":1,"status":"complete","reason":"","counts":{"result":1}})";
constexpr const char* kAccount =
    R"({"type":"account","id":"u-1","userName":"bjensen@example.com","displayName":"Barbara Jensen","active":true,"accountType":"human","privileged":false})";

ConnectorOutput sync(const std::string& text, bool truncated = false) {
  return parseConnectorOutput(text, Operation::Sync, truncated);
}

ConnectorOutput revoke(const std::string& text, const std::set<std::string>& ids) {
  return parseConnectorOutput(text, Operation::Revoke, false, ids);
}

// "line: message" for each violation, to compare whole lists at once.
std::vector<std::string> violations(const ConnectorOutput& out) {
  std::vector<std::string> v;
  for (const auto& x : out.violations) v.push_back(std::to_string(x.line) + ": " + x.message);
  return v;
}

// Violations of one sync line followed by a good status line.
std::vector<std::string> violationsOfSyncLine(const std::string& line) {
  return violations(sync(line + "\n" + kSyncStatus + "\n"));
}

using Lines = std::vector<std::string>;

TEST(ProtocolTest, ParsesEveryRecordTypeOfASync) {
  const ConnectorOutput out = sync(
      std::string(kAccount) + "\n" +
      R"({"type":"group","id":"g-1","displayName":"Engineering"})"
      "\n"
      R"({"type":"entitlement","id":"ent-admin","displayName":"Production admin","privileged":true})"
      "\n"
      R"({"type":"grant","kind":"membership","principal_type":"group","principal":"g-2","target":"g-1"})"
      "\n"
      R"({"type":"credential","id":"key-1","owner":"u-1","kind":"api_key","expires":"2027-01-01T00:00:00Z","active":true})"
      "\n" +
      R"({"type":"status","protocol":1,"status":"partial","reason":"Users: HTTP 503","counts":{"account":1,"group":1,"grant":1}})"
      "\n");
  EXPECT_EQ(violations(out), Lines{});
  EXPECT_EQ(out.violation_count, 0u);

  ASSERT_EQ(out.accounts.size(), 1u);
  const AccountRecord& a = out.accounts[0];
  EXPECT_EQ(a.id, "u-1");
  EXPECT_EQ(a.user_name, "bjensen@example.com");
  EXPECT_EQ(a.display_name, "Barbara Jensen");
  EXPECT_TRUE(a.active);
  EXPECT_EQ(a.account_type, "human");
  EXPECT_FALSE(a.privileged);
  EXPECT_EQ(a.line, 1u);

  ASSERT_EQ(out.groups.size(), 1u);
  EXPECT_EQ(out.groups[0].id, "g-1");
  EXPECT_EQ(out.groups[0].display_name, "Engineering");
  EXPECT_EQ(out.groups[0].line, 2u);

  ASSERT_EQ(out.entitlements.size(), 1u);
  EXPECT_EQ(out.entitlements[0].id, "ent-admin");
  EXPECT_EQ(out.entitlements[0].display_name, "Production admin");
  EXPECT_TRUE(out.entitlements[0].privileged);

  ASSERT_EQ(out.grants.size(), 1u);
  const GrantRecord& g = out.grants[0];
  EXPECT_EQ(g.kind, "membership");
  EXPECT_EQ(g.principal_type, "group");
  EXPECT_EQ(g.principal, "g-2");
  EXPECT_EQ(g.target, "g-1");
  EXPECT_EQ(g.key(), "membership|group|g-2|g-1");
  EXPECT_EQ(g.line, 4u);

  ASSERT_EQ(out.credentials.size(), 1u);
  const CredentialRecord& c = out.credentials[0];
  EXPECT_EQ(c.id, "key-1");
  EXPECT_EQ(c.owner, "u-1");
  EXPECT_EQ(c.kind, "api_key");
  EXPECT_EQ(c.expires, "2027-01-01T00:00:00Z");
  EXPECT_TRUE(c.active);

  ASSERT_TRUE(out.status.has_value());
  EXPECT_EQ(out.status->status, "partial");
  EXPECT_EQ(out.status->reason, "Users: HTTP 503");
  EXPECT_EQ(out.status->counts,
            (std::map<std::string, long long>{{"account", 1}, {"group", 1}, {"grant", 1}}));
  EXPECT_EQ(out.status->line, 6u);
  EXPECT_EQ(out.lines.size(), 6u);
}

TEST(ProtocolTest, ParsesResultsOfARevoke) {
  const ConnectorOutput out =
      revoke(R"({"type":"result","id":"act-2","outcome":"failed","detail":"HTTP 403"})"
             "\n"
             R"({"type":"result","id":"act-1","outcome":"confirmed","detail":""})"
             "\n"
             R"({"type":"result","id":"act-3","outcome":"unconfirmed"})"
             "\n" +
                 std::string(kRevokeStatus) + "\n",
             {"act-1", "act-2", "act-3"});
  EXPECT_EQ(violations(out), Lines{});
  ASSERT_EQ(out.results.size(), 3u);
  EXPECT_EQ(out.results[0].id, "act-2");
  EXPECT_EQ(out.results[0].outcome, "failed");
  EXPECT_EQ(out.results[0].detail, "HTTP 403");
  EXPECT_EQ(out.results[1].outcome, "confirmed");
  EXPECT_EQ(out.results[2].outcome, "unconfirmed");
  EXPECT_EQ(out.results[2].detail, "");
  EXPECT_EQ(out.results[2].line, 3u);
  ASSERT_TRUE(out.status.has_value());
  EXPECT_EQ(out.status->counts.at("result"), 1);
}

TEST(ProtocolTest, AllowsNullExpiryForACredential) {
  const ConnectorOutput out = sync(
      R"({"type":"credential","id":"key-1","owner":"u-1","kind":"api_key","expires":null,"active":false})"
      "\n" +
      std::string(kSyncStatus) + "\n");
  EXPECT_EQ(violations(out), Lines{});
  ASSERT_EQ(out.credentials.size(), 1u);
  EXPECT_EQ(out.credentials[0].expires, "");
  EXPECT_FALSE(out.credentials[0].active);
}

TEST(ProtocolTest, IgnoresFieldsOutsideTheContract) {
  const ConnectorOutput out =
      sync(R"({"type":"group","id":"g-1","displayName":"G","x-source":"page 3"})"
           "\n" +
           std::string(kSyncStatus) + "\n");
  EXPECT_EQ(violations(out), Lines{});
  EXPECT_EQ(out.groups.size(), 1u);
}

TEST(ProtocolTest, IgnoresBlankLinesButKeepsLineNumbers) {
  const ConnectorOutput out =
      sync("\n   \n\t\r\n" + std::string(kAccount) + "\n\n" + kSyncStatus + "\n");
  EXPECT_EQ(violations(out), Lines{});
  ASSERT_EQ(out.accounts.size(), 1u);
  EXPECT_EQ(out.accounts[0].line, 4u);
  EXPECT_EQ(out.status->line, 6u);
}

TEST(ProtocolTest, AcceptsCarriageReturnLineEndings) {
  const ConnectorOutput out = sync(std::string(kAccount) + "\r\n" + kSyncStatus + "\r\n");
  EXPECT_EQ(violations(out), Lines{});
  EXPECT_EQ(out.accounts.size(), 1u);
}

TEST(ProtocolTest, JudgesALastLineWithoutNewline) {
  const ConnectorOutput out = sync(std::string(kAccount) + "\n" + kSyncStatus);
  EXPECT_EQ(violations(out), Lines{});
  EXPECT_TRUE(out.status.has_value());
}

// Contract violations: none stops the parser, each is one violation.

TEST(ProtocolViolationTest, FlagsLineThatIsNotJson) {
  const ConnectorOutput out = sync(std::string("this is not json\n") + kSyncStatus + "\n");
  EXPECT_EQ(violations(out), Lines{"1: not a JSON value"});
  EXPECT_EQ(out.violations[0].excerpt, "this is not json");
}

TEST(ProtocolViolationTest, FlagsInvalidUtf8AsNotJson) {
  EXPECT_EQ(violationsOfSyncLine("{\"type\":\"group\",\"id\":\"g\xff\",\"displayName\":\"G\"}"),
            Lines{"1: not a JSON value"});
}

TEST(ProtocolViolationTest, FlagsJsonThatIsNotAnObject) {
  EXPECT_EQ(violationsOfSyncLine("[1,2,3]"), Lines{"1: not a JSON object"});
  EXPECT_EQ(violationsOfSyncLine("\"account\""), Lines{"1: not a JSON object"});
}

TEST(ProtocolViolationTest, FlagsMissingType) {
  EXPECT_EQ(violationsOfSyncLine(R"({"id":"u-1"})"), Lines{"1: missing string field \"type\""});
}

TEST(ProtocolViolationTest, FlagsNonStringType) {
  EXPECT_EQ(violationsOfSyncLine(R"({"type":7,"id":"u-1"})"),
            Lines{"1: /type: must be a string, got 7"});
}

TEST(ProtocolViolationTest, FlagsUnknownType) {
  EXPECT_EQ(violationsOfSyncLine(R"({"type":"wizard","id":"y"})"),
            Lines{"1: unknown type \"wizard\""});
}

TEST(ProtocolViolationTest, FlagsMissingRequiredField) {
  const ConnectorOutput out = sync(
      R"({"type":"account","id":"u-1","displayName":"","active":true,"accountType":"human","privileged":false})"
      "\n" +
      std::string(kSyncStatus) + "\n");
  EXPECT_EQ(violations(out), Lines{"1: missing string field \"userName\""});
  EXPECT_TRUE(out.accounts.empty());
}

TEST(ProtocolViolationTest, FlagsMissingBooleanField) {
  EXPECT_EQ(violationsOfSyncLine(R"({"type":"entitlement","id":"e","displayName":"E"})"),
            Lines{"1: missing boolean field \"privileged\""});
}

TEST(ProtocolViolationTest, FlagsEmptyRequiredString) {
  EXPECT_EQ(violationsOfSyncLine(R"({"type":"group","id":"","displayName":"G"})"),
            Lines{"1: empty string field \"id\""});
}

TEST(ProtocolViolationTest, FlagsStringFieldOfWrongType) {
  const ConnectorOutput out = sync(R"({"type":"group","id":42,"displayName":"G"})"
                                   "\n" +
                                   std::string(kSyncStatus) + "\n");
  EXPECT_EQ(violations(out), Lines{"1: /id: must be a string, got 42"});
  EXPECT_TRUE(out.groups.empty());
}

TEST(ProtocolViolationTest, FlagsNullInRequiredStringField) {
  EXPECT_EQ(violationsOfSyncLine(R"({"type":"group","id":null,"displayName":"G"})"),
            Lines{"1: /id: must be a string, got null"});
}

TEST(ProtocolViolationTest, FlagsBooleanFieldOfWrongType) {
  EXPECT_EQ(
      violationsOfSyncLine(
          R"({"type":"account","id":"u","userName":"u","displayName":"","active":"true","accountType":"human","privileged":false})"),
      Lines{"1: /active: must be a boolean, got a string"});
}

TEST(ProtocolViolationTest, FlagsOptionalStringOfWrongType) {
  EXPECT_EQ(violationsOfSyncLine(R"({"type":"group","id":"g","displayName":5})"),
            Lines{"1: /displayName: must be a string, got 5"});
}

TEST(ProtocolViolationTest, FlagsAccountTypeOutsideItsValues) {
  const ConnectorOutput out = sync(
      R"({"type":"account","id":"u","userName":"u","displayName":"","active":true,"accountType":"robot","privileged":false})"
      "\n" +
      std::string(kSyncStatus) + "\n");
  EXPECT_EQ(violations(out), Lines{"1: field \"accountType\" has unknown value \"robot\""});
  EXPECT_TRUE(out.accounts.empty());
}

TEST(ProtocolViolationTest, FlagsGrantEnumsOutsideTheirValues) {
  EXPECT_EQ(
      violationsOfSyncLine(
          R"({"type":"grant","kind":"ownership","principal_type":"account","principal":"u","target":"g"})"),
      Lines{"1: field \"kind\" has unknown value \"ownership\""});
  EXPECT_EQ(
      violationsOfSyncLine(
          R"({"type":"grant","kind":"membership","principal_type":"robot","principal":"u","target":"g"})"),
      Lines{"1: field \"principal_type\" has unknown value \"robot\""});
}

TEST(ProtocolViolationTest, FlagsResultOutcomeOutsideItsValues) {
  const ConnectorOutput out =
      revoke(R"({"type":"result","id":"act-1","outcome":"maybe","detail":""})"
             "\n" +
                 std::string(kRevokeStatus) + "\n",
             {"act-1"});
  EXPECT_EQ(violations(out), (Lines{"1: field \"outcome\" has unknown value \"maybe\"",
                                    "0: no result for action \"act-1\""}));
  EXPECT_TRUE(out.results.empty());
}

TEST(ProtocolViolationTest, FlagsStatusValueOutsideItsValuesAndMarksItInvalid) {
  const ConnectorOutput out =
      sync(R"({"type":"status","protocol":1,"status":"done","reason":"","counts":{}})"
           "\n");
  EXPECT_EQ(violations(out), Lines{"1: field \"status\" has unknown value \"done\""});
  ASSERT_TRUE(out.status.has_value());
  EXPECT_EQ(out.status->status, "invalid");
}

TEST(ProtocolViolationTest, FlagsOutputAfterTheStatusLine) {
  const ConnectorOutput out =
      sync(std::string(kSyncStatus) + "\n" + kAccount + "\n" + kSyncStatus + "\n");
  EXPECT_EQ(violations(out),
            (Lines{"2: output after the status line", "3: output after the status line"}));
  EXPECT_TRUE(out.accounts.empty());
  EXPECT_EQ(out.status->line, 1u);
}

TEST(ProtocolViolationTest, FlagsMissingStatusLine) {
  const ConnectorOutput out = sync(std::string(kAccount) + "\n");
  EXPECT_EQ(violations(out), Lines{"0: no status line"});
  EXPECT_FALSE(out.status.has_value());
  EXPECT_EQ(out.accounts.size(), 1u);
}

TEST(ProtocolViolationTest, FlagsEmptyOutputAsMissingStatus) {
  EXPECT_EQ(violations(sync("")), Lines{"0: no status line"});
}

TEST(ProtocolViolationTest, FlagsStatusSpeakingAnotherProtocol) {
  const ConnectorOutput out =
      sync(R"({"type":"status","protocol":2,"status":"complete","reason":"","counts":{}})"
           "\n");
  EXPECT_EQ(violations(out), Lines{"1: status line speaks protocol 2; this faultline speaks 1"});
  ASSERT_TRUE(out.status.has_value());
  EXPECT_EQ(out.status->status, "complete");
}

TEST(ProtocolViolationTest, FlagsStatusWithoutIntegerProtocol) {
  EXPECT_EQ(violations(sync(R"({"type":"status","protocol":"1","status":"complete","reason":""})"
                            "\n")),
            Lines{"1: /protocol: must be an integer, got \"1\""});
}

TEST(ProtocolViolationTest, DoesNotJudgeTheCutLineOfATruncatedStream) {
  const ConnectorOutput out =
      sync(std::string(kAccount) + "\n" + R"({"type":"group","id":"g-1","displ)", true);
  EXPECT_EQ(violations(out),
            (Lines{"0: stdout exceeded the harness's cap and was cut (raise the manifest's "
                   "max_stdout_mib)",
                   "0: no status line"}));
  EXPECT_EQ(out.accounts.size(), 1u);
  EXPECT_EQ(out.lines.size(), 1u);
}

TEST(ProtocolViolationTest, SameCutLineIsJudgedWhenTheStreamWasNotTruncated) {
  const ConnectorOutput out =
      sync(std::string(kAccount) + "\n" + R"({"type":"group","id":"g-1","displ)", false);
  EXPECT_EQ(violations(out), (Lines{"2: not a JSON value", "0: no status line"}));
}

TEST(ProtocolViolationTest, FlagsResultForUnknownAction) {
  const ConnectorOutput out =
      revoke(R"({"type":"result","id":"act-1","outcome":"confirmed","detail":""})"
             "\n"
             R"({"type":"result","id":"act-9","outcome":"confirmed","detail":""})"
             "\n" +
                 std::string(kRevokeStatus) + "\n",
             {"act-1"});
  EXPECT_EQ(violations(out), Lines{"2: result for unknown action \"act-9\""});
  ASSERT_EQ(out.results.size(), 1u);
  EXPECT_EQ(out.results[0].id, "act-1");
}

TEST(ProtocolViolationTest, FlagsSecondResultForOneAction) {
  const ConnectorOutput out =
      revoke(R"({"type":"result","id":"act-1","outcome":"failed","detail":""})"
             "\n"
             R"({"type":"result","id":"act-1","outcome":"confirmed","detail":""})"
             "\n" +
                 std::string(kRevokeStatus) + "\n",
             {"act-1"});
  EXPECT_EQ(violations(out), Lines{"2: second result for action \"act-1\""});
  ASSERT_EQ(out.results.size(), 1u);
  EXPECT_EQ(out.results[0].outcome, "failed");
}

TEST(ProtocolViolationTest, FlagsEveryActionWithoutResult) {
  const ConnectorOutput out =
      revoke(R"({"type":"result","id":"act-2","outcome":"confirmed","detail":""})"
             "\n" +
                 std::string(kRevokeStatus) + "\n",
             {"act-1", "act-2", "act-3"});
  EXPECT_EQ(violations(out),
            (Lines{"0: no result for action \"act-1\"", "0: no result for action \"act-3\""}));
}

TEST(ProtocolViolationTest, FlagsSyncRecordInARevoke) {
  const ConnectorOutput out = revoke(
      R"({"type":"grant","kind":"membership","principal_type":"account","principal":"u","target":"g"})"
      "\n"
      R"({"type":"result","id":"act-1","outcome":"confirmed","detail":""})"
      "\n" +
          std::string(kRevokeStatus) + "\n",
      {"act-1"});
  EXPECT_EQ(violations(out),
            Lines{"1: type \"grant\" is not allowed in a revoke operation (expected result or "
                  "status)"});
  EXPECT_TRUE(out.grants.empty());
}

TEST(ProtocolViolationTest, FlagsResultInASync) {
  EXPECT_EQ(violationsOfSyncLine(R"({"type":"result","id":"act-1","outcome":"confirmed"})"),
            Lines{"1: unknown type \"result\""});
}

TEST(ProtocolViolationTest, CutsLongExcerpts) {
  const std::string garbage(5000, 'x');
  const ConnectorOutput out = sync(garbage + "\n" + kSyncStatus + "\n");
  ASSERT_EQ(out.violations.size(), 1u);
  EXPECT_EQ(out.violations[0].excerpt, std::string(300, 'x'));
  EXPECT_EQ(out.lines[0], garbage);
}

TEST(ProtocolViolationTest, CountsEveryViolationButKeepsOnlyTheFirstHundred) {
  std::string text;
  for (int i = 0; i < 150; ++i) text += "garbage " + std::to_string(i) + "\n";
  text += std::string(kSyncStatus) + "\n";
  const ConnectorOutput out = sync(text);
  EXPECT_EQ(out.violation_count, 150u);
  ASSERT_EQ(out.violations.size(), kMaxViolations);
  EXPECT_EQ(out.violations.front().line, 1u);
  EXPECT_EQ(out.violations.back().line, kMaxViolations);
  EXPECT_EQ(out.violations.back().excerpt, "garbage 99");
}

// stale_since (docs/connector-protocol.md, §4.6): optional, additive.

TEST(ProtocolStaleSinceTest, ReadsATimeOrUnknownAndDefaultsToEmpty) {
  const auto with = [](const std::string& since) {
    return sync(R"({"type":"status","protocol":1,"status":"complete","reason":"","stale_since":)" +
                since + "}\n");
  };
  EXPECT_EQ(with(R"("2026-01-01T10:00:00Z")").status->stale_since, "2026-01-01T10:00:00Z");
  EXPECT_EQ(with(R"("2026-01-01T11:00:00.25+01:00")").status->stale_since,
            "2026-01-01T11:00:00.25+01:00");
  EXPECT_EQ(with(R"("unknown")").status->stale_since, "unknown");
  EXPECT_TRUE(with(R"("unknown")").violations.empty());
  EXPECT_EQ(sync(std::string(kSyncStatus) + "\n").status->stale_since, "");
}

TEST(ProtocolStaleSinceTest, FlagsAValueThatIsNeitherATimeNorUnknown) {
  for (const std::string since :
       {R"(12)", R"("yesterday")", R"("2026-01-01 10:00:00Z")", R"("2026-13-01T10:00:00Z")",
        R"("2026-01-01T10:00:00")", "null"}) {
    const ConnectorOutput out =
        sync(R"({"type":"status","protocol":1,"status":"complete","reason":"","stale_since":)" +
             since + "}\n");
    EXPECT_EQ(violations(out),
              Lines{"1: /stale_since: must be an RFC 3339 time or \"unknown\", got " + since})
        << since;
    EXPECT_EQ(out.status->status, "complete") << since;  // the rest of the line still counts
    EXPECT_EQ(out.status->stale_since, "") << since;
  }
}

TEST(ProtocolStaleSinceTest, Rfc3339DateTimes) {
  EXPECT_TRUE(isRfc3339DateTime("1985-04-12T23:20:50.52Z"));
  EXPECT_TRUE(isRfc3339DateTime("1996-12-19T16:39:57-08:00"));
  EXPECT_TRUE(isRfc3339DateTime("1990-12-31T23:59:60Z"));  // leap second
  EXPECT_TRUE(isRfc3339DateTime("1985-04-12t23:20:50z"));
  EXPECT_FALSE(isRfc3339DateTime("1985-04-12T23:20:50.Z"));
  EXPECT_FALSE(isRfc3339DateTime("1985-04-12T24:20:50Z"));
  EXPECT_FALSE(isRfc3339DateTime("1985-04-12T23:20:50+0800"));
  EXPECT_FALSE(isRfc3339DateTime("1985-04-12"));
  EXPECT_FALSE(isRfc3339DateTime(""));
}

// incomplete and last_success (docs/connector-protocol.md, §4.6): optional,
// additive; what a partial declares incomplete, machine-readably.

ConnectorOutput partialWith(const std::string& fields) {
  return sync(R"({"type":"status","protocol":1,"status":"partial","reason":"Groups: 403")" +
              fields + "}\n");
}

TEST(ProtocolIncompleteTest, AbsentMeansNotSent) {
  const ConnectorOutput out = partialWith("");
  EXPECT_FALSE(out.status->incomplete.has_value());
  EXPECT_TRUE(out.status->last_success.empty());
}

TEST(ProtocolIncompleteTest, ReadsTheRecordTypesAndLastSuccessTimes) {
  const ConnectorOutput out = partialWith(
      R"(,"incomplete":["group","grant"],"last_success":{"group":"2026-01-01T10:00:00Z"})");
  EXPECT_TRUE(out.violations.empty()) << violations(out)[0];
  ASSERT_TRUE(out.status->incomplete.has_value());
  EXPECT_EQ(*out.status->incomplete, (std::set<std::string>{"group", "grant"}));
  EXPECT_EQ(out.status->last_success.at("group"), "2026-01-01T10:00:00Z");
}

TEST(ProtocolIncompleteTest, AnEmptyListIsSentAndDeclaresNothing) {
  const ConnectorOutput out = partialWith(R"(,"incomplete":[])");
  ASSERT_TRUE(out.status->incomplete.has_value());
  EXPECT_TRUE(out.status->incomplete->empty());
  EXPECT_TRUE(out.violations.empty());
}

// A wrong type is a violation quoting the line, never a crash; the field
// still counts as sent, so only its valid entries declare anything.
TEST(ProtocolIncompleteTest, FlagsAFieldThatIsNotAnArray) {
  for (const std::string value : {R"("group")", "{}", "7", "null", "true"}) {
    const ConnectorOutput out = partialWith(R"(,"incomplete":)" + value);
    EXPECT_EQ(violations(out), Lines{"1: /incomplete: must be an array of record types (account, "
                                     "group, entitlement, grant, credential), got " +
                                     (value == "{}" ? std::string("an object") : value)})
        << value;
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_NE(out.violations[0].excerpt.find(R"("incomplete":)" + value), std::string::npos);
    ASSERT_TRUE(out.status->incomplete.has_value()) << value;
    EXPECT_TRUE(out.status->incomplete->empty()) << value;
    EXPECT_EQ(out.status->status, "partial");
  }
}

TEST(ProtocolIncompleteTest, FlagsEntriesThatAreNotRecordTypes) {
  const ConnectorOutput out = partialWith(R"(,"incomplete":["Groups",3,"grant",null])");
  EXPECT_EQ(violations(out),
            (Lines{"1: /incomplete/0: must be one of account, group, entitlement, grant, "
                   "credential, got \"Groups\"",
                   "1: /incomplete/1: must be one of account, group, entitlement, grant, "
                   "credential, got 3",
                   "1: /incomplete/3: must be one of account, group, entitlement, grant, "
                   "credential, got null"}));
  EXPECT_EQ(*out.status->incomplete, std::set<std::string>{"grant"});
}

TEST(ProtocolIncompleteTest, FlagsABadLastSuccess) {
  EXPECT_EQ(violations(partialWith(R"(,"last_success":["group"])")),
            Lines{"1: /last_success: must be an object of record type to time, got an array"});
  EXPECT_EQ(violations(partialWith(R"(,"last_success":{"Groups":"2026-01-01T10:00:00Z"})")),
            Lines{"1: /last_success/Groups: unknown record type; allowed: account, group, "
                  "entitlement, grant, credential"});
  const ConnectorOutput out =
      partialWith(R"(,"last_success":{"group":"yesterday","grant":"2026-01-01T10:00:00Z"})");
  EXPECT_EQ(violations(out),
            Lines{"1: /last_success/group: must be an RFC 3339 time, got \"yesterday\""});
  EXPECT_EQ(out.status->last_success,
            (std::map<std::string, std::string>{{"grant", "2026-01-01T10:00:00Z"}}));
}

// The id rule (docs/connector-protocol.md, "Ids").
TEST(ProtocolIdRuleTest, LowercasesOnlyUuidShapedIds) {
  EXPECT_EQ(canonicalId("2819C223-7F76-453A-919D-413861904646"),
            "2819c223-7f76-453a-919d-413861904646");
  EXPECT_EQ(canonicalId("ENT-PROD-ADMIN"), "ENT-PROD-ADMIN");
  EXPECT_EQ(canonicalId("00uABCDEF0123456789ABCDEF01234567"), "00uABCDEF0123456789ABCDEF01234567");
  EXPECT_TRUE(isUuidShaped("2819c223-7f76-453a-919d-413861904646"));
  EXPECT_FALSE(isUuidShaped("2819c223-7f76-453a-919d-41386190464g"));
  EXPECT_FALSE(isUuidShaped("2819c223x7f76-453a-919d-413861904646"));
  EXPECT_FALSE(isUuidShaped("2819c2237f76453a919d413861904646"));
}

// Lines that the fast reader declines (escapes, non-ASCII, spacing, numbers)
// mean what nlohmann reads them to mean.
TEST(ProtocolTest, ReadsEscapedAndNonAsciiStringsAsJson) {
  const ConnectorOutput out =
      sync(R"({"type":"group","id":"g\u002d1","displayName":"Caf\u00e9 \"A\""})"
           "\n"
           R"( { "type" : "group" , "id" : "g-2" , "displayName" : "Café" } )"
           "\n"
           R"({"type":"group","id":"g-3","displayName":null,"extra":[1,{"a":2.5}]})"
           "\n" +
           std::string(kSyncStatus) + "\n");
  EXPECT_TRUE(out.violations.empty());
  ASSERT_EQ(out.groups.size(), 3u);
  EXPECT_EQ(out.groups[0].id, "g-1");
  EXPECT_EQ(out.groups[0].display_name, "Caf\u00e9 \"A\"");
  EXPECT_EQ(out.groups[1].id, "g-2");
  EXPECT_EQ(out.groups[1].display_name, "Café");
  EXPECT_EQ(out.groups[2].display_name, "");
}

TEST(ProtocolViolationTest, FlagsInvalidUtf8AsNotAJsonValue) {
  EXPECT_EQ(violationsOfSyncLine("{\"type\":\"group\",\"id\":\"g-\xff\"}"),
            Lines{"1: not a JSON value"});
}

TEST(ProtocolViolationTest, FlagsTrailingTextAfterTheObject) {
  EXPECT_EQ(violationsOfSyncLine(R"({"type":"group","id":"g-1"} x)"), Lines{"1: not a JSON value"});
}

TEST(ProtocolViolationTest, FlagsWrongTypesReadByEitherPath) {
  EXPECT_EQ(violationsOfSyncLine(R"({"type":"group","id":true})"),
            Lines{"1: /id: must be a string, got true"});
  EXPECT_EQ(violationsOfSyncLine(R"({"type":"group","id":7})"),
            Lines{"1: /id: must be a string, got 7"});
  EXPECT_EQ(violationsOfSyncLine(R"({"type":"entitlement","id":"e-1","privileged":"yes"})"),
            Lines{"1: /privileged: must be a boolean, got a string"});
}

// Lines are kept compactly (a prefix shared with the line before) and must
// come back byte for byte, blank ones and carriage returns included, across
// restart points and chunks.
TEST(ProtocolTest, KeepsEveryLineByteForByte) {
  std::vector<std::string> lines;
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    std::string line = i % 7 == 3 ? "" : R"({"type":"group","id":"g-)" + std::to_string(i) + "\"}";
    if (i % 11 == 5) line += "\r";
    if (i == 4000) line = std::string(70000, 'y');
    lines.push_back(line);
    text += line + "\n";
  }
  const ConnectorOutput out = sync(text);
  ASSERT_EQ(out.lines.size(), lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) ASSERT_EQ(out.lines[i], lines[i]) << "line " << i;
}

}  // namespace
}  // namespace faultline::harness
