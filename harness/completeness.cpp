#include "harness/completeness.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace faultline::harness {
namespace {

using mocks::TenantState;

std::string yes(bool b) {
  return b ? "true" : "false";
}

std::string accountAttrs(const std::string& user_name, const std::string& display_name, bool active,
                         const std::string& type, bool privileged) {
  return "userName=" + user_name + " displayName=" + display_name + " active=" + yes(active) +
         " accountType=" + type + " privileged=" + yes(privileged);
}

// A grant's key is the text kind|principal_type|principal|target. At a
// million grants (issue #4), building that text for every grant of both
// snapshots and of the output costs more time and memory than the scoring
// itself, so a key points at its four parts and is hashed and compared as the
// joined text would be. When no part holds a '|', the joined text has exactly
// three of them, so two such keys are equal exactly when their parts are;
// a key with a '|' inside a part can only equal another such key, and those
// rare ones are compared as joined text.
struct GrantKey {
  const std::string* kind;
  const std::string* principal_type;
  std::string_view principal, target;
  std::uint64_t hash = 0;
  bool plain = true;
};

std::string joined(const GrantKey& k) {
  std::string out = *k.kind + "|" + *k.principal_type + "|";
  out.append(k.principal).append("|").append(k.target);
  return out;
}

GrantKey grantKey(const std::string& kind, const std::string& principal_type,
                  const std::string& principal, const std::string& target) {
  GrantKey k{&kind, &principal_type, principal, target};
  for (std::string_view p :
       {std::string_view(kind), std::string_view(principal_type), k.principal, k.target})
    k.plain = k.plain && p.find('|') == std::string_view::npos;
  if (!k.plain) {
    k.hash = std::hash<std::string>{}(joined(k));
    return k;
  }
  const std::hash<std::string_view> h;
  for (std::string_view p :
       {std::string_view(kind), std::string_view(principal_type), k.principal, k.target})
    k.hash = k.hash * 0x9e3779b97f4a7c15ULL + h(p);
  return k;
}

bool operator==(const GrantKey& a, const GrantKey& b) {
  if (a.hash != b.hash || a.plain != b.plain) return false;
  if (!a.plain) return joined(a) == joined(b);
  return a.principal == b.principal && a.target == b.target && *a.kind == *b.kind &&
         *a.principal_type == *b.principal_type;
}

void writeKey(std::string_view id, std::string& out) {
  out.assign(id);
}
void writeKey(const GrantKey& k, std::string& out) {
  out = joined(k);
}

// The grant kinds and principal types the truth spells out.
const std::string kMembership = "membership";
const std::string kEntitlement = "entitlement";
const std::string kAccount = "account";
const std::string kGroup = "group";

// What is known of one key: its canonical attributes at each end of the sync
// window (an index into KeyTable::attrs, -1 when absent) and whether the
// connector returned it.
struct KeyState {
  std::int32_t start = -1;
  std::int32_t end = -1;
  bool returned = false;
};

// The grants of both snapshots and of the output, in one open-addressing
// table. A probe compares the stored hash before it touches a key's strings,
// so a lookup costs a slot and, on a hash match, one key: at a million grants
// the cache misses of a node-based map were most of the scoring time.
class GrantMap {
 public:
  using Entry = std::pair<GrantKey, KeyState>;

  void reserve(std::size_t size) {
    entries_.reserve(size + size / 8);
    std::size_t capacity = 16;
    while (capacity < 2 * size) capacity *= 2;
    rehash(capacity);
  }

  KeyState& operator[](const GrantKey& key) {
    if (2 * (entries_.size() + 1) > slots_.size())
      rehash(std::max<std::size_t>(16, 2 * slots_.size()));
    std::size_t i = slotOf(key.hash);
    for (; slots_[i].entry != 0; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].hash != key.hash) continue;
      Entry& e = entries_[slots_[i].entry - 1];
      if (e.first == key) return e.second;
    }
    entries_.push_back({key, KeyState{}});
    slots_[i] = {key.hash, static_cast<std::uint32_t>(entries_.size())};
    return entries_.back().second;
  }

  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t entry = 0;  // 1-based index into entries_; 0 when free
  };

  std::size_t slotOf(std::uint64_t hash) const {
    return (hash * 0x9e3779b97f4a7c15ULL) >> (64 - std::countr_zero(slots_.size()));
  }

  void rehash(std::size_t capacity) {
    slots_.assign(capacity, Slot{});
    for (std::size_t n = 0; n < entries_.size(); ++n) {
      std::size_t i = slotOf(entries_[n].first.hash);
      while (slots_[i].entry != 0) i = (i + 1) & (capacity - 1);
      slots_[i] = {entries_[n].first.hash, static_cast<std::uint32_t>(n + 1)};
    }
  }

  std::vector<Slot> slots_;
  std::vector<Entry> entries_;
};

// Every key of one object type, from both snapshots and the output. Keys
// point into the snapshots and the output, which outlive the table.
template <typename Key, typename Map = std::unordered_map<Key, KeyState>>
struct KeyTable {
  Map keys;
  std::vector<std::string> attrs{""};  // attrs[0] is "": grants have no attributes

