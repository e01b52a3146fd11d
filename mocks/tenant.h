#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "mocks/clock.h"

namespace faultline::mocks {

enum class AccountType { Human, Service };

struct Credential {
  std::string id;
  std::string kind = "api_key";
  std::string expires;  // RFC 3339, UTC
  bool active = true;
  bool operator==(const Credential&) const = default;
};

// One entry of a User's multi-valued `emails` (RFC 7643 §4.1.2).
struct Email {
  std::string value;
  std::string type;  // "work", "home", "other" or "" (RFC 7643 canonical values)
  bool primary = false;
  bool operator==(const Email&) const = default;
};

struct Account {
  std::string id;
  std::string external_id;
  std::string user_name;
  std::string display_name;
  std::string given_name;
  std::string family_name;
  std::vector<Email> emails;  // at most one primary
  AccountType type = AccountType::Human;
  bool privileged = false;
  bool active = true;
  std::vector<std::string> entitlements;  // direct grants, entitlement ids, sorted
  std::vector<Credential> credentials;
  std::uint64_t version = 1;
  std::string created;
  std::string last_modified;
};

struct Member {
  std::string id;
  bool is_group = false;
  bool operator==(const Member&) const = default;
  auto operator<=>(const Member&) const = default;
};

struct Group {
  std::string id;
  std::string external_id;
  std::string display_name;
  std::vector<Member> members;            // sorted, unique
  std::vector<std::string> entitlements;  // group grants, sorted
  std::uint64_t version = 1;
  std::string created;
  std::string last_modified;
};

struct Entitlement {
  std::string id;
  std::string display_name;
  std::string description;
  bool privileged = false;
  std::uint64_t version = 1;
  std::string created;
};

// The whole tenant as plain values, in creation order, with id indexes.
// Copyable: a copy is a consistent snapshot.
struct TenantState {
  std::vector<Account> accounts;
  std::vector<Group> groups;
  std::vector<Entitlement> entitlements;
  std::unordered_map<std::string, std::size_t> account_index;
  std::unordered_map<std::string, std::size_t> group_index;
  std::unordered_map<std::string, std::size_t> entitlement_index;
  std::unordered_map<std::string, std::size_t> user_name_index;  // lower-cased userName
  // Direct parent groups of each account or group id, kept in step with
  // group writes so a page of users can show `groups` without a scan.
  std::unordered_map<std::string, std::vector<std::string>> member_of;
  std::uint64_t next_serial = 1;            // for ids of objects created during a drill
  std::uint64_t id_salt = 0;                // keeps drill-created ids seed-dependent
  std::int64_t epoch_seconds = 1767225600;  // the tenant's "now" at drill start (UTC)
  // Bumped by every successful write: anything derived from the state (such
  // as serialised resources) is valid only for the generation it was made at.
  std::uint64_t generation = 0;

  void reindex();
  void rebuildMemberOf();
  const Account* findAccount(const std::string& id) const;
  const Group* findGroup(const std::string& id) const;
  const Entitlement* findEntitlement(const std::string& id) const;
};

// One recorded change to the ground truth.
struct Change {
  std::uint64_t seq = 0;
  std::int64_t t_ms = 0;
  std::string kind;    // "account.created", "member.removed", "entitlement.revoked", ...
  std::string object;  // id of the object changed
  std::string detail;  // the other side of a relation, or the attribute
  std::string cause;   // who did it: "request #12", "generator", "timeline"
};

// Effective access of one account: groups reached through nesting and
// entitlements reached directly or through any of those groups.
struct EffectiveAccess {
  bool exists = false;
  bool active = false;
  std::set<std::string> groups;
  std::set<std::string> entitlements;
  std::set<std::string> live_credentials;
};

// The before-images of one write: enough to undo it, or to rebuild the tenant
// as it was before it (stale reads). nullopt: the object did not exist.
struct WriteRecord {
  std::uint64_t first_seq = 0;  // change seqs the write produced
  std::uint64_t last_seq = 0;
  std::vector<std::pair<std::string, std::optional<Account>>> accounts;
  std::vector<std::pair<std::string, std::optional<Group>>> groups;
};

enum class UndoScope { Everything, CredentialsOnly };

enum class WriteStatus { Ok, NotFound, VersionMismatch, Conflict, Invalid };

struct WriteResult {
  WriteStatus status = WriteStatus::Ok;
  std::string message;
  std::uint64_t version = 0;
};

// The mock target's ground truth. Thread-safe: reads take a shared lock,
// writes an exclusive one, so concurrent HTTP handlers see whole writes only.
// Every write appends Change records stamped with the drill clock.
class Tenant {
 public:
  Tenant(TenantState initial, const Clock& clock);

