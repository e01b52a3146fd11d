#include "harness/manifest.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "harness/process_runner.h"
#include "scenarios/dialects.h"
#include "scenarios/json_reader.h"

namespace faultline::harness {
namespace {

using nlohmann::json;
using scenarios::ConfigIssue;
using scenarios::ObjectReader;

const std::set<std::string>& knownPlaceholders() {
  static const std::set<std::string> kNames = {"operation",    "target_url",    "token_url",
                                               "client_id",    "client_secret", "state_dir",
                                               "manifest_dir", "drill_id"};
  return kNames;
}

// Returns "" when every placeholder in `text` is known and braces balance.
std::string checkPlaceholders(const std::string& text) {
  // execve takes C strings: a NUL would cut the argument or variable short,
  // and the connector would fail to start for a reason no report explains.
  if (text.find('\0') != std::string::npos)
    return "must not contain a NUL byte (\\u0000): a process argument or environment value "
           "cannot hold one";
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "{{") == 0 || text.compare(i, 2, "}}") == 0) {
      ++i;
      continue;
    }
    if (text[i] == '}')
      return "unbalanced '}' at offset " + std::to_string(i) + " (write }} for a literal brace)";
    if (text[i] != '{') continue;
    const auto close = text.find('}', i);
    if (close == std::string::npos)
      return "unterminated placeholder at offset " + std::to_string(i);
    const std::string name = text.substr(i + 1, close - i - 1);
    if (knownPlaceholders().count(name) == 0) {
      std::string allowed;
      for (const auto& n : knownPlaceholders()) allowed += (allowed.empty() ? "" : ", ") + n;
      return "unknown placeholder {" + name + "}; known: " + allowed;
    }
    i = close;
  }
  return "";
}

void readArgs(ObjectReader& r, Manifest& m, std::vector<ConfigIssue>& issues) {
  const json* args = r.child("args", json::value_t::array, false);
  if (args == nullptr) return;
  for (std::size_t i = 0; i < args->size(); ++i) {
    const auto pointer = "/args/" + std::to_string(i);
    if (!(*args)[i].is_string()) {
      issues.push_back(
          {pointer, "must be a string, got " + scenarios::describeJsonType((*args)[i])});
      continue;
    }
    m.args.push_back((*args)[i].get<std::string>());
    if (auto e = checkPlaceholders(m.args.back()); !e.empty()) issues.push_back({pointer, e});
  }
}

