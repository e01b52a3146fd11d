#include "mocks/tenant.h"

#include <algorithm>
#include <ctime>
#include <deque>
#include <type_traits>

#include "mocks/seeded_rng.h"

namespace faultline::mocks {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

template <typename T>
void diffSorted(const std::vector<T>& before, const std::vector<T>& after, std::vector<T>& removed,
                std::vector<T>& added) {
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(removed));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(added));
}

template <typename T>
void normalise(std::vector<T>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

WriteResult checkVersion(std::uint64_t stored, std::optional<std::uint64_t> if_match) {
  if (if_match && *if_match != stored) {
    return {WriteStatus::VersionMismatch,
            "version mismatch: stored W/\"" + std::to_string(stored) + "\", If-Match W/\"" +
                std::to_string(*if_match) + "\"",
            stored};
  }
  return {WriteStatus::Ok, "", stored};
}

// Clients often omit a member's "type"; the id alone says what it is.
void resolveMemberKinds(const TenantState& state, std::vector<Member>& members) {
  for (auto& m : members) {
    if (state.group_index.count(m.id) != 0 && state.account_index.count(m.id) == 0)
      m.is_group = true;
    if (state.account_index.count(m.id) != 0) m.is_group = false;
  }
}

}  // namespace

std::string formatUuid(std::uint64_t hi, std::uint64_t lo) {
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string formatRfc3339(std::int64_t epoch_seconds) {
  std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void TenantState::reindex() {
  account_index.clear();
  group_index.clear();
  entitlement_index.clear();
  user_name_index.clear();
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    account_index[accounts[i].id] = i;
    user_name_index[lower(accounts[i].user_name)] = i;
  }
  for (std::size_t i = 0; i < groups.size(); ++i) group_index[groups[i].id] = i;
  for (std::size_t i = 0; i < entitlements.size(); ++i) entitlement_index[entitlements[i].id] = i;
  rebuildMemberOf();
}

void TenantState::rebuildMemberOf() {
  member_of.clear();
  for (const auto& g : groups) {
    for (const auto& m : g.members) member_of[m.id].push_back(g.id);
  }
}

const Account* TenantState::findAccount(const std::string& id) const {
  auto it = account_index.find(id);
  return it == account_index.end() ? nullptr : &accounts[it->second];
}
const Group* TenantState::findGroup(const std::string& id) const {
  auto it = group_index.find(id);
  return it == group_index.end() ? nullptr : &groups[it->second];
}
const Entitlement* TenantState::findEntitlement(const std::string& id) const {
  auto it = entitlement_index.find(id);
  return it == entitlement_index.end() ? nullptr : &entitlements[it->second];
}

Tenant::Tenant(TenantState initial, const Clock& clock)
    : clock_(clock), state_(std::move(initial)) {
  state_.reindex();
}

TenantState Tenant::snapshot() const {
  std::shared_lock lock(mutex_);
  return state_;
}

std::vector<Change> Tenant::changes() const {
  std::shared_lock lock(mutex_);
  return changes_;
}

std::vector<Change> Tenant::changesSince(std::uint64_t after_seq, const std::string& cause) const {
  std::shared_lock lock(mutex_);
  std::vector<Change> out;
  // Change seqs count from 1 and the log only grows, so seq n is at n - 1.
  for (std::size_t i =
           static_cast<std::size_t>(std::min<std::uint64_t>(after_seq, changes_.size()));
       i < changes_.size(); ++i) {
    if (changes_[i].cause == cause) out.push_back(changes_[i]);
  }
  return out;
}

void Tenant::log(std::string kind, std::string object, std::string detail,
                 const std::string& cause) {
  changes_.push_back({changes_.size() + 1, clock_.nowMs(), std::move(kind), std::move(object),
                      std::move(detail), cause});
}

std::string Tenant::newId(const char* prefix) {
  const std::uint64_t serial = state_.next_serial++;
  const std::uint64_t salt = state_.id_salt ^ hashString(prefix);
  return formatUuid(mix64(salt ^ serial), mix64(serial * 31 + salt));
}

void Tenant::logAccountDiff(const Account& before, const Account& after, const std::string& cause) {
  if (before.active != after.active)
    log(after.active ? "account.enabled" : "account.disabled", after.id, "", cause);
  if (before.user_name != after.user_name) log("account.renamed", after.id, after.user_name, cause);
  if (before.display_name != after.display_name || before.emails != after.emails ||
      before.external_id != after.external_id || before.given_name != after.given_name ||
      before.family_name != after.family_name || before.privileged != after.privileged) {
    log("account.updated", after.id, "", cause);
  }
  std::vector<std::string> removed, added;
  diffSorted(before.entitlements, after.entitlements, removed, added);
  for (const auto& e : removed) log("entitlement.revoked", after.id, e, cause);
  for (const auto& e : added) log("entitlement.granted", after.id, e, cause);
  for (const auto& c : after.credentials) {
    auto it = std::find_if(before.credentials.begin(), before.credentials.end(),
                           [&](const Credential& b) { return b.id == c.id; });
    if (it == before.credentials.end()) {
      log("credential.created", after.id, c.id, cause);
    } else if (it->active != c.active) {
      log(c.active ? "credential.activated" : "credential.deactivated", after.id, c.id, cause);
    }
  }
  for (const auto& c : before.credentials) {
    if (std::none_of(after.credentials.begin(), after.credentials.end(),
                     [&](const Credential& a) { return a.id == c.id; })) {
      log("credential.deleted", after.id, c.id, cause);
    }
  }
}

void Tenant::logGroupDiff(const Group& before, const Group& after, const std::string& cause) {
  if (before.display_name != after.display_name)
    log("group.renamed", after.id, after.display_name, cause);
  if (before.external_id != after.external_id) log("group.updated", after.id, "", cause);
  std::vector<Member> removed, added;
  diffSorted(before.members, after.members, removed, added);
  for (const auto& m : removed) log("member.removed", after.id, m.id, cause);
  for (const auto& m : added) log("member.added", after.id, m.id, cause);
  std::vector<std::string> e_removed, e_added;
  diffSorted(before.entitlements, after.entitlements, e_removed, e_added);
  for (const auto& e : e_removed) log("entitlement.revoked", after.id, e, cause);
  for (const auto& e : e_added) log("entitlement.granted", after.id, e, cause);
}

WriteResult Tenant::updateAccount(const std::string& id,
                                  const std::function<WriteResult(Account&)>& mutate,
                                  std::optional<std::uint64_t> if_match, const std::string& cause) {
  std::unique_lock lock(mutex_);
  auto it = state_.account_index.find(id);
  if (it == state_.account_index.end()) return {WriteStatus::NotFound, "no account " + id, 0};
  Account& stored = state_.accounts[it->second];
  if (auto check = checkVersion(stored.version, if_match); check.status != WriteStatus::Ok)
    return check;
  Account copy = stored;
  WriteResult result = mutate(copy);
  if (result.status != WriteStatus::Ok) return result;
  copy.id = stored.id;
  normalise(copy.entitlements);
  // Deactivating an account also revokes its API keys, as real identity
  // providers do; the partial-apply fault is what breaks this promise.
  if (stored.active && !copy.active) {
    for (auto& c : copy.credentials) c.active = false;
  }
  const std::string old_name = lower(stored.user_name);
  if (lower(copy.user_name) != old_name) {
    if (state_.user_name_index.count(lower(copy.user_name)) != 0) {
      return {WriteStatus::Conflict, "userName \"" + copy.user_name + "\" is already taken",
              stored.version};
    }
    state_.user_name_index.erase(old_name);
    state_.user_name_index[lower(copy.user_name)] = it->second;
  }
  copy.version = stored.version + 1;
  copy.last_modified = formatRfc3339(state_.epoch_seconds + clock_.nowMs() / 1000);
  const std::uint64_t before = changes_.size();
  logAccountDiff(stored, copy, cause);
  WriteRecord record;
  record.accounts.emplace_back(stored.id, stored);
  stored = std::move(copy);
  remember(before, std::move(record));
  return {WriteStatus::Ok, "", stored.version};
}

WriteResult Tenant::updateGroup(const std::string& id,
                                const std::function<WriteResult(Group&)>& mutate,
                                std::optional<std::uint64_t> if_match, const std::string& cause) {
  std::unique_lock lock(mutex_);
  auto it = state_.group_index.find(id);
  if (it == state_.group_index.end()) return {WriteStatus::NotFound, "no group " + id, 0};
  Group& stored = state_.groups[it->second];
  if (auto check = checkVersion(stored.version, if_match); check.status != WriteStatus::Ok)
    return check;
  Group copy = stored;
  WriteResult result = mutate(copy);
  if (result.status != WriteStatus::Ok) return result;
  copy.id = stored.id;
  resolveMemberKinds(state_, copy.members);
  normalise(copy.members);
  normalise(copy.entitlements);
  for (const auto& m : copy.members) {
    const bool known =
        m.is_group ? state_.group_index.count(m.id) != 0 : state_.account_index.count(m.id) != 0;
    if (!known)
      return {WriteStatus::Invalid, "member \"" + m.id + "\" does not exist", stored.version};
    if (m.is_group && m.id == copy.id)
      return {WriteStatus::Invalid, "a group cannot contain itself", stored.version};
  }
  copy.version = stored.version + 1;
  copy.last_modified = formatRfc3339(state_.epoch_seconds + clock_.nowMs() / 1000);
  const std::uint64_t before = changes_.size();
  logGroupDiff(stored, copy, cause);
  const bool members_changed = stored.members != copy.members;
  WriteRecord record;
  record.groups.emplace_back(stored.id, stored);
  stored = std::move(copy);
  remember(before, std::move(record));
  if (members_changed) state_.rebuildMemberOf();
  return {WriteStatus::Ok, "", stored.version};
}

WriteResult Tenant::createAccount(Account account, const std::string& cause, std::string* id_out) {
  std::unique_lock lock(mutex_);
  if (account.user_name.empty()) return {WriteStatus::Invalid, "userName is required", 0};
  if (state_.user_name_index.count(lower(account.user_name)) != 0) {
    return {WriteStatus::Conflict, "userName \"" + account.user_name + "\" is already taken", 0};
  }
  account.id = newId("account");
  account.version = 1;
  account.created = account.last_modified =
      formatRfc3339(state_.epoch_seconds + clock_.nowMs() / 1000);
  normalise(account.entitlements);
  state_.accounts.push_back(account);
  state_.account_index[account.id] = state_.accounts.size() - 1;
  state_.user_name_index[lower(account.user_name)] = state_.accounts.size() - 1;
  const std::uint64_t before = changes_.size();
  log("account.created", account.id, account.user_name, cause);
  WriteRecord record;
  record.accounts.emplace_back(account.id, std::nullopt);
  remember(before, std::move(record));
  if (id_out != nullptr) *id_out = account.id;
  return {WriteStatus::Ok, "", 1};
}

WriteResult Tenant::createGroup(Group group, const std::string& cause, std::string* id_out) {
  std::unique_lock lock(mutex_);
  if (group.display_name.empty()) return {WriteStatus::Invalid, "displayName is required", 0};
  resolveMemberKinds(state_, group.members);
  normalise(group.members);
  for (const auto& m : group.members) {
    const bool known =
        m.is_group ? state_.group_index.count(m.id) != 0 : state_.account_index.count(m.id) != 0;
    if (!known) return {WriteStatus::Invalid, "member \"" + m.id + "\" does not exist", 0};
  }
  group.id = newId("group");
  group.version = 1;
  group.created = group.last_modified = formatRfc3339(state_.epoch_seconds + clock_.nowMs() / 1000);
  state_.groups.push_back(group);
  state_.group_index[group.id] = state_.groups.size() - 1;
  state_.rebuildMemberOf();
  const std::uint64_t before = changes_.size();
  log("group.created", group.id, group.display_name, cause);
  for (const auto& m : group.members) log("member.added", group.id, m.id, cause);
  WriteRecord record;
  record.groups.emplace_back(group.id, std::nullopt);
  remember(before, std::move(record));
  if (id_out != nullptr) *id_out = group.id;
  return {WriteStatus::Ok, "", 1};
}

void Tenant::detachFromGroups(const Member& member, WriteRecord& record, const std::string& cause) {
  // Every group that held the deleted object changed, so its lastModified
  // moves too, or a delta sync would miss the removal.
  const std::string now = formatRfc3339(state_.epoch_seconds + clock_.nowMs() / 1000);
  for (auto& g : state_.groups) {
    auto m = std::find(g.members.begin(), g.members.end(), member);
    if (m == g.members.end()) continue;
    record.groups.emplace_back(g.id, g);
    g.members.erase(m);
    ++g.version;
    g.last_modified = now;
    log("member.removed", g.id, member.id, cause);
  }
}

template <typename T>
WriteResult Tenant::deleteObject(std::vector<T>& objects,
                                 const std::unordered_map<std::string, std::size_t>& index,
                                 const std::string& id, std::optional<std::uint64_t> if_match,
                                 const std::string& cause) {
  constexpr bool kIsGroup = std::is_same_v<T, Group>;
  auto it = index.find(id);
  if (it == index.end())
    return {WriteStatus::NotFound, std::string(kIsGroup ? "no group " : "no account ") + id, 0};
  if (auto check = checkVersion(objects[it->second].version, if_match);
      check.status != WriteStatus::Ok) {
    return check;
  }
  const std::uint64_t before = changes_.size();
  WriteRecord record;
  if constexpr (kIsGroup) {
    record.groups.emplace_back(id, objects[it->second]);
  } else {
    record.accounts.emplace_back(id, objects[it->second]);
  }
  objects.erase(objects.begin() + static_cast<std::ptrdiff_t>(it->second));
  detachFromGroups(Member{id, kIsGroup}, record, cause);
  state_.reindex();
  log(kIsGroup ? "group.deleted" : "account.deleted", id, "", cause);
  remember(before, std::move(record));
  return {WriteStatus::Ok, "", 0};
}

WriteResult Tenant::deleteAccount(const std::string& id, std::optional<std::uint64_t> if_match,
                                  const std::string& cause) {
  std::unique_lock lock(mutex_);
  return deleteObject(state_.accounts, state_.account_index, id, if_match, cause);
}

WriteResult Tenant::deleteGroup(const std::string& id, std::optional<std::uint64_t> if_match,
                                const std::string& cause) {
  std::unique_lock lock(mutex_);
  return deleteObject(state_.groups, state_.group_index, id, if_match, cause);
}

EffectiveAccess Tenant::effectiveAccess(const std::string& account_id) const {
  std::shared_lock lock(mutex_);
  return computeEffectiveAccess(state_, account_id);
}

EffectiveAccess computeEffectiveAccess(const TenantState& state, const std::string& account_id) {
  EffectiveAccess access;
  const Account* account = state.findAccount(account_id);
  if (account == nullptr) return access;
  access.exists = true;
  access.active = account->active;
  for (const auto& c : account->credentials) {
    if (c.active) access.live_credentials.insert(c.id);
  }
  access.entitlements.insert(account->entitlements.begin(), account->entitlements.end());
  // Breadth-first over "is a member of", upwards through nesting; the visited
  // set makes membership cycles harmless.
  std::deque<Member> frontier{{account_id, false}};
  while (!frontier.empty()) {
    const Member current = frontier.front();
    frontier.pop_front();
    for (const auto& g : state.groups) {
      if (access.groups.count(g.id) != 0) continue;
      if (std::binary_search(g.members.begin(), g.members.end(), current)) {
        access.groups.insert(g.id);
        access.entitlements.insert(g.entitlements.begin(), g.entitlements.end());
        frontier.push_back({g.id, true});
      }
    }
  }
  return access;
}

}  // namespace faultline::mocks
