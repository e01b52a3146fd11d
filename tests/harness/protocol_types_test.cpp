// Connector output is untrusted: every field of every line fed every wrong
// JSON type must become one violation naming the line and the field's JSON
// pointer, never an exception, and never a record.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/protocol.h"

namespace faultline::harness {
namespace {

using nlohmann::json;
using Lines = std::vector<std::string>;

constexpr const char* kSyncStatus =
    R"({"type":"status","protocol":1,"status":"complete","reason":"","counts":{"account":1}})";
constexpr const char* kRevokeStatus =
    R"({"type":"status","protocol":1,"status":"complete","reason":"","counts":{"result":1}})";
constexpr const char* kDeepMessage =
    "arrays and objects nested deeper than 128 levels; faultline reads at most 128";

enum class Kind { String, OptionalString, Boolean };

struct FieldCase {
  const char* field;
  Kind kind;
};

struct LineCase {
  Operation operation;
  json good;
  std::vector<FieldCase> fields;
};

std::vector<LineCase> lineCases() {
  return {
      {Operation::Sync,
       {{"type", "account"},
        {"id", "u-1"},
        {"userName", "u"},
        {"displayName", "U"},
        {"active", true},
        {"accountType", "human"},
        {"privileged", false}},
       {{"type", Kind::String},
        {"id", Kind::String},
        {"userName", Kind::String},
        {"displayName", Kind::OptionalString},
        {"active", Kind::Boolean},
        {"accountType", Kind::String},
        {"privileged", Kind::Boolean}}},
      {Operation::Sync,
       {{"type", "group"}, {"id", "g-1"}, {"displayName", "G"}},
       {{"id", Kind::String}, {"displayName", Kind::OptionalString}}},
      {Operation::Sync,
       {{"type", "entitlement"}, {"id", "e-1"}, {"displayName", "E"}, {"privileged", true}},
       {{"id", Kind::String},
        {"displayName", Kind::OptionalString},
        {"privileged", Kind::Boolean}}},
      {Operation::Sync,
       {{"type", "grant"},
        {"kind", "membership"},
        {"principal_type", "account"},
        {"principal", "u-1"},
        {"target", "g-1"}},
       {{"kind", Kind::String},
        {"principal_type", Kind::String},
        {"principal", Kind::String},
        {"target", Kind::String}}},
      {Operation::Sync,
       {{"type", "credential"},
        {"id", "c-1"},
        {"owner", "u-1"},
        {"kind", "apiKey"},
        {"expires", "2026-01-01T00:00:00Z"},
        {"active", true}},
       {{"id", Kind::String},
        {"owner", Kind::String},
        {"kind", Kind::String},
        {"expires", Kind::OptionalString},
        {"active", Kind::Boolean}}},
      {Operation::Revoke,
       {{"type", "result"}, {"id", "act-1"}, {"outcome", "confirmed"}, {"detail", ""}},
       {{"id", Kind::String}, {"outcome", Kind::String}, {"detail", Kind::OptionalString}}},
  };
}

// Each wrong value with how a message shows it. Lines holding numbers,
// arrays or objects go through nlohmann; the others through the fast reader.
std::vector<std::pair<json, std::string>> wrongValuesFor(Kind kind) {
  std::vector<std::pair<json, std::string>> values = {{5, "5"},
                                                      {-1.5, "-1.5"},
                                                      {json::array({"x"}), "an array"},
                                                      {json::object({{"a", "b"}}), "an object"}};
  if (kind == Kind::Boolean) {
    values.push_back({"true", "a string"});
    values.push_back({nullptr, "null"});
  } else {
    values.push_back({true, "true"});
    // null in an optional string means "not given", which is allowed.
    if (kind == Kind::String) values.push_back({nullptr, "null"});
  }
  return values;
}

Lines violations(const ConnectorOutput& out) {
  Lines v;
  for (const auto& x : out.violations) v.push_back(std::to_string(x.line) + ": " + x.message);
  return v;
}

std::size_t records(const ConnectorOutput& out) {
  return out.accounts.size() + out.groups.size() + out.entitlements.size() + out.grants.size() +
         out.credentials.size() + out.results.size();
}

ConnectorOutput parseLine(const LineCase& c, const std::string& line) {
  const bool revoke = c.operation == Operation::Revoke;
  return parseConnectorOutput(line + "\n" + (revoke ? kRevokeStatus : kSyncStatus) + "\n",
                              c.operation, false, {"act-1"});
}

TEST(ProtocolFieldTypeTest, TheGoodLinesAreRecords) {
  for (const auto& c : lineCases()) {
    const ConnectorOutput out = parseLine(c, c.good.dump());
    EXPECT_TRUE(out.violations.empty()) << c.good.dump();
    EXPECT_EQ(records(out), 1u) << c.good.dump();
  }
}

TEST(ProtocolFieldTypeTest, EveryRecordFieldOfAWrongTypeNamesItsPointer) {
  for (const auto& c : lineCases()) {
    for (const auto& f : c.fields) {
      const std::string want = f.kind == Kind::Boolean ? "a boolean" : "a string";
      for (const auto& [value, shown] : wrongValuesFor(f.kind)) {
        json line = c.good;
        line[f.field] = value;
        const ConnectorOutput out = parseLine(c, line.dump());
        Lines expected = {"1: /" + std::string(f.field) + ": must be " + want + ", got " + shown};
        // The refused result leaves its action without one.
        if (c.operation == Operation::Revoke)
          expected.push_back("0: no result for action \"act-1\"");
        EXPECT_EQ(violations(out), expected) << line.dump();
        EXPECT_EQ(records(out), 0u) << line.dump();
      }
    }
  }
}

TEST(ProtocolFieldTypeTest, EveryStatusFieldOfAWrongTypeNamesItsPointer) {
  const json good = json::parse(kSyncStatus);
  const std::vector<std::pair<std::string, Lines>> cases = {
      {R"({"status":5})", {"1: /status: must be a string, got 5"}},
      {R"({"status":true})", {"1: /status: must be a string, got true"}},
      {R"({"reason":[]})", {"1: /reason: must be a string, got an array"}},
      {R"({"protocol":"1"})", {"1: /protocol: must be an integer, got \"1\""}},
      {R"({"protocol":1.0})", {"1: /protocol: must be an integer, got 1.0"}},
      {R"({"counts":[1]})", {"1: /counts: must be an object, got an array"}},
      {R"({"counts":{"account":"1","a/b":1.5,"group":-2}})",
       {"1: /counts/a~1b: must be an integer, got 1.5",
        "1: /counts/account: must be an integer, got \"1\""}},
      {R"({"counts":{"account":18446744073709551615}})",
       {"1: /counts/account: must be an integer, got 18446744073709551615"}},
      {R"({"stale_since":{}})",
       {"1: /stale_since: must be an RFC 3339 time or \"unknown\", got an object"}},
      {R"({"incomplete":[["group"]]})",
       {"1: /incomplete/0: must be one of account, group, entitlement, grant, credential, got "
        "an array"}},
      {R"({"last_success":{"group":false}})",
       {"1: /last_success/group: must be an RFC 3339 time, got false"}},
  };
  for (const auto& [patch, want] : cases) {
    json line = good;
    line.merge_patch(json::parse(patch));
    const ConnectorOutput out = parseConnectorOutput(line.dump() + "\n", Operation::Sync, false);
    EXPECT_EQ(violations(out), want) << line.dump();
    // A bad status line is still the status line: the drill ends there.
    EXPECT_TRUE(out.status.has_value()) << line.dump();
  }
}

TEST(ProtocolFieldTypeTest, AStatusOfAWrongTypeIsInvalid) {
  const ConnectorOutput out =
      parseConnectorOutput(R"({"type":"status","protocol":1,"status":["complete"],"reason":""})"
                           "\n",
                           Operation::Sync, false);
  ASSERT_TRUE(out.status.has_value());
  EXPECT_EQ(out.status->status, "invalid");
}

TEST(ProtocolFieldTypeTest, RefusesARepeatedKeyAtItsPointer) {
  const ConnectorOutput out = parseConnectorOutput(R"({"type":"group","id":"g-1","id":"g-2"})"
                                                   "\n" +
                                                       std::string(kSyncStatus) + "\n",
                                                   Operation::Sync, false);
  EXPECT_EQ(violations(out), Lines{"1: /id: duplicate key; each key may appear once in an object"});
  EXPECT_TRUE(out.groups.empty());
}

std::string repeated(const std::string& text, std::size_t times) {
  std::string out;
  out.reserve(text.size() * times);
  for (std::size_t i = 0; i < times; ++i) out += text;
  return out;
}

// nlohmann's parser is iterative, but copying, dumping or comparing what it
// builds recurses once per level: a hundred thousand levels would overflow
// the stack, so the line is refused while it is read.
TEST(ProtocolDepthTest, RefusesDeepNestingAsAViolation) {
  constexpr std::size_t kDepth = 100'000;
  const std::string deep = std::string(kDepth, '[') + std::string(kDepth, ']');
  const std::vector<std::string> lines = {
      deep,
      R"({"type":"account","id":)" + deep + "}",
      R"({"type":"status","protocol":1,"status":"complete","reason":"","counts":{"a":)" + deep +
          "}}",
      std::string(kDepth, '['),  // never closed: refused for its depth before its end
      repeated("{\"a\":", kDepth),
  };
  for (const auto& line : lines) {
    const ConnectorOutput out =
        parseConnectorOutput(line + "\n" + kSyncStatus + "\n", Operation::Sync, false);
    EXPECT_EQ(violations(out), Lines{std::string("1: ") + kDeepMessage}) << line.substr(0, 80);
    EXPECT_EQ(records(out), 0u);
    EXPECT_TRUE(out.status.has_value());
    ASSERT_EQ(out.violations.size(), 1u);
    EXPECT_LE(out.violations[0].excerpt.size(), 300u);
  }
}

TEST(ProtocolDepthTest, ReadsNestingUpToTheLimit) {
  const std::string nested = std::string(127, '[') + std::string(127, ']');
  const ConnectorOutput out = parseConnectorOutput(
      R"({"type":"group","id":"g-1","extra":)" + nested + "}\n" + kSyncStatus + "\n",
      Operation::Sync, false);
  EXPECT_TRUE(out.violations.empty()) << violations(out).front();
  EXPECT_EQ(out.groups.size(), 1u);
}

}  // namespace
}  // namespace faultline::harness
