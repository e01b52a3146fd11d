#include "harness/protocol.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scenarios/json_reader.h"

namespace faultline::harness {
namespace {

using nlohmann::json;

constexpr std::size_t kExcerptBytes = 300;

// One member of a line's object, as the record readers need it.
struct Field {
  enum class Kind { Absent, Null, String, Boolean, Other };
  Kind kind = Kind::Absent;
  std::string_view text;        // a string's value
  bool flag = false;            // a boolean's value
  const json* other = nullptr;  // any other value, as nlohmann read it

  // What the member holds, for a message: "a string", 5, "an array".
  std::string describe() const {
    switch (kind) {
      case Kind::Null:
        return "null";
      case Kind::String:
        return "a string";
      case Kind::Boolean:
        return flag ? "true" : "false";
      case Kind::Other:
        return other != nullptr ? scenarios::describeJsonType(*other) : "another type";
      case Kind::Absent:
        break;
    }
    return "nothing";
  }
};

// A field that is absent and one that holds another JSON type are different
// mistakes; the connector author needs to know which, and where: a wrong type
// names the member by its JSON pointer and says what it held.
std::string badField(const Field& f, const char* kind, const char* key) {
  if (f.kind == Field::Kind::Absent)
    return std::string("missing ") + kind + " field \"" + key + "\"";
  return "/" + scenarios::escapePointerToken(key) + ": must be a " + kind + ", got " + f.describe();
}

// The members of a one-level JSON object whose values are plain strings,
// booleans or null: what a connector prints on nearly every line. Reading
// such a line directly is several times faster than building nlohmann's DOM
// for it. The reader accepts only a subset of JSON whose meaning is plain
// (no escapes, no bytes outside printable ASCII in strings, no numbers, no
// nesting, no repeated key) and declines everything else, which nlohmann
// then parses; so a line means the same whichever path read it.
class FlatObject {
 public:
  bool read(std::string_view line) {
    s_ = line;
    i_ = 0;
    count_ = 0;
    skipSpace();
    if (!take('{')) return false;
    skipSpace();
    if (take('}')) return atEnd();
    while (count_ < members_.size()) {
      Member& m = members_[count_];
      if (!plainString(m.key) || isRepeated(m.key)) return false;
      skipSpace();
      if (!take(':')) return false;
      skipSpace();
      if (!value(m.value)) return false;
      ++count_;
      skipSpace();
      if (take('}')) return atEnd();
      if (!take(',')) return false;
      skipSpace();
    }
    return false;
  }

  Field find(std::string_view key) const {
    for (std::size_t k = 0; k < count_; ++k) {
      if (members_[k].key == key) return members_[k].value;
    }
    return {};
  }

 private:
  struct Member {
    std::string_view key;
    Field value;
  };

  void skipSpace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n'))
      ++i_;
  }
  bool take(char c) {
    if (i_ >= s_.size() || s_[i_] != c) return false;
    ++i_;
    return true;
  }
  bool takeWord(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  bool atEnd() {
    skipSpace();
    return i_ == s_.size();
  }
  bool isRepeated(std::string_view key) const {
    for (std::size_t k = 0; k < count_; ++k) {
      if (members_[k].key == key) return true;
    }
    return false;
  }
  bool plainString(std::string_view& out) {
    if (!take('"')) return false;
    const std::size_t begin = i_;
    for (; i_ < s_.size() && s_[i_] != '"'; ++i_) {
      const auto c = static_cast<unsigned char>(s_[i_]);
      if (c < 0x20 || c > 0x7e || c == '\\') return false;
    }
    if (i_ >= s_.size()) return false;
    out = s_.substr(begin, i_++ - begin);
    return true;
  }
  bool value(Field& f) {
    f = {};
    if (i_ < s_.size() && s_[i_] == '"') {
      f.kind = Field::Kind::String;
      return plainString(f.text);
    }
    if (takeWord("null")) {
      f.kind = Field::Kind::Null;
      return true;
    }
    f.kind = Field::Kind::Boolean;
    f.flag = takeWord("true");
    return f.flag || takeWord("false");
  }

  std::string_view s_;
  std::size_t i_ = 0;
  std::array<Member, 16> members_;
  std::size_t count_ = 0;
};

// A line's object, read by either path.
class Fields {
 public:
  explicit Fields(const FlatObject& flat) : flat_(&flat) {}
  explicit Fields(const json& j) : json_(&j) {}

