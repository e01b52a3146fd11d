#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace faultline::harness {

// The typed contents of certificate.json (docs/suite-format.md, "The
// acceptance certificate"). A certificate is read back by `verify` and, from
// other machines, by `merge`, so it is untrusted: readCertificate checks
// every member's type and range and names each problem by its JSON pointer.
// Plain values; thread-compatible.
struct PinnedFile {
  std::string file;  // relative to the certificate's folder
  std::string sha256;
  bool operator==(const PinnedFile&) const = default;
};

struct CertifiedScenario {
  PinnedFile pinned;
  std::string name;
  bool operator==(const CertifiedScenario&) const = default;
};

struct CertifiedConnector {
  std::string name, version;
  PinnedFile manifest, command;
  bool operator==(const CertifiedConnector&) const = default;
};

struct CertifiedDrill {
  std::uint64_t index = 0;
  std::string connector, scenario;
  std::uint64_t seed = 0;
  std::string verdict, report, report_sha256;
};

// Shard numbers are 1-based; an unsharded run is shard 1 of 1.
inline constexpr std::int64_t kMaxCertificateShards = 10000;

struct Certificate {
  std::string faultline_version, issued_at, verdict;
  bool complete = false;
  std::int64_t shard_index = 1, shard_count = 1;
  std::uint64_t total_drills = 0;
  CertifiedScenario suite;  // the suite file and its name
  std::optional<PinnedFile> policy;
  std::vector<CertifiedScenario> scenarios;
  std::vector<CertifiedConnector> connectors;
  std::vector<CertifiedDrill> drills;
};

// Reads a certificate from `text`; throws scenarios::ConfigError naming
// `file` with every problem found, e.g.
// `certificate.json:/drills/3/seed: must be an integer in [0, 2^64), got "7"`.
Certificate readCertificate(std::string_view text, const std::string& file);

// The certificate as certificate.json holds it, members in a fixed order.
nlohmann::ordered_json certificateJson(const Certificate& certificate);

}  // namespace faultline::harness