// Hand-written rather than std::regex: libstdc++ matches with one stack frame
// per character, so a long name from an untrusted manifest overflowed the stack.
bool isWordChar(char c) {
  return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// [A-Za-z_][A-Za-z0-9_]*
bool isEnvName(const std::string& name) {
  return !name.empty() && !(name[0] >= '0' && name[0] <= '9') &&
         std::all_of(name.begin(), name.end(), isWordChar);
}

// ({[a-z_]+})+: nothing but placeholders.
bool onlyPlaceholders(const std::string& value) {
  if (value.empty()) return false;
  for (std::size_t i = 0; i < value.size();) {
    if (value[i] != '{') return false;
    std::size_t j = i + 1;
    while (j < value.size() && (value[j] == '_' || (value[j] >= 'a' && value[j] <= 'z'))) ++j;
    if (j == i + 1 || j >= value.size() || value[j] != '}') return false;
    i = j + 1;
  }
  return true;
}

bool namesASecret(const std::string& key) {
  std::string upper = key;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (const char* word : {"SECRET", "TOKEN", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH"}) {
    if (upper.find(word) != std::string::npos) return true;
  }
  return false;
}

void readEnv(ObjectReader& r, Manifest& m, std::vector<ConfigIssue>& issues) {
  const json* env = r.child("env", json::value_t::object, false);
  if (env == nullptr) return;
  for (const auto& [key, value] : env->items()) {
    const auto pointer = "/env/" + scenarios::escapePointerToken(key);
    if (!isEnvName(key)) {
      issues.push_back({pointer, "is not a valid environment variable name"});
    } else if (!value.is_string()) {
      issues.push_back({pointer, "must be a string, got " + scenarios::describeJsonType(value)});
    } else if (auto e = checkPlaceholders(value.get<std::string>()); !e.empty()) {
      issues.push_back({pointer, e});
    } else {
      m.env[key] = value.get<std::string>();
    }
  }
}

void readOperations(ObjectReader& r, Manifest& m, std::vector<ConfigIssue>& issues) {
  const json* ops = r.child("operations", json::value_t::array, true);
  if (ops == nullptr) return;
  for (std::size_t i = 0; i < ops->size(); ++i) {
    const auto& op = (*ops)[i];
    if (!op.is_string() || (op != "sync" && op != "revoke")) {
      issues.push_back({"/operations/" + std::to_string(i),
                        "must be \"sync\" or \"revoke\", got " +
                            (op.is_string() ? "\"" + op.get<std::string>() + "\""
                                            : scenarios::describeJsonType(op))});
      continue;
    }
    m.operations.insert(op.get<std::string>());
  }
  if (ops->empty()) issues.push_back({"/operations", "must name at least one operation"});
}

}  // namespace

Manifest parseManifest(std::string_view text, const std::string& file, const std::string& dir) {
  const json doc = scenarios::parseJsonDocument(text, file);
  std::vector<ConfigIssue> issues;
  Manifest m;
  m.file = file;
  m.dir = dir;
  ObjectReader r(doc, "", issues);
  r.formatVersion("faultline_manifest", kManifestFormatVersion, "manifest version");
  // The schema editors validate against (docs/schemas); typed, otherwise unread.
  r.string("$schema", false);
  m.name = r.string("name", true).value_or("");
  m.version = r.string("version", std::string());
  m.dialect = r.string("dialect", std::string(scenarios::defaultDialect()));
  if (r.has("dialect") && scenarios::findDialect(m.dialect) == nullptr) {
    r.fail("dialect",
           "must be one of: " + scenarios::knownDialectNames() + ", got \"" + m.dialect + "\"");
  }
  m.command = r.string("command", true).value_or("");
  if (r.has("command") && m.command.empty()) r.fail("command", "must not be empty");
  if (m.command.find('\0') != std::string::npos)
    r.fail("command", "must not contain a NUL byte (\\u0000): a path cannot hold one");
  readArgs(r, m, issues);
  readEnv(r, m, issues);
  readOperations(r, m, issues);
  m.timeout_seconds = static_cast<int>(r.integer("timeout_seconds", m.timeout_seconds, 1, 86'400));
  m.max_stdout_mib = static_cast<int>(r.integer("max_stdout_mib", m.max_stdout_mib, 1, 4'096));
  r.finish();
  if (!issues.empty()) throw scenarios::ConfigError(file, std::move(issues));
  return m;
}

Manifest loadManifest(const std::string& path) {
  const std::string text = scenarios::readFileOrThrow(path);
  std::error_code ec;
  auto dir = std::filesystem::absolute(path, ec).parent_path();
  return parseManifest(text, path, dir.lexically_normal().string());
}

std::optional<std::string> resolveConnectorCommand(const Manifest& manifest, std::string* error) {
  std::string command = manifest.command;
  std::error_code ec;
  if (command.find('/') == std::string::npos &&
      std::filesystem::exists(std::filesystem::path(manifest.dir) / command, ec)) {
    command = "./" + command;
  }
  return resolveExecutable(command, manifest.dir, error);
}

std::string expandPlaceholders(const std::string& text, const PlaceholderValues& v) {
  const std::map<std::string, const std::string*> table = {
      {"operation", &v.operation},         {"target_url", &v.target_url},
      {"token_url", &v.token_url},         {"client_id", &v.client_id},
      {"client_secret", &v.client_secret}, {"state_dir", &v.state_dir},
      {"manifest_dir", &v.manifest_dir},   {"drill_id", &v.drill_id}};
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "{{") == 0 || text.compare(i, 2, "}}") == 0) {
      out.push_back(text[i++]);
      continue;
    }
    const auto close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close != std::string::npos) {
      if (auto it = table.find(text.substr(i + 1, close - i - 1)); it != table.end()) {
        out += *it->second;
        i = close;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

std::map<std::string, std::string> redactedEnv(const Manifest& manifest) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : manifest.env) {
    const bool sensitive = namesASecret(key) || value.find("{client_secret}") != std::string::npos;
    out[key] = sensitive && !onlyPlaceholders(value) ? "<redacted>" : value;
  }
  return out;
}

}  // namespace faultline::harness