  Field operator()(const char* key) const {
    if (flat_ != nullptr) return flat_->find(key);
    const auto it = json_->find(key);
    Field f;
    if (it == json_->end()) return f;
    if (it->is_null()) {
      f.kind = Field::Kind::Null;
    } else if (it->is_string()) {
      f.kind = Field::Kind::String;
      f.text = it->get_ref<const std::string&>();
    } else if (it->is_boolean()) {
      f.kind = Field::Kind::Boolean;
      f.flag = it->get<bool>();
    } else {
      f.kind = Field::Kind::Other;
      f.other = &*it;
    }
    return f;
  }

 private:
  const FlatObject* flat_ = nullptr;
  const json* json_ = nullptr;
};

class Parser {
 public:
  Parser(ConnectorOutput& out, Operation op, const std::set<std::string>& action_ids)
      : out_(out), op_(op), action_ids_(action_ids) {}

  void line(std::size_t n, std::string_view text) {
    if (text.find_first_not_of(" \t\r") == std::string_view::npos) return;
    if (flat_.read(text)) return object(n, Fields(flat_), nullptr, text);
    const auto parsed = parseLine(n, text);
    if (parsed) object(n, Fields(*parsed), &*parsed, text);
  }

  void finish(bool truncated) {
    if (truncated)
      violate(0,
              "stdout exceeded the harness's cap and was cut (raise the manifest's "
              "max_stdout_mib)",
              "");
    if (!out_.status) violate(0, "no status line", "");
    if (op_ != Operation::Revoke) return;
    for (const auto& id : action_ids_) {
      if (seen_results_.count(id) == 0) violate(0, "no result for action \"" + id + "\"", "");
    }
  }

 private:
  // The line as a JSON object, or nullopt once its violation is recorded. The
  // guarded parse refuses nesting a recursive walk could not survive and
  // repeated keys, which nlohmann would otherwise settle by keeping the last.
  std::optional<json> parseLine(std::size_t n, std::string_view text) {
    scenarios::ParsedJson parsed = scenarios::parseUntrustedJson(text);
    if (parsed.syntax_error) {
      violate(n, "not a JSON value", text);
      return std::nullopt;
    }
    for (const auto& issue : parsed.issues)
      violate(n, issue.pointer.empty() ? issue.message : issue.pointer + ": " + issue.message,
              text);
    if (!parsed.issues.empty()) return std::nullopt;
    if (!parsed.value.is_object()) {
      violate(n, "not a JSON object", text);
      return std::nullopt;
    }
    return std::move(parsed.value);
  }

  // `j` is the line's DOM when nlohmann read it; null when the fast reader did.
  void object(std::size_t n, const Fields& f, const json* j, std::string_view text) {
    if (out_.status) return violate(n, "output after the status line", text);
    const Field type = f("type");
    if (type.kind != Field::Kind::String) return violate(n, badField(type, "string", "type"), text);
    const std::string_view t = type.text;
    if (t == "status") {
      // Rare, and it holds numbers and an object: always read by nlohmann.
      if (j != nullptr) return status(n, *j, text);
      const auto parsed = parseLine(n, text);
      if (parsed) status(n, *parsed, text);
      return;
    }
    if (op_ == Operation::Revoke) {
      if (t == "result") return result(n, f, text);
      return violate(n,
                     "type \"" + std::string(t) +
                         "\" is not allowed in a revoke operation (expected result or status)",
                     text);
    }
    if (t == "account") return account(n, f, text);
    if (t == "group") return group(n, f, text);
    if (t == "entitlement") return entitlement(n, f, text);
    if (t == "grant") return grant(n, f, text);
    if (t == "credential") return credential(n, f, text);
    violate(n, "unknown type \"" + std::string(t) + "\"", text);
  }

  void violate(std::size_t n, std::string message, std::string_view text) {
    ++out_.violation_count;
    if (out_.violations.size() < kMaxViolations) {
      out_.violations.push_back(
          {n, std::move(message), std::string(text.substr(0, kExcerptBytes))});
    }
  }

  // Reads a required string field; records a violation and returns false when absent.
  bool str(const Fields& f, const char* key, std::string& out, std::size_t n, std::string_view text,
           bool required = true) {
    const Field v = f(key);
    if ((v.kind == Field::Kind::Absent || v.kind == Field::Kind::Null) && !required) return true;
    if (v.kind != Field::Kind::String) {
      violate(n, badField(v, "string", key), text);
      return false;
    }
    out.assign(v.text);
    if (required && out.empty()) {
      violate(n, std::string("empty string field \"") + key + "\"", text);
      return false;
    }
    return true;
  }

