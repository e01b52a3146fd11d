#include "harness/scorers/completeness.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "harness/scorers/findings.h"

namespace faultline::harness {
namespace {

using mocks::TenantState;

std::string yes(bool b) {
  return b ? "true" : "false";
}

std::string typeName(mocks::AccountType t) {
  return t == mocks::AccountType::Service ? "service" : "human";
}

std::string accountAttrs(const std::string& user_name, const std::string& display_name, bool active,
                         const std::string& type, bool privileged) {
  return "userName=" + user_name + " displayName=" + display_name + " active=" + yes(active) +
         " accountType=" + type + " privileged=" + yes(privileged);
}

// A record is judged by its canonical attribute text (docs/scoring.md). At
// enterprise size building that text for every record costs more than the
// judging, so `same` first compares the fields: equal fields always give
// equal texts, and only when a field differs are the texts built and
// compared, since different fields can still spell the same text.
struct OwnedCredential {
  const mocks::Account* owner = nullptr;
  const mocks::Credential* credential = nullptr;
};

std::string canonical(const mocks::Account* a) {
  return accountAttrs(a->user_name, a->display_name, a->active, typeName(a->type), a->privileged);
}
std::string canonical(const AccountRecord& a) {
  return accountAttrs(a.user_name, a.display_name, a.active, a.account_type, a.privileged);
}
bool same(const mocks::Account* t, const AccountRecord& r) {
  return t->user_name == r.user_name && t->display_name == r.display_name &&
         t->active == r.active && t->privileged == r.privileged &&
         r.account_type == (t->type == mocks::AccountType::Service ? "service" : "human");
}

std::string canonical(const mocks::Group* g) {
  return "displayName=" + g->display_name;
}
std::string canonical(const GroupRecord& g) {
  return "displayName=" + g.display_name;
}
bool same(const mocks::Group* t, const GroupRecord& r) {
  return t->display_name == r.display_name;
}

std::string canonical(const mocks::Entitlement* e) {
  return "displayName=" + e->display_name + " privileged=" + yes(e->privileged);
}
std::string canonical(const EntitlementRecord& e) {
  return "displayName=" + e.display_name + " privileged=" + yes(e.privileged);
}
bool same(const mocks::Entitlement* t, const EntitlementRecord& r) {
  return t->display_name == r.display_name && t->privileged == r.privileged;
}

std::string canonical(const OwnedCredential& c) {
  return "owner=" + canonicalId(c.owner->id) + " active=" + yes(c.credential->active);
}
std::string canonical(const CredentialRecord& c) {
  return "owner=" + canonicalId(c.owner) + " active=" + yes(c.active);
}
bool same(const OwnedCredential& t, const CredentialRecord& r) {
  return t.owner->id == r.owner && t.credential->active == r.active;
}

template <typename T>
bool has(const T* truth) {
  return truth != nullptr;
}
bool has(const OwnedCredential& truth) {
  return truth.credential != nullptr;
}

template <typename Truth, typename Record>
bool agrees(const Truth& truth, const Record& r) {
  return same(truth, r) || canonical(truth) == canonical(r);
}

// A fast hash of short ids; only this process's tables depend on it.
std::uint64_t hashOf(std::string_view s) {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  std::uint64_t w = 0;
  std::memcpy(&w, s.data() + i, s.size() - i);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
  return h ^ (h >> 29);
}

// Open addressing needs a power-of-two capacity holding `size` at most 70% full.
std::size_t capacityFor(std::size_t size) {
  return std::bit_ceil(std::max<std::size_t>(16, size + size / 2));
}

// Gives each distinct text (id, kind, principal type) a dense number, so the
// tables below are arrays indexed by id and grant keys are four integers. A
// million grants name only about a hundred thousand distinct ids, and the
// texts are copied into one buffer: a probe compares against that compact
// buffer instead of a string somewhere in the inputs.
class Interner {
 public:
  explicit Interner(std::size_t expected) : slots_(capacityFor(expected)) {
    ends_.reserve(expected);
  }

