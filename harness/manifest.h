#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace faultline::harness {

inline constexpr int kManifestFormatVersion = 1;

// A connector manifest (docs/connector-protocol.md): how to start the
// connector. Loaded and validated in one pass; read-only afterwards.
struct Manifest {
  std::string file;  // as given
  std::string dir;   // absolute folder of the manifest; the connector's cwd
  std::string name;
  std::string version;
  // The target API the connector is written for; every scenario whose
  // faults that API can express runs against it.
  std::string dialect;
  std::string command;
  std::vector<std::string> args;           // with placeholders
  std::map<std::string, std::string> env;  // with placeholders
  std::set<std::string> operations;
  int timeout_seconds = 120;
  // stdout kept per operation; beyond it the output is cut (a protocol
  // violation). Sized so a 64 MiB default covers a few hundred thousand
  // records; an enterprise tenant (a million grants) needs ~200.
  int max_stdout_mib = 64;
};

// The values a drill substitutes for placeholders.
struct PlaceholderValues {
  std::string operation;
  std::string target_url;
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string state_dir;
  std::string manifest_dir;
  std::string drill_id;
};

// Loads a manifest; throws scenarios::ConfigError listing every issue.
Manifest loadManifest(const std::string& path);
Manifest parseManifest(std::string_view text, const std::string& file, const std::string& dir);

// The absolute path of the connector executable: a command with '/' or a
// file of that name beside the manifest is taken relative to the manifest's
// folder; any other bare name is looked up on PATH. nullopt with *error set
// (naming the path) when it is missing or not executable.
std::optional<std::string> resolveConnectorCommand(const Manifest& manifest, std::string* error);

// Replaces {name} placeholders; `{{` and `}}` are literal braces. Names were
// checked at load time, so an unknown one here is left as written.
std::string expandPlaceholders(const std::string& text, const PlaceholderValues& values);

// The manifest's env for a report: values that look like credentials are
// replaced by "<redacted>" unless they are only placeholders.
std::map<std::string, std::string> redactedEnv(const Manifest& manifest);

}  // namespace faultline::harness