  bool boolean(const Fields& f, const char* key, bool& out, std::size_t n, std::string_view text) {
    const Field v = f(key);
    if (v.kind != Field::Kind::Boolean) {
      violate(n, badField(v, "boolean", key), text);
      return false;
    }
    out = v.flag;
    return true;
  }

  bool oneOf(const std::string& value, std::initializer_list<const char*> allowed, const char* key,
             std::size_t n, std::string_view text) {
    for (const char* a : allowed) {
      if (value == a) return true;
    }
    violate(n, std::string("field \"") + key + "\" has unknown value \"" + value + "\"", text);
    return false;
  }

  void account(std::size_t n, const Fields& f, std::string_view text) {
    AccountRecord r{.line = n};
    bool ok = str(f, "id", r.id, n, text) && str(f, "userName", r.user_name, n, text) &&
              str(f, "displayName", r.display_name, n, text, false) &&
              boolean(f, "active", r.active, n, text) &&
              str(f, "accountType", r.account_type, n, text) &&
              oneOf(r.account_type, {"human", "service"}, "accountType", n, text) &&
              boolean(f, "privileged", r.privileged, n, text);
    if (ok) out_.accounts.push_back(std::move(r));
  }

  void group(std::size_t n, const Fields& f, std::string_view text) {
    GroupRecord r{.line = n};
    if (str(f, "id", r.id, n, text) && str(f, "displayName", r.display_name, n, text, false)) {
      out_.groups.push_back(std::move(r));
    }
  }

  void entitlement(std::size_t n, const Fields& f, std::string_view text) {
    EntitlementRecord r{.line = n};
    if (str(f, "id", r.id, n, text) && str(f, "displayName", r.display_name, n, text, false) &&
        boolean(f, "privileged", r.privileged, n, text)) {
      out_.entitlements.push_back(std::move(r));
    }
  }

  void grant(std::size_t n, const Fields& f, std::string_view text) {
    GrantRecord r{.line = n};
    if (str(f, "kind", r.kind, n, text) &&
        oneOf(r.kind, {"membership", "entitlement"}, "kind", n, text) &&
        str(f, "principal_type", r.principal_type, n, text) &&
        oneOf(r.principal_type, {"account", "group"}, "principal_type", n, text) &&
        str(f, "principal", r.principal, n, text) && str(f, "target", r.target, n, text)) {
      out_.grants.push_back(std::move(r));
    }
  }

  void credential(std::size_t n, const Fields& f, std::string_view text) {
    CredentialRecord r{.line = n};
    if (str(f, "id", r.id, n, text) && str(f, "owner", r.owner, n, text) &&
        str(f, "kind", r.kind, n, text) && str(f, "expires", r.expires, n, text, false) &&
        boolean(f, "active", r.active, n, text)) {
      out_.credentials.push_back(std::move(r));
    }
  }

  void result(std::size_t n, const Fields& f, std::string_view text) {
    ResultRecord r{.line = n};
    if (!str(f, "id", r.id, n, text) || !str(f, "outcome", r.outcome, n, text) ||
        !oneOf(r.outcome, {"confirmed", "failed", "unconfirmed"}, "outcome", n, text) ||
        !str(f, "detail", r.detail, n, text, false)) {
      return;
    }
    if (action_ids_.count(r.id) == 0)
      return violate(n, "result for unknown action \"" + r.id + "\"", text);
    if (!seen_results_.insert(r.id).second)
      return violate(n, "second result for action \"" + r.id + "\"", text);
    out_.results.push_back(std::move(r));
  }

  void status(std::size_t n, const json& j, std::string_view text) {
    const Fields f(j);
    StatusRecord r{.line = n};
    auto protocol = j.find("protocol");
    if (protocol == j.end()) {
      violate(n, "status line without integer field \"protocol\"", text);
    } else if (!protocol->is_number_integer()) {
      violate(n, "/protocol: must be an integer, got " + shown(*protocol), text);
    } else if (protocol->get<long long>() != kProtocolVersion) {
      violate(n,
              "status line speaks protocol " + protocol->dump() + "; this faultline speaks " +
                  std::to_string(kProtocolVersion),
              text);
    }
    if (!str(f, "status", r.status, n, text) ||
        !oneOf(r.status, {"complete", "partial", "failed"}, "status", n, text) ||
        !str(f, "reason", r.reason, n, text, false)) {
      r.status = "invalid";
    }
    counts(n, j, text, r);
    if (auto since = j.find("stale_since"); since != j.end()) {
      if (since->is_string() && (since->get_ref<const std::string&>() == "unknown" ||
                                 isRfc3339DateTime(since->get_ref<const std::string&>()))) {
        r.stale_since = since->get<std::string>();
      } else {
        violate(n, "/stale_since: must be an RFC 3339 time or \"unknown\", got " + shown(*since),
                text);
      }
    }
    incomplete(n, j, text, r);
    lastSuccess(n, j, text, r);
    out_.status = std::move(r);
  }

