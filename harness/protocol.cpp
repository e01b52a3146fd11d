#include "harness/protocol.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace faultline::harness {
namespace {

using nlohmann::json;

constexpr std::size_t kExcerptBytes = 300;

// A field that is absent and one that holds another JSON type are different
// mistakes; the connector author needs to know which.
std::string badField(bool present, const char* kind, const char* key) {
  return std::string(present ? "wrong type for " : "missing ") + kind + " field \"" + key + "\"";
}

class Parser {
 public:
  Parser(ConnectorOutput& out, Operation op, const std::set<std::string>& action_ids)
      : out_(out), op_(op), action_ids_(action_ids) {}

  void line(std::size_t n, const std::string& text) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) return;
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return violate(n, "not a JSON value", text);
    if (!j.is_object()) return violate(n, "not a JSON object", text);
    if (out_.status) return violate(n, "output after the status line", text);
    const auto type = j.find("type");
    if (type == j.end() || !type->is_string())
      return violate(n, badField(type != j.end(), "string", "type"), text);
    const std::string& t = type->get_ref<const std::string&>();
    if (t == "status") return status(n, j, text);
    if (op_ == Operation::Revoke) {
      if (t == "result") return result(n, j, text);
      return violate(
          n, "type \"" + t + "\" is not allowed in a revoke operation (expected result or status)",
          text);
    }
    if (t == "account") return account(n, j, text);
    if (t == "group") return group(n, j, text);
    if (t == "entitlement") return entitlement(n, j, text);
    if (t == "grant") return grant(n, j, text);
    if (t == "credential") return credential(n, j, text);
    violate(n, "unknown type \"" + t + "\"", text);
  }

  void finish(bool truncated) {
    if (truncated) violate(0, "stdout exceeded the harness's cap and was cut", "");
    if (!out_.status) violate(0, "no status line", "");
    if (op_ != Operation::Revoke) return;
    for (const auto& id : action_ids_) {
      if (seen_results_.count(id) == 0) violate(0, "no result for action \"" + id + "\"", "");
    }
  }

 private:
  void violate(std::size_t n, std::string message, const std::string& text) {
    ++out_.violation_count;
    if (out_.violations.size() < kMaxViolations) {
      out_.violations.push_back({n, std::move(message), text.substr(0, kExcerptBytes)});
    }
  }

  // Reads a required string field; records a violation and returns false when absent.
  bool str(const json& j, const char* key, std::string& out, std::size_t n, const std::string& text,
           bool required = true) {
    auto it = j.find(key);
    if ((it == j.end() || it->is_null()) && !required) return true;
    if (it == j.end() || !it->is_string()) {
      violate(n, badField(it != j.end(), "string", key), text);
      return false;
    }
    out = it->get<std::string>();
    if (required && out.empty()) {
      violate(n, std::string("empty string field \"") + key + "\"", text);
      return false;
    }
    return true;
  }

  bool boolean(const json& j, const char* key, bool& out, std::size_t n, const std::string& text) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_boolean()) {
      violate(n, badField(it != j.end(), "boolean", key), text);
      return false;
    }
    out = it->get<bool>();
    return true;
  }

  bool oneOf(const std::string& value, std::initializer_list<const char*> allowed, const char* key,
             std::size_t n, const std::string& text) {
    for (const char* a : allowed) {
      if (value == a) return true;
    }
    violate(n, std::string("field \"") + key + "\" has unknown value \"" + value + "\"", text);
    return false;
  }

  void account(std::size_t n, const json& j, const std::string& text) {
    AccountRecord r{.line = n};
    bool ok = str(j, "id", r.id, n, text) && str(j, "userName", r.user_name, n, text) &&
              str(j, "displayName", r.display_name, n, text, false) &&
              boolean(j, "active", r.active, n, text) &&
              str(j, "accountType", r.account_type, n, text) &&
              oneOf(r.account_type, {"human", "service"}, "accountType", n, text) &&
              boolean(j, "privileged", r.privileged, n, text);
    if (ok) out_.accounts.push_back(std::move(r));
  }

  void group(std::size_t n, const json& j, const std::string& text) {
    GroupRecord r{.line = n};
    if (str(j, "id", r.id, n, text) && str(j, "displayName", r.display_name, n, text, false)) {
      out_.groups.push_back(std::move(r));
    }
  }

  void entitlement(std::size_t n, const json& j, const std::string& text) {
    EntitlementRecord r{.line = n};
    if (str(j, "id", r.id, n, text) && str(j, "displayName", r.display_name, n, text, false) &&
        boolean(j, "privileged", r.privileged, n, text)) {
      out_.entitlements.push_back(std::move(r));
    }
  }

  void grant(std::size_t n, const json& j, const std::string& text) {
    GrantRecord r{.line = n};
    if (str(j, "kind", r.kind, n, text) &&
        oneOf(r.kind, {"membership", "entitlement"}, "kind", n, text) &&
        str(j, "principal_type", r.principal_type, n, text) &&
        oneOf(r.principal_type, {"account", "group"}, "principal_type", n, text) &&
        str(j, "principal", r.principal, n, text) && str(j, "target", r.target, n, text)) {
      out_.grants.push_back(std::move(r));
    }
  }

  void credential(std::size_t n, const json& j, const std::string& text) {
    CredentialRecord r{.line = n};
    if (str(j, "id", r.id, n, text) && str(j, "owner", r.owner, n, text) &&
        str(j, "kind", r.kind, n, text) && str(j, "expires", r.expires, n, text, false) &&
        boolean(j, "active", r.active, n, text)) {
      out_.credentials.push_back(std::move(r));
    }
  }

  void result(std::size_t n, const json& j, const std::string& text) {
    ResultRecord r{.line = n};
    if (!str(j, "id", r.id, n, text) || !str(j, "outcome", r.outcome, n, text) ||
        !oneOf(r.outcome, {"confirmed", "failed", "unconfirmed"}, "outcome", n, text) ||
        !str(j, "detail", r.detail, n, text, false)) {
      return;
    }
    if (action_ids_.count(r.id) == 0)
      return violate(n, "result for unknown action \"" + r.id + "\"", text);
    if (!seen_results_.insert(r.id).second)
      return violate(n, "second result for action \"" + r.id + "\"", text);
    out_.results.push_back(std::move(r));
  }

  void status(std::size_t n, const json& j, const std::string& text) {
    StatusRecord r{.line = n};
    auto protocol = j.find("protocol");
    if (protocol == j.end() || !protocol->is_number_integer()) {
      violate(n, "status line without integer field \"protocol\"", text);
    } else if (protocol->get<long long>() != kProtocolVersion) {
      violate(n,
              "status line speaks protocol " + protocol->dump() + "; this faultline speaks " +
                  std::to_string(kProtocolVersion),
              text);
    }
    if (!str(j, "status", r.status, n, text) ||
        !oneOf(r.status, {"complete", "partial", "failed"}, "status", n, text) ||
        !str(j, "reason", r.reason, n, text, false)) {
      r.status = "invalid";
    }
    if (auto counts = j.find("counts"); counts != j.end() && counts->is_object()) {
      for (const auto& [k, v] : counts->items()) {
        if (v.is_number_integer()) r.counts[k] = v.get<long long>();
      }
    }
    if (auto since = j.find("stale_since"); since != j.end()) {
      if (since->is_string() && (since->get<std::string>() == "unknown" ||
                                 isRfc3339DateTime(since->get<std::string>()))) {
        r.stale_since = since->get<std::string>();
      } else {
        violate(n, "status field \"stale_since\" must be an RFC 3339 time or \"unknown\"", text);
      }
    }
    out_.status = std::move(r);
  }

  ConnectorOutput& out_;
  const Operation op_;
  const std::set<std::string>& action_ids_;
  std::set<std::string> seen_results_;
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

ConnectorOutput parseConnectorOutput(const std::string& stdout_data, Operation operation,
                                     bool truncated, const std::set<std::string>& action_ids) {
  ConnectorOutput out;
  Parser parser(out, operation, action_ids);
  std::size_t start = 0;
  std::size_t n = 0;
  while (start < stdout_data.size()) {
    auto end = stdout_data.find('\n', start);
    // A cut stream ends mid-line; that last fragment is not judged as a line.
    if (end == std::string::npos && truncated) break;
    if (end == std::string::npos) end = stdout_data.size();
    out.lines.push_back(stdout_data.substr(start, end - start));
    parser.line(++n, out.lines.back());
    start = end + 1;
  }
  parser.finish(truncated);
  return out;
}

}  // namespace faultline::harness