  template <typename F>
  auto read(F&& f) const {
    std::shared_lock lock(mutex_);
    return f(state_);
  }
  TenantState snapshot() const;
  std::vector<Change> changes() const;
  // The changes after change `after_seq` that `cause` made, in order.
  std::vector<Change> changesSince(std::uint64_t after_seq, const std::string& cause) const;
  std::int64_t nowMs() const { return clock_.nowMs(); }

  // Applies `mutate` to a copy of the account; on success the copy replaces
  // it, the version is bumped and the differences are logged. `if_match`
  // rejects the write when the stored version differs.
  WriteResult updateAccount(const std::string& id,
                            const std::function<WriteResult(Account&)>& mutate,
                            std::optional<std::uint64_t> if_match, const std::string& cause);
  WriteResult updateGroup(const std::string& id, const std::function<WriteResult(Group&)>& mutate,
                          std::optional<std::uint64_t> if_match, const std::string& cause);
  WriteResult createAccount(Account account, const std::string& cause, std::string* id_out);
  WriteResult createGroup(Group group, const std::string& cause, std::string* id_out);
  WriteResult deleteAccount(const std::string& id, std::optional<std::uint64_t> if_match,
                            const std::string& cause);
  WriteResult deleteGroup(const std::string& id, std::optional<std::uint64_t> if_match,
                          const std::string& cause);

  EffectiveAccess effectiveAccess(const std::string& account_id) const;

  // The sequence number of the newest change (0 before any).
  std::uint64_t lastChangeSeq() const;
  // The tenant as it was when change `seq` was the newest: a lagging
  // replica's view, for stale-read faults.
  TenantState viewAsOf(std::uint64_t seq) const;
  // Undoes the writes whose changes fall in (after_seq, up_to_seq], newest
  // first, logging the reversal under `cause`. CredentialsOnly restores just
  // the API keys' state (a partial apply). Deleted objects are not restored.
  // With `part_of_last_write`, the reversal belongs to the newest write (a
  // partial apply): no reader, stale or not, ever sees the state in between.
  void undoWrites(std::uint64_t after_seq, std::uint64_t up_to_seq, UndoScope scope,
                  const std::string& cause, bool part_of_last_write = false);
  // Replaces the whole state with `initial` and forgets every change and
  // write record, as if nothing had been served. The generation moves on,
  // never back, so nothing derived from an earlier state passes as current.
  void reset(TenantState initial);

 private:
  void log(std::string kind, std::string object, std::string detail, const std::string& cause);
  void logAccountDiff(const Account& before, const Account& after, const std::string& cause);
  void logGroupDiff(const Group& before, const Group& after, const std::string& cause);
  std::string newId(const char* prefix);

  const Clock& clock_;
  mutable std::shared_mutex mutex_;
  TenantState state_;                 // guarded by mutex_
  std::vector<Change> changes_;       // guarded by mutex_
  std::vector<WriteRecord> history_;  // guarded by mutex_; one per write that changed something
  void remember(std::uint64_t changes_before, WriteRecord record);
  void detachFromGroups(const Member& member, WriteRecord& record, const std::string& cause);
  template <typename T>
  WriteResult deleteObject(std::vector<T>& objects,
                           const std::unordered_map<std::string, std::size_t>& index,
                           const std::string& id, std::optional<std::uint64_t> if_match,
                           const std::string& cause);
};

// A version-4-shaped UUID from 128 seeded bits.
std::string formatUuid(std::uint64_t hi, std::uint64_t lo);
// RFC 3339 UTC timestamp, second precision.
std::string formatRfc3339(std::int64_t epoch_seconds);

EffectiveAccess computeEffectiveAccess(const TenantState& state, const std::string& account_id);

}  // namespace faultline::mocks