  // A value as a message quotes it: a string or number as written (valid
  // UTF-8 is guaranteed by the parser, but a replacement keeps dump() from
  // ever throwing), anything else by its type, never its whole tree.
  static std::string shown(const json& v) {
    if (v.is_string() || v.is_number())
      return v.dump(-1, ' ', false, json::error_handler_t::replace).substr(0, 100);
    return scenarios::describeJsonType(v);
  }

  static std::string at(std::string_view field, const std::string& token) {
    return "/" + std::string(field) + "/" + scenarios::escapePointerToken(token);
  }

  // Counts are for people; a wrong one is flagged and left out, never guessed.
  void counts(std::size_t n, const json& j, std::string_view text, StatusRecord& r) {
    const auto it = j.find("counts");
    if (it == j.end()) return;
    if (!it->is_object()) return violate(n, "/counts: must be an object, got " + shown(*it), text);
    for (const auto& [k, v] : it->items()) {
      if (v.is_number_integer() && !v.is_number_unsigned()) {
        r.counts[k] = v.get<long long>();
      } else if (v.is_number_unsigned() &&
                 v.get<unsigned long long>() <=
                     static_cast<unsigned long long>(std::numeric_limits<long long>::max())) {
        r.counts[k] = static_cast<long long>(v.get<unsigned long long>());
      } else {
        violate(n, at("counts", k) + ": must be an integer, got " + shown(v), text);
      }
    }
  }

  static bool isRecordType(const json& v) {
    return v.is_string() && std::find(kRecordTypes.begin(), kRecordTypes.end(),
                                      v.get_ref<const std::string&>()) != kRecordTypes.end();
  }

  // Present means sent, whatever is wrong with it: the connector chose the
  // machine-readable form, so its reason's words no longer count, and only
  // the valid entries declare anything.
  void incomplete(std::size_t n, const json& j, std::string_view text, StatusRecord& r) {
    const auto it = j.find("incomplete");
    if (it == j.end()) return;
    r.incomplete.emplace();
    if (!it->is_array()) {
      return violate(n,
                     "/incomplete: must be an array of record types (account, group, "
                     "entitlement, grant, credential), got " +
                         shown(*it),
                     text);
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& v = (*it)[i];
      if (isRecordType(v)) {
        r.incomplete->insert(v.get<std::string>());
      } else {
        violate(n,
                at("incomplete", std::to_string(i)) +
                    ": must be one of account, group, entitlement, grant, credential, got " +
                    shown(v),
                text);
      }
    }
  }

  void lastSuccess(std::size_t n, const json& j, std::string_view text, StatusRecord& r) {
    const auto it = j.find("last_success");
    if (it == j.end()) return;
    if (!it->is_object()) {
      return violate(
          n, "/last_success: must be an object of record type to time, got " + shown(*it), text);
    }
    for (const auto& [type, when] : it->items()) {
      if (!isRecordType(json(type))) {
        violate(n,
                at("last_success", type) +
                    ": unknown record type; allowed: account, group, entitlement, grant, "
                    "credential",
                text);
      } else if (!when.is_string() || !isRfc3339DateTime(when.get_ref<const std::string&>())) {
        violate(n, at("last_success", type) + ": must be an RFC 3339 time, got " + shown(when),
                text);
      } else {
        r.last_success[type] = when.get<std::string>();
      }
    }
  }

