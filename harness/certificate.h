#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "reports/suite_summary.h"
#include "scenarios/suite.h"

namespace faultline::harness {

inline constexpr int kCertificateVersion = 1;

// certificate.json (docs/suite-format.md, "The acceptance certificate"): this
// connector, at this version and these file digests, got these verdicts from
// this suite. Paths in it are relative to `out_dir`, where it is written with
// the drills' reports. Throws std::runtime_error if a file to digest cannot
// be read.
std::string renderCertificate(const scenarios::Suite& suite, const reports::SuiteSummary& summary,
                              const std::string& out_dir);

// The certificate of a whole suite from the certificates of its shards
// (files `shard_files`, each written beside its shard's reports), as one
// unsharded run would write it in `out_dir`: paths are rebased there, the
// drills put back in order, and the verdict is `merged`'s. Throws
// std::runtime_error, saying which, when the shards do not certify the same
// suite and connector files, or a shard or drill is missing or repeated.
std::string mergeCertificates(const std::vector<std::string>& shard_files,
                              const reports::SuiteSummary& merged, const std::string& out_dir);

// certificate.html: the same, for people.
std::string renderCertificateHtml(const std::string& certificate_json);

struct VerifyOptions {
  bool digests_only = false;  // check the reports against their digests; run nothing
  std::string out_dir;        // where a re-run writes its drills ("" for a temporary folder)
  int jobs = 0;
};

// Checks a certificate. Every file it names (suite, scenarios, policy,
// connector manifests and commands) must still have its digest, or the
// certificate is refused (exit 2). Then either each report's digest is
// checked, or every drill is run again from its seed and its verdict must be
// the certified one. Returns the exit code: 0 verified, 1 a report or a
// verdict differs, 2 refused or malformed; says why on `out` / `err`.
int verifyCertificate(const std::string& path, const VerifyOptions& options, std::ostream& out,
                      std::ostream& err);

}  // namespace faultline::harness
