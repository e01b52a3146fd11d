#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::harness {

// Connector contract version this harness speaks (docs/connector-protocol.md).
inline constexpr int kProtocolVersion = 1;

// A line of connector output that broke the contract. Violations are
// findings, never errors of the harness.
struct Violation {
  std::size_t line = 0;  // 1-based stdout line; 0 when about the stream as a whole
  std::string message;
  std::string excerpt;  // the offending line, cut to a few hundred bytes
};

struct AccountRecord {
  std::string id, user_name, display_name, account_type;
  bool active = false, privileged = false;
  std::size_t line = 0;
};
struct GroupRecord {
  std::string id, display_name;
  std::size_t line = 0;
};
struct EntitlementRecord {
  std::string id, display_name;
  bool privileged = false;
  std::size_t line = 0;
};
struct GrantRecord {
  std::string kind, principal_type, principal, target;
  std::size_t line = 0;
  std::string key() const { return kind + "|" + principal_type + "|" + principal + "|" + target; }
};
struct CredentialRecord {
  std::string id, owner, kind, expires;
  bool active = false;
  std::size_t line = 0;
};

struct StatusRecord {
  std::string status;  // complete, partial, failed
  std::string reason;
  std::map<std::string, long long> counts;
  // "this output includes data not refreshed since then": an RFC 3339 time
  // or "unknown"; "" when the connector did not say (docs/connector-protocol.md).
  std::string stale_since;
  // Sync only: the record types (account, group, entitlement, grant,
  // credential) the connector declares incomplete, machine-readable. Absent
  // when the connector did not send the field: then the words of `reason`
  // decide (docs/scoring.md, "Honesty"); once sent, only the field counts.
  std::optional<std::set<std::string>> incomplete;
  // Sync only: per record type, when it was last read in full (RFC 3339);
  // for people and reports, never scored.
  std::map<std::string, std::string> last_success;
  std::size_t line = 0;
};

// The record types a sync prints, as the status line's "incomplete" names them.
inline constexpr std::array<std::string_view, 5> kRecordTypes = {
    "account", "group", "entitlement", "grant", "credential"};

struct ResultRecord {
  std::string id, outcome, detail;
  std::size_t line = 0;
};

// A connector's stdout split into lines, kept to quote as evidence: any
// record's line may be quoted once scoring has judged it, so every line is
// kept, but compactly. A string per line cost a heap block and a 32-byte
// header for each of a million lines, on top of the text. Here each line is
// stored as the length of the prefix it shares with the line before it and
// the bytes after that prefix (a connector prints runs of near-identical
// lines: one principal's grants, one group's members), with a full line every
// kRestartEvery lines so that reading one line decodes at most that many.
// Indexing is 0-based (stdout line n is lines[n - 1]) and returns a copy.
// Not thread-safe for writing; const access is.
class OutputLines {
 public:
  OutputLines() = default;
  OutputLines(std::initializer_list<std::string_view> lines);

  void push_back(std::string_view line);
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string operator[](std::size_t i) const;

 private:
  static constexpr std::size_t kRestartEvery = 16;
  struct Position {
    std::size_t chunk, offset;
  };

  // Per line: varint shared, varint rest, the rest's bytes; never split
  // across chunks. Chunks grow to a fixed size and are never reallocated:
  // one growing buffer would hold up to twice the text while it doubles.
  std::vector<std::string> chunks_;
  std::vector<Position> restarts_;  // where lines 0, kRestartEvery, ... start
  std::string last_;                // the line pushed last, to share a prefix with
  std::size_t size_ = 0;
};

// Everything a connector said during one operation, typed.
struct ConnectorOutput {
  std::vector<AccountRecord> accounts;
  std::vector<GroupRecord> groups;
  std::vector<EntitlementRecord> entitlements;
  std::vector<GrantRecord> grants;
  std::vector<CredentialRecord> credentials;
  std::vector<ResultRecord> results;
  std::optional<StatusRecord> status;
  std::vector<Violation> violations;  // capped at kMaxViolations; count is exact
  std::size_t violation_count = 0;
  OutputLines lines;  // stdout split into lines, for evidence
};

inline constexpr std::size_t kMaxViolations = 100;

enum class Operation { Sync, Revoke };

// Parses a connector's stdout for one operation. `truncated` says the
// harness cut stdout at its cap. For revoke, `action_ids` are the ids sent,
// so unknown, duplicate and missing results are violations.
// Whether `text` is an RFC 3339 date-time (RFC 3339 §5.6), e.g.
// "2026-01-01T10:00:00Z" or "2026-01-01T11:00:00.25+01:00".
bool isRfc3339DateTime(const std::string& text);

// The id rule every scorer follows (docs/connector-protocol.md, "Ids"): a
// UUID-shaped id (8-4-4-4-12 hex digits) names the same record in any case,
// as RFC 4122 and a SCIM `id` with caseExact false allow, so it is compared
// in lowercase; any other id is compared byte for byte (RFC 7643 caseExact).
bool isUuidShaped(std::string_view id);
// `id` as scorers compare it: lowercase when UUID-shaped, else unchanged.
std::string canonicalId(std::string_view id);

ConnectorOutput parseConnectorOutput(const std::string& stdout_data, Operation operation,
                                     bool truncated, const std::set<std::string>& action_ids = {});

}  // namespace faultline::harness