  ConnectorOutput& out_;
  const Operation op_;
  const std::set<std::string>& action_ids_;
  std::set<std::string> seen_results_;
  FlatObject flat_;
};

bool digits(const std::string& s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  return std::all_of(s.begin() + at, s.begin() + at + n,
                     [](unsigned char c) { return c >= '0' && c <= '9'; });
}

int number(const std::string& s, std::size_t at, std::size_t n) {
  return std::stoi(s.substr(at, n));
}

}  // namespace

bool isRfc3339DateTime(const std::string& t) {
  // full-date "T" time-hour ":" time-minute ":" time-second [time-secfrac] time-offset
  if (!digits(t, 0, 4) || t.size() < 20 || t[4] != '-' || !digits(t, 5, 2) || t[7] != '-' ||
      !digits(t, 8, 2) || (t[10] != 'T' && t[10] != 't') || !digits(t, 11, 2) || t[13] != ':' ||
      !digits(t, 14, 2) || t[16] != ':' || !digits(t, 17, 2)) {
    return false;
  }
  const int month = number(t, 5, 2), day = number(t, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || number(t, 11, 2) > 23 ||
      number(t, 14, 2) > 59 || number(t, 17, 2) > 60) {  // 60: a leap second
    return false;
  }
  std::size_t i = 19;
  if (i < t.size() && t[i] == '.') {
    const std::size_t start = ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i + 1 == t.size() && (t[i] == 'Z' || t[i] == 'z')) return true;
  return i + 6 == t.size() && (t[i] == '+' || t[i] == '-') && digits(t, i + 1, 2) &&
         t[i + 3] == ':' && digits(t, i + 4, 2) && number(t, i + 1, 2) <= 23 &&
         number(t, i + 4, 2) <= 59;
}

bool isUuidShaped(std::string_view id) {
  if (id.size() != 36) return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::string canonicalId(std::string_view id) {
  std::string out(id);
  if (isUuidShaped(id)) {
    for (char& c : out) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

OutputLines::OutputLines(std::initializer_list<std::string_view> lines) {
  for (std::string_view line : lines) push_back(line);
}

namespace {

void putVarint(std::string& out, std::size_t n) {
  for (; n >= 0x80; n >>= 7) out += static_cast<char>((n & 0x7f) | 0x80);
  out += static_cast<char>(n);
}

std::size_t getVarint(const std::string& in, std::size_t& at) {
  std::size_t n = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(in[at++]);
    n |= static_cast<std::size_t>(byte & 0x7f) << shift;
    if (byte < 0x80) return n;
  }
}

std::size_t sharedPrefix(std::string_view a, std::string_view b) {
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i + 8 <= n && std::memcmp(a.data() + i, b.data() + i, 8) == 0) i += 8;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

void OutputLines::push_back(std::string_view line) {
  const bool restart = size_ % kRestartEvery == 0;
  const std::size_t shared = restart ? 0 : sharedPrefix(last_, line);
  const std::size_t need = 20 + line.size() - shared;  // two varints take at most 20 bytes
  if (chunks_.empty() || chunks_.back().size() + need > chunks_.back().capacity()) {
    const std::size_t grown = chunks_.empty() ? 4096 : 2 * chunks_.back().capacity();
    chunks_.emplace_back().reserve(std::max(need, std::min<std::size_t>(grown, 4u << 20)));
  }
  std::string& chunk = chunks_.back();
  if (restart) restarts_.push_back({chunks_.size() - 1, chunk.size()});
  putVarint(chunk, shared);
  putVarint(chunk, line.size() - shared);
  chunk.append(line.substr(shared));
  last_.assign(line);
  ++size_;
}

std::string OutputLines::operator[](std::size_t i) const {
  std::string line;
  Position at = restarts_.at(i / kRestartEvery);
  for (std::size_t k = i - i % kRestartEvery; k <= i; ++k) {
    if (at.offset == chunks_[at.chunk].size()) at = {at.chunk + 1, 0};
    const std::string& chunk = chunks_[at.chunk];
    const std::size_t shared = getVarint(chunk, at.offset);
    const std::size_t rest = getVarint(chunk, at.offset);
    line.resize(shared);
    line.append(chunk, at.offset, rest);
    at.offset += rest;
  }
  return line;
}

ConnectorOutput parseConnectorOutput(const std::string& stdout_data, Operation operation,
                                     bool truncated, const std::set<std::string>& action_ids) {
  ConnectorOutput out;
  Parser parser(out, operation, action_ids);
  const std::string_view data(stdout_data);
  std::size_t start = 0;
  std::size_t n = 0;
  while (start < data.size()) {
    auto end = data.find('\n', start);
    // A cut stream ends mid-line; that last fragment is not judged as a line.
    if (end == std::string_view::npos && truncated) break;
    if (end == std::string_view::npos) end = data.size();
    const std::string_view text = data.substr(start, end - start);
    // Evidence quotes lines by number: every line is kept, the blank ones too.
    out.lines.push_back(text);
    parser.line(++n, text);
    start = end + 1;
  }
  parser.finish(truncated);
  return out;
}

}  // namespace faultline::harness