  explicit KeyTable(std::size_t size) { keys.reserve(size); }
  // A later record with the same key at the same instant replaces an earlier one.
  void addTruth(bool at_start, const Key& key, std::string canonical) {
    attrs.push_back(std::move(canonical));
    addTruth(at_start, key, static_cast<std::int32_t>(attrs.size() - 1));
  }
  void addTruth(bool at_start, const Key& key, std::int32_t attrs_index) {
    KeyState& state = keys[key];
    (at_start ? state.start : state.end) = attrs_index;
  }
};

using IdTable = KeyTable<std::string_view>;
using GrantTable = KeyTable<GrantKey, GrantMap>;

struct Tables {
  IdTable accounts, groups, entitlements, credentials;
  GrantTable grants;
};

std::size_t grantCount(const TenantState& s) {
  std::size_t n = 0;
  for (const auto& a : s.accounts) n += a.entitlements.size();
  for (const auto& g : s.groups) n += g.members.size() + g.entitlements.size();
  return n;
}

std::size_t credentialCount(const TenantState& s) {
  std::size_t n = 0;
  for (const auto& a : s.accounts) n += a.credentials.size();
  return n;
}

void addTruthOf(const TenantState& s, bool at_start, Tables& t) {
  for (const auto& a : s.accounts) {
    t.accounts.addTruth(
        at_start, a.id,
        accountAttrs(a.user_name, a.display_name, a.active,
                     a.type == mocks::AccountType::Service ? "service" : "human", a.privileged));
    for (const auto& e : a.entitlements)
      t.grants.addTruth(at_start, grantKey(kEntitlement, kAccount, a.id, e), 0);
    for (const auto& c : a.credentials)
      t.credentials.addTruth(at_start, c.id, "owner=" + a.id + " active=" + yes(c.active));
  }
  for (const auto& g : s.groups) {
    t.groups.addTruth(at_start, g.id, "displayName=" + g.display_name);
    for (const auto& m : g.members)
      t.grants.addTruth(at_start, grantKey(kMembership, m.is_group ? kGroup : kAccount, m.id, g.id),
                        0);
    for (const auto& e : g.entitlements)
      t.grants.addTruth(at_start, grantKey(kEntitlement, kGroup, g.id, e), 0);
  }
  for (const auto& e : s.entitlements) {
    t.entitlements.addTruth(at_start, e.id,
                            "displayName=" + e.display_name + " privileged=" + yes(e.privileged));
  }
}

Tables truthOf(const TenantState& at_start, const TenantState& at_end, const ConnectorOutput& out) {
  Tables t{
      IdTable(std::max({at_start.accounts.size(), at_end.accounts.size(), out.accounts.size()})),
      IdTable(std::max({at_start.groups.size(), at_end.groups.size(), out.groups.size()})),
      IdTable(std::max(
          {at_start.entitlements.size(), at_end.entitlements.size(), out.entitlements.size()})),
      IdTable(
          std::max({credentialCount(at_start), credentialCount(at_end), out.credentials.size()})),
      GrantTable(std::max({grantCount(at_start), grantCount(at_end), out.grants.size()}))};
  addTruthOf(at_start, true, t);
  addTruthOf(at_end, false, t);
  return t;
}

// One returned record: its key, canonical attributes and stdout line.
template <typename Key>
struct Returned {
  Key key;
  std::string attrs;
  std::size_t line;
};

// Keeps the kMaxListedIds smallest keys in `listed`, sorted, as the ordered
// map this scorer once iterated listed them.
void keepSmallest(std::vector<std::string>& listed, const std::string& key) {
  if (listed.size() == kMaxListedIds) {
    if (!(key < listed.back())) return;
    listed.pop_back();
  }
  listed.insert(std::upper_bound(listed.begin(), listed.end(), key), key);
}

template <typename Table>
void countExpected(const Table& table, reports::TypeScore& score) {
  std::string key_text;
  for (const auto& [key, state] : table.keys) {
    if (state.start < 0 || state.end < 0) continue;  // gone or new mid-window: not owed
    ++score.expected;
    if (state.returned) {
      ++score.matched;
      continue;
    }
    ++score.missing_total;
    writeKey(key, key_text);
    keepSmallest(score.missing, key_text);
  }
}