  std::uint32_t operator()(std::string_view s) {
    if (3 * (ends_.size() + 1) > 2 * slots_.size()) rehash(2 * slots_.size());
    const std::uint64_t h = hashOf(s);
    std::size_t i = slotOf(h);
    for (; slots_[i].id != kFree; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].hash == h && text(slots_[i].id) == s) return slots_[i].id;
    }
    // A UUID in capitals names the same record as in lowercase (the id rule,
    // docs/connector-protocol.md), so it is never stored as it is: it is
    // interned folded, and every table below still compares plain numbers.
    // Checked only on a miss, since an id met before, in any spelling that
    // reached this line, is already stored lowercase; a million grants
    // repeating a hundred thousand ids check each id about once.
    char folded[36];
    if (foldUuid(s, folded)) return (*this)(std::string_view(folded, sizeof folded));
    const auto id = static_cast<std::uint32_t>(ends_.size());
    slots_[i] = {h, id};
    text_.append(s);
    ends_.push_back(text_.size());
    pipe_.push_back(s.find('|') != std::string_view::npos);
    return id;
  }

  std::string_view text(std::uint32_t id) const {
    const std::size_t begin = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(text_).substr(begin, ends_[id] - begin);
  }
  bool hasPipe(std::uint32_t id) const { return pipe_[id]; }

 private:
  static constexpr std::uint32_t kFree = UINT32_MAX;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t id = kFree;
  };

  std::size_t slotOf(std::uint64_t h) const {
    return (h * 0x9e3779b97f4a7c15ULL) >> (64 - std::countr_zero(slots_.size()));
  }

  // Whether any byte of `w` is 'A' to 'F' (the exact "hasbetween" of Bit
  // Twiddling Hacks, for bytes strictly between 0x40 and 0x47).
  static bool hasUpperHex(std::uint64_t w) {
    constexpr std::uint64_t kOnes = ~std::uint64_t{0} / 255;
    return ((kOnes * (127 + 0x47) - (w & kOnes * 127)) & ~w &
            ((w & kOnes * 127) + kOnes * (127 - 0x40)) & kOnes * 128) != 0;
  }

  // Writes `s` in lowercase to `out` and returns true when it is a UUID
  // holding a capital. Nearly every id holds none: five word tests settle
  // that without a byte-by-byte pass.
  static bool foldUuid(std::string_view s, char* out) {
    if (s.size() != 36) return false;
    std::uint64_t w[5] = {};
    std::memcpy(w, s.data(), 36);
    if (!(hasUpperHex(w[0]) || hasUpperHex(w[1]) || hasUpperHex(w[2]) || hasUpperHex(w[3]) ||
          hasUpperHex(w[4])))
      return false;
    bool upper = false;
    for (std::size_t i = 0; i < 36; ++i) {
      const char c = s[i];
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') return false;
        out[i] = c;
      } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
        out[i] = c;
      } else if (c >= 'A' && c <= 'F') {
        upper = true;
        out[i] = static_cast<char>(c - 'A' + 'a');
      } else {
        return false;
      }
    }
    return upper;
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.id == kFree) continue;
      std::size_t i = slotOf(s.hash);
      while (slots_[i].id != kFree) i = (i + 1) & (capacity - 1);
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::string text_;               // every text, back to back
  std::vector<std::size_t> ends_;  // where text i ends in text_
  std::vector<bool> pipe_;         // whether text i holds a '|'
};

// What is known of one id of one type: its truth at each end of the sync
// window (absent when null) and whether the connector returned it.
template <typename Truth>
struct IdState {
  Truth start{};
  Truth end{};
  bool returned = false;
};

template <typename Truth>
struct IdTable {
  std::vector<IdState<Truth>> states;  // by interned id

  IdState<Truth>& at(std::uint32_t id) {
    if (id >= states.size()) states.resize(std::max<std::size_t>(id + 1, 2 * states.size()));
    return states[id];
  }
  bool returned(std::uint32_t id) const { return id < states.size() && states[id].returned; }
  // Created or deleted while the connector ran: present at one end only.
  bool changedMidWindow(std::uint32_t id) const {
    return id < states.size() && has(states[id].start) != has(states[id].end);
  }
  // A later record with the same id at the same instant replaces an earlier one.
  void addTruth(bool at_start, std::uint32_t id, const Truth& truth) {
    IdState<Truth>& s = at(id);
    (at_start ? s.start : s.end) = truth;
  }
};

// A grant's key is the text kind|principal_type|principal|target. When no
// part holds a '|', the text has exactly three of them, so two such keys are
// equal exactly when their interned parts are; a key with a '|' inside a part
// can only equal another such key, and those rare ones are kept by text.
struct GrantKey {
  std::uint32_t kind, principal_type, principal, target;
  bool operator==(const GrantKey&) const = default;
};

enum GrantFlag : std::uint8_t { kAtStart = 1, kAtEnd = 2, kReturned = 4 };

class GrantTable {
 public:
  GrantTable(std::size_t size, const Interner& ids) : slots_(capacityFor(size)), ids_(ids) {}

  std::uint8_t& operator[](const GrantKey& key) {
    if (ids_.hasPipe(key.kind) || ids_.hasPipe(key.principal_type) || ids_.hasPipe(key.principal) ||
        ids_.hasPipe(key.target))
      return by_text_[text(key)];
    if (3 * (used_ + 1) > 2 * slots_.size()) rehash(2 * slots_.size());
    std::size_t i = slotOf(key);
    for (; slots_[i].used; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].key == key) return slots_[i].flags;
    }
    ++used_;
    slots_[i] = {key, 0, true};
    return slots_[i].flags;
  }

  std::string text(const GrantKey& k) const {
    std::string out(ids_.text(k.kind));
    out.append("|").append(ids_.text(k.principal_type)).append("|");
    out.append(ids_.text(k.principal)).append("|").append(ids_.text(k.target));
    return out;
  }

  // Calls f(text_of_key, flags) for every key; the text is built on demand.
  template <typename F>
  void forEach(F f) const {
    for (const Slot& s : slots_) {
      if (s.used) f([&] { return text(s.key); }, s.flags);
    }
    // Not a structured binding: clang 14 cannot capture one in a lambda.
    for (const auto& entry : by_text_) f([&] { return entry.first; }, entry.second);
  }

 private:
  struct Slot {
    GrantKey key{};
    std::uint8_t flags = 0;
    bool used = false;
  };

  std::size_t slotOf(const GrantKey& k) const {
    const std::uint64_t h =
        ((std::uint64_t{k.principal} << 32 | k.target) * 0xff51afd7ed558ccdULL) ^
        ((std::uint64_t{k.kind} << 32 | k.principal_type) * 0xc4ceb9fe1a85ec53ULL);
    return ((h ^ (h >> 31)) * 0x9e3779b97f4a7c15ULL) >> (64 - std::countr_zero(slots_.size()));
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (!s.used) continue;
      std::size_t i = slotOf(s.key);
      while (slots_[i].used) i = (i + 1) & (capacity - 1);
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t used_ = 0;
  std::unordered_map<std::string, std::uint8_t> by_text_;
  const Interner& ids_;
};

std::size_t grantCount(const TenantState& s) {
  std::size_t n = 0;
  for (const auto& a : s.accounts) n += a.entitlements.size();
  for (const auto& g : s.groups) n += g.members.size() + g.entitlements.size();
  return n;
}

std::size_t idCount(const TenantState& s) {
  std::size_t n = s.accounts.size() + s.groups.size() + s.entitlements.size();
  for (const auto& a : s.accounts) n += a.credentials.size();
  return n;
}

// Every key of every type, from both snapshots and the output. Truth
// pointers point into the snapshots, which outlive the tables.
struct Tables {
  Interner ids;
  IdTable<const mocks::Account*> accounts;
  IdTable<const mocks::Group*> groups;
  IdTable<const mocks::Entitlement*> entitlements;
  IdTable<OwnedCredential> credentials;
  GrantTable grants;
  // The grant kinds and principal types the truth spells out.
  const std::uint32_t membership = ids("membership"), entitlement = ids("entitlement"),
                      account = ids("account"), group = ids("group");

  Tables(std::size_t id_count, std::size_t grant_count) : ids(id_count), grants(grant_count, ids) {}
};