// `record(i)` is the i-th of `count` returned records, in output order.
template <typename Table, typename Record>
reports::TypeScore scoreType(const std::string& type, Table& table, std::size_t count,
                             Record record, std::vector<std::string>& examples) {
  reports::TypeScore score;
  score.type = type;
  std::string key_text;
  for (std::size_t i = 0; i < count; ++i) {
    const auto r = record(i);
    KeyState& state = table.keys[r.key];
    if (state.returned) {
      ++score.duplicates;
      continue;
    }
    state.returned = true;
    ++score.returned;
    if (state.start < 0 && state.end < 0) {
      writeKey(r.key, key_text);
      if (score.phantom.size() < kMaxListedIds) score.phantom.push_back(key_text);
      ++score.phantom_total;
      continue;
    }
    const bool attrs_ok = (state.start >= 0 && table.attrs[state.start] == r.attrs) ||
                          (state.end >= 0 && table.attrs[state.end] == r.attrs);
    if (!attrs_ok) {
      ++score.attribute_mismatches;
      if (examples.size() < 10) {
        writeKey(r.key, key_text);
        examples.push_back(type + " " + key_text + " (stdout line " + std::to_string(r.line) +
                           "): got \"" + r.attrs + "\", truth \"" +
                           table.attrs[state.end >= 0 ? state.end : state.start] + "\"");
      }
    }
  }
  countExpected(table, score);
  score.recall = score.expected == 0
                     ? 1.0
                     : static_cast<double>(score.matched) / static_cast<double>(score.expected);
  const std::size_t judged = score.returned;
  score.precision =
      judged == 0 ? 1.0
                  : static_cast<double>(judged - score.phantom_total) / static_cast<double>(judged);
  return score;
}

void checkReferences(const ConnectorOutput& out, CompletenessScore& score) {
  std::unordered_set<std::string_view> accounts, groups, entitlements;
  accounts.reserve(out.accounts.size());
  groups.reserve(out.groups.size());
  entitlements.reserve(out.entitlements.size());
  for (const auto& a : out.accounts) accounts.insert(a.id);
  for (const auto& g : out.groups) groups.insert(g.id);
  for (const auto& e : out.entitlements) entitlements.insert(e.id);
  auto dangling = [&](std::size_t line, const std::string& what, const std::string& id) {
    ++score.dangling_total;
    if (score.dangling.size() < kMaxListedIds) {
      score.dangling.push_back("stdout line " + std::to_string(line) + ": " + what + " " + id +
                               " was not returned");
    }
  };
  for (const auto& g : out.grants) {
    const auto& principals = g.principal_type == "account" ? accounts : groups;
    if (principals.count(g.principal) == 0) dangling(g.line, g.principal_type, g.principal);
    const auto& targets = g.kind == "membership" ? groups : entitlements;
    if (targets.count(g.target) == 0)
      dangling(g.line, g.kind == "membership" ? "group" : "entitlement", g.target);
  }
  for (const auto& c : out.credentials) {
    if (accounts.count(c.owner) == 0) dangling(c.line, "credential owner", c.owner);
  }
}

}  // namespace

bool CompletenessScore::complete() const {
  return std::all_of(types.begin(), types.end(),
                     [](const auto& t) { return t.missing_total == 0; });
}

bool CompletenessScore::exact() const {
  return complete() && dangling_total == 0 &&
         std::all_of(types.begin(), types.end(), [](const auto& t) {
           return t.phantom_total == 0 && t.duplicates == 0 && t.attribute_mismatches == 0;
         });
}

double CompletenessScore::minRecall() const {
  double r = 1.0;
  for (const auto& t : types) r = std::min(r, t.recall);
  return r;
}

CompletenessScore scoreCompleteness(const TenantState& at_start, const TenantState& at_end,
                                    const ConnectorOutput& out) {
  Tables t = truthOf(at_start, at_end, out);
  CompletenessScore score;
  auto& examples = score.attribute_examples;
  score.types.push_back(scoreType(
      "account", t.accounts, out.accounts.size(),
      [&](std::size_t i) {
        const AccountRecord& a = out.accounts[i];
        return Returned<std::string_view>{
            a.id, accountAttrs(a.user_name, a.display_name, a.active, a.account_type, a.privileged),
            a.line};
      },
      examples));
  score.types.push_back(scoreType(
      "group", t.groups, out.groups.size(),
      [&](std::size_t i) {
        const GroupRecord& g = out.groups[i];
        return Returned<std::string_view>{g.id, "displayName=" + g.display_name, g.line};
      },
      examples));
  score.types.push_back(scoreType(
      "entitlement", t.entitlements, out.entitlements.size(),
      [&](std::size_t i) {
        const EntitlementRecord& e = out.entitlements[i];
        return Returned<std::string_view>{
            e.id, "displayName=" + e.display_name + " privileged=" + yes(e.privileged), e.line};
      },
      examples));
  score.types.push_back(scoreType(
      "grant", t.grants, out.grants.size(),
      [&](std::size_t i) {
        const GrantRecord& g = out.grants[i];
        return Returned<GrantKey>{grantKey(g.kind, g.principal_type, g.principal, g.target), "",
                                  g.line};
      },
      examples));
  score.types.push_back(scoreType(
      "credential", t.credentials, out.credentials.size(),
      [&](std::size_t i) {
        const CredentialRecord& c = out.credentials[i];
        return Returned<std::string_view>{c.id, "owner=" + c.owner + " active=" + yes(c.active),
                                          c.line};
      },
      examples));
  checkReferences(out, score);
  return score;
}

}  // namespace faultline::harness