void addTruthOf(const TenantState& s, bool at_start, Tables& t) {
  const std::uint8_t flag = at_start ? kAtStart : kAtEnd;
  for (const auto& a : s.accounts) {
    const std::uint32_t id = t.ids(a.id);
    t.accounts.addTruth(at_start, id, &a);
    for (const auto& e : a.entitlements) t.grants[{t.entitlement, t.account, id, t.ids(e)}] |= flag;
    for (const auto& c : a.credentials)
      t.credentials.addTruth(at_start, t.ids(c.id), OwnedCredential{&a, &c});
  }
  for (const auto& g : s.groups) {
    const std::uint32_t id = t.ids(g.id);
    t.groups.addTruth(at_start, id, &g);
    for (const auto& m : g.members)
      t.grants[{t.membership, m.is_group ? t.group : t.account, t.ids(m.id), id}] |= flag;
    for (const auto& e : g.entitlements) t.grants[{t.entitlement, t.group, id, t.ids(e)}] |= flag;
  }
  for (const auto& e : s.entitlements) t.entitlements.addTruth(at_start, t.ids(e.id), &e);
}

// Keeps the kMaxListedIds smallest keys in `listed`, sorted, as the ordered
// map this scorer once iterated listed them.
void keepSmallest(std::vector<std::string>& listed, std::string key) {
  if (listed.size() == kMaxListedIds) {
    if (!(key < listed.back())) return;
    listed.pop_back();
  }
  listed.insert(std::upper_bound(listed.begin(), listed.end(), key), std::move(key));
}

// Counts a key owed when it existed at both ends of the window.
template <typename Text>
void countExpected(bool at_start, bool at_end, bool returned, Text text,
                   reports::TypeScore& score) {
  if (!at_start || !at_end) return;  // gone or new mid-window: not owed
  ++score.expected;
  if (returned) {
    ++score.matched;
    return;
  }
  ++score.missing_total;
  keepSmallest(score.missing, text());
}

void finishScore(reports::TypeScore& score) {
  score.recall = score.expected == 0
                     ? 1.0
                     : static_cast<double>(score.matched) / static_cast<double>(score.expected);
  const std::size_t judged = score.returned;
  score.precision =
      judged == 0 ? 1.0
                  : static_cast<double>(judged - score.phantom_total) / static_cast<double>(judged);
}

// Scores the returned records of one type with an id, in output order.
template <typename Truth, typename Record>
reports::TypeScore scoreIds(const std::string& type, IdTable<Truth>& table,
                            const std::vector<Record>& records, Interner& ids,
                            std::vector<std::string>& examples) {
  reports::TypeScore score;
  score.type = type;
  for (const Record& r : records) {
    IdState<Truth>& state = table.at(ids(r.id));
    if (state.returned) {
      ++score.duplicates;
      continue;
    }
    state.returned = true;
    ++score.returned;
    if (!has(state.start) && !has(state.end)) {
      if (score.phantom.size() < kMaxListedIds) score.phantom.push_back(r.id);
      ++score.phantom_total;
      continue;
    }
    if ((has(state.start) && agrees(state.start, r)) || (has(state.end) && agrees(state.end, r)))
      continue;
    ++score.attribute_mismatches;
    if (examples.size() < 10) {
      examples.push_back(type + " " + r.id + " (stdout line " + std::to_string(r.line) +
                         "): got \"" + canonical(r) + "\", truth \"" +
                         canonical(has(state.end) ? state.end : state.start) + "\"");
    }
  }
  for (const IdState<Truth>& s : table.states) {
    const auto id = static_cast<std::uint32_t>(&s - table.states.data());
    countExpected(
        has(s.start), has(s.end), s.returned, [&] { return std::string(ids.text(id)); }, score);
  }
  finishScore(score);
  return score;
}

// The interned principal and target of each returned grant, for the
// reference check.
struct GrantEnds {
  std::uint32_t principal, target;
};

// Grants carry no attributes, so a returned grant is either known or a phantom.
reports::TypeScore scoreGrants(const std::vector<GrantRecord>& records, Tables& t,
                               std::vector<GrantEnds>& ends) {
  reports::TypeScore score;
  score.type = "grant";
  ends.reserve(records.size());
  // A million grants spell a handful of kinds and principal types.
  auto small = [&t](const std::string& text) {
    if (text == "membership") return t.membership;
    if (text == "entitlement") return t.entitlement;
    if (text == "account") return t.account;
    return text == "group" ? t.group : t.ids(text);
  };
  for (const GrantRecord& g : records) {
    const GrantKey key{small(g.kind), small(g.principal_type), t.ids(g.principal), t.ids(g.target)};
    ends.push_back({key.principal, key.target});
    std::uint8_t& flags = t.grants[key];
    if (flags & kReturned) {
      ++score.duplicates;
      continue;
    }
    flags |= kReturned;
    ++score.returned;
    if ((flags & (kAtStart | kAtEnd)) == 0) {
      if (score.phantom.size() < kMaxListedIds) score.phantom.push_back(t.grants.text(key));
      ++score.phantom_total;
    }
  }
  t.grants.forEach([&](const auto& text, std::uint8_t flags) {
    countExpected(flags & kAtStart, flags & kAtEnd, flags & kReturned, text, score);
  });
  finishScore(score);
  return score;
}

// Every returned grant and credential must name records the output returned,
// except records created or deleted while the connector ran: completeness
// does not owe them, so a reference to one may stand alone. A joiner created
// between a connector's Users and Groups listings is in the group it joined,
// but was never in any Users page the connector read; only a connector whose
// page boundaries happen to fall after the joiner would have printed it.
void checkReferences(const ConnectorOutput& out, Tables& t, const std::vector<GrantEnds>& ends,
                     CompletenessScore& score) {
  auto dangling = [&](std::size_t line, const std::string& what, const std::string& id) {
    ++score.dangling_total;
    if (score.dangling.size() < kMaxListedIds) {
      score.dangling.push_back("stdout line " + std::to_string(line) + ": " + what + " " + id +
                               " was not returned");
    }
  };
  for (std::size_t i = 0; i < out.grants.size(); ++i) {
    const GrantRecord& g = out.grants[i];
    const std::uint32_t principal = ends[i].principal, target = ends[i].target;
    const bool principal_ok =
        g.principal_type == "account"
            ? t.accounts.returned(principal) || t.accounts.changedMidWindow(principal)
            : t.groups.returned(principal) || t.groups.changedMidWindow(principal);
    if (!principal_ok) dangling(g.line, g.principal_type, g.principal);
    const bool membership = g.kind == "membership";
    const bool target_ok =
        membership ? t.groups.returned(target) || t.groups.changedMidWindow(target)
                   : t.entitlements.returned(target) || t.entitlements.changedMidWindow(target);
    if (!target_ok) dangling(g.line, membership ? "group" : "entitlement", g.target);
  }
  for (const auto& c : out.credentials) {
    const std::uint32_t owner = t.ids(c.owner);
    if (!t.accounts.returned(owner) && !t.accounts.changedMidWindow(owner))
      dangling(c.line, "credential owner", c.owner);
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
  const std::size_t out_ids =
      out.accounts.size() + out.groups.size() + out.entitlements.size() + out.credentials.size();
  Tables t(std::max({idCount(at_start), idCount(at_end), out_ids}) + 16,
           std::max({grantCount(at_start), grantCount(at_end), out.grants.size()}));
  addTruthOf(at_start, true, t);
  addTruthOf(at_end, false, t);
  CompletenessScore score;
  auto& examples = score.attribute_examples;
  score.types.push_back(scoreIds("account", t.accounts, out.accounts, t.ids, examples));
  score.types.push_back(scoreIds("group", t.groups, out.groups, t.ids, examples));
  score.types.push_back(scoreIds("entitlement", t.entitlements, out.entitlements, t.ids, examples));
  std::vector<GrantEnds> ends;
  score.types.push_back(scoreGrants(out.grants, t, ends));
  score.types.push_back(scoreIds("credential", t.credentials, out.credentials, t.ids, examples));
  checkReferences(out, t, ends, score);
  return score;
}

std::vector<std::string_view> CompletenessScorer::findingIds() const {
  return {"silent-loss",        "declared-incomplete", "phantom-records", "duplicate-records",
          "attribute-mismatch", "dangling-reference",  "needless-partial"};
}

void CompletenessScorer::score(const ScoringInput& input, ScoreSink& sink) {
  if (input.completeness == nullptr) return;
  addCompletenessFindings(*input.evidence, *input.completeness, sink.findings());
}

}  // namespace faultline::harness
