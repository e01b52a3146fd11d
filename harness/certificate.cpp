#include "harness/certificate.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "harness/certificate_file.h"
#include "harness/manifest.h"
#include "harness/process_runner.h"
#include "harness/sha256.h"
#include "harness/suite.h"
#include "reports/json_report.h"
#include "reports/printable_text.h"
#include "reports/wording.h"
#include "scenarios/config_error.h"
#include "scenarios/json_reader.h"

using faultline::reports::counted;

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;

std::string digestOrThrow(const std::string& path) {
  const auto digest = sha256File(path);
  if (!digest) throw std::runtime_error("cannot read " + path + " to take its digest");
  return *digest;
}

// `path` as seen from `base` (both made absolute first).
std::string relativeFrom(const std::string& base, const std::string& path) {
  return fs::absolute(path).lexically_normal().lexically_relative(fs::absolute(base)).string();
}

PinnedFile pinFile(const std::string& out_dir, const std::string& path) {
  return {relativeFrom(out_dir, path), digestOrThrow(path)};
}

// The files a certificate vouches for, each with a name for messages ("the
// suite", "connector reference-scim's manifest", ...).
struct Pinned {
  std::string what;
  PinnedFile file;
};

std::vector<Pinned> pinnedFiles(const Certificate& c) {
  std::vector<Pinned> out = {{"the suite", c.suite.pinned}};
  if (c.policy) out.push_back({"the policy", *c.policy});
  for (const auto& s : c.scenarios) out.push_back({"a scenario", s.pinned});
  for (const auto& conn : c.connectors) {
    out.push_back({"connector " + conn.name + "'s manifest", conn.manifest});
    out.push_back({"connector " + conn.name + "'s command", conn.command});
  }
  return out;
}

// A certificate file, read and checked member by member; a problem is a
// std::runtime_error listing every issue with its pointer.
Certificate loadCertificate(const std::string& path) {
  try {
    return readCertificate(scenarios::readFileOrThrow(path), path);
  } catch (const scenarios::ConfigError& e) {
    throw std::runtime_error(e.what());
  }
}

// A path written relative to a shard's folder, rewritten relative to out_dir.
void rebase(PinnedFile& f, const std::string& shard_dir, const std::string& out_dir) {
  f.file = relativeFrom(out_dir, (fs::path(shard_dir) / f.file).lexically_normal().string());
}

void rebaseAll(Certificate& c, const std::string& shard_dir, const std::string& out_dir) {
  rebase(c.suite.pinned, shard_dir, out_dir);
  if (c.policy) rebase(*c.policy, shard_dir, out_dir);
  for (auto& s : c.scenarios) rebase(s.pinned, shard_dir, out_dir);
  for (auto& conn : c.connectors) {
    rebase(conn.manifest, shard_dir, out_dir);
    rebase(conn.command, shard_dir, out_dir);
  }
}

// Names the first thing two shards certify differently; "" when they agree.
std::string differentPart(const Certificate& a, const Certificate& b) {
  if (a.suite != b.suite) return "suite";
  if (a.policy != b.policy) return "policy";
  if (a.scenarios != b.scenarios) return "scenarios";
  if (a.connectors != b.connectors) return "connectors";
  if (a.total_drills != b.total_drills) return "total_drills";
  return "";
}

}  // namespace

std::string renderCertificate(const scenarios::Suite& suite, const reports::SuiteSummary& summary,
                              const std::string& out_dir) {
  Certificate c;
  c.faultline_version = summary.tool_version;
  c.issued_at = summary.started_at;
  c.verdict = summary.passed() ? "passed" : "failed";
  c.complete = summary.complete;
  c.shard_index = summary.shard_index;
  c.shard_count = summary.shard_count;
  c.total_drills = summary.total_drills;
  c.suite = {pinFile(out_dir, suite.file), suite.name};
  if (!suite.policy.empty()) c.policy = pinFile(out_dir, suite.policy);
  for (std::size_t i = 0; i < suite.scenario_files.size(); ++i)
    c.scenarios.push_back({pinFile(out_dir, suite.scenario_files[i]), suite.scenario_names[i]});
  for (const auto& file : suite.connectors) {
    const Manifest m = loadManifest(file);
    std::string error;
    const auto command = resolveConnectorCommand(m, &error);
    if (!command) throw std::runtime_error(file + ":/command: " + error);
    c.connectors.push_back({m.name, m.version, pinFile(out_dir, file), pinFile(out_dir, *command)});
  }
  for (const auto& d : summary.drills) {
    c.drills.push_back({d.index, d.connector, d.scenario, d.seed, d.verdict, d.report,
                        d.report.empty() ? std::string()
                                         : digestOrThrow((fs::path(out_dir) / d.report).string())});
  }
  return certificateJson(c).dump(2) + "\n";
}

std::string mergeCertificates(const std::vector<std::string>& shard_files,
                              const reports::SuiteSummary& merged, const std::string& out_dir) {
  if (shard_files.empty()) throw std::runtime_error("no shard certificates to merge");
  std::optional<Certificate> result;
  std::vector<int> seen;
  std::vector<CertifiedDrill> drills;
  for (const auto& file : shard_files) {
    // Shard certificates come from other machines: every member is checked
    // before any is used.
    Certificate c = loadCertificate(file);
    rebaseAll(c, fs::path(file).parent_path().string(), out_dir);
    // Reports keep their paths: merge copies them to the same place under out_dir.
    drills.insert(drills.end(), c.drills.begin(), c.drills.end());
    const std::int64_t count = c.shard_count, index = c.shard_index;
    if (!result) {
      seen.assign(static_cast<std::size_t>(count) + 1, 0);
      result = std::move(c);
    } else {
      if (const std::string part = differentPart(c, *result); !part.empty())
        throw std::runtime_error(file + ": certifies other " + part +
                                 " than the first shard certificate");
      if (count != result->shard_count)
        throw std::runtime_error(file + ": is one of " + std::to_string(count) + " shards, not " +
                                 std::to_string(result->shard_count));
      if (c.issued_at < result->issued_at) result->issued_at = c.issued_at;
    }
    if (++seen[static_cast<std::size_t>(index)] > 1)
      throw std::runtime_error(file + ": shard " + std::to_string(index) + " is given twice");
  }
  for (std::size_t i = 1; i < seen.size(); ++i) {
    if (seen[i] == 0)
      throw std::runtime_error("the certificate of shard " + std::to_string(i) + " is missing");
  }
  std::sort(drills.begin(), drills.end(),
            [](const CertifiedDrill& a, const CertifiedDrill& b) { return a.index < b.index; });
  for (std::size_t i = 0; i < drills.size(); ++i) {
    if (drills[i].index != i)
      throw std::runtime_error("drill " + std::to_string(i) +
                               " is missing or repeated among the shard certificates");
  }
  result->verdict = merged.passed() ? "passed" : "failed";
  result->complete = merged.complete;
  result->shard_index = 1;
  result->shard_count = 1;
  result->drills = std::move(drills);
  return certificateJson(*result).dump(2) + "\n";
}

std::string renderCertificateHtml(const std::string& certificate_json) {
  // Drawn from what renderCertificate or mergeCertificates just wrote, read
  // back through the same checked reader as any certificate.
  const Certificate c = readCertificate(certificate_json, "certificate.json");
  auto esc = [](const std::string& text) { return reports::escapeMarkup(text, false); };
  std::ostringstream out;
  const bool passed = c.verdict == "passed";
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n<title>faultline certificate: "
      << esc(c.suite.name) << "</title>\n<style>body{font:14px/1.5 system-ui,sans-serif;"
      << "margin:2em;color:#1f2328}table{border-collapse:collapse}th,td{border:1px solid #d1d9e0;"
      << "padding:.3em "
         ".6em;text-align:left}code{font-size:12px}.ok{color:#1a7f37}.bad{color:#a40e26}"
      << "</style>\n</head>\n<body>\n<h1>faultline acceptance certificate</h1>\n<p class=\""
      << (passed ? "ok" : "bad") << "\"><strong>";
  for (const auto& conn : c.connectors) out << esc(conn.name) << " " << esc(conn.version) << " ";
  out << (passed ? "passed" : "did not pass") << " the suite " << esc(c.suite.name) << "</strong>";
  if (!c.complete) out << " (incomplete: the suite was stopped)";
  out << ".</p>\n<p>Issued " << esc(c.issued_at) << " by faultline " << esc(c.faultline_version)
      << ". Check it with <code>faultline verify certificate.json</code>, which re-runs every "
         "drill from its seed, or <code>--digests-only</code>.</p>\n<h2>Files</h2>\n<table>\n"
         "<tr><th>what</th><th>file</th><th>SHA-256</th></tr>\n";
  auto row = [&](const std::string& what, const PinnedFile& entry) {
    out << "<tr><td>" << esc(what) << "</td><td>" << esc(entry.file) << "</td><td><code>"
        << esc(entry.sha256) << "</code></td></tr>\n";
  };
  row("suite", c.suite.pinned);
  if (c.policy) row("policy", *c.policy);
  for (const auto& conn : c.connectors) {
    row("manifest of " + conn.name, conn.manifest);
    row("command of " + conn.name, conn.command);
  }
  for (const auto& s : c.scenarios) row("scenario " + s.name, s.pinned);
  out << "</table>\n<h2>Drills</h2>\n<table>\n<tr><th>connector</th><th>scenario</th><th>seed</th>"
         "<th>verdict</th><th>report SHA-256</th></tr>\n";
  for (const auto& d : c.drills) {
    out << "<tr><td>" << esc(d.connector) << "</td><td>" << esc(d.scenario) << "</td><td>" << d.seed
        << "</td><td>" << esc(d.verdict) << "</td><td><code>" << esc(d.report_sha256)
        << "</code></td></tr>\n";
  }
  out << "</table>\n</body>\n</html>\n";
  return out.str();
}

int verifyCertificate(const std::string& path, const VerifyOptions& options, std::ostream& out,
                      std::ostream& err) {
  const std::string base = fs::absolute(path).parent_path().string();
  Certificate c;
  try {
    c = loadCertificate(path);
  } catch (const std::runtime_error& e) {
    err << e.what() << "\n";
    return 2;
  }
  const std::vector<Pinned> pinned = pinnedFiles(c);
  struct Drill {
    std::size_t index;
    std::string verdict, report, sha256, label;
  };
  std::vector<Drill> drills;
  for (const auto& d : c.drills) {
    drills.push_back({static_cast<std::size_t>(d.index), d.verdict, d.report, d.report_sha256,
                      d.scenario + " seed " + std::to_string(d.seed) + " (" + d.connector + ")"});
  }
  bool changed = false;
  for (const auto& p : pinned) {
    const std::string file = (fs::path(base) / p.file.file).lexically_normal().string();
    const auto now = sha256File(file);
    if (!now) {
      err << "refused: " << p.what << " (" << file << ") cannot be read\n";
      changed = true;
    } else if (*now != p.file.sha256) {
      err << "refused: " << p.what << " (" << file << ") changed since the certificate was "
          << "issued: SHA-256 " << p.file.sha256 << ", now " << *now << "\n";
      changed = true;
    }
  }
  if (changed) return 2;
  int differ = 0;
  if (options.digests_only) {
    for (const auto& d : drills) {
      if (d.report.empty()) continue;
      const auto now = sha256File((fs::path(base) / d.report).string());
      if (!now || *now != d.sha256) {
        out << "DIFFERS " << d.label << ": report " << d.report
            << (now ? " does not match its digest" : " cannot be read") << "\n";
        ++differ;
      }
    }
    out << (differ == 0 ? "verified: " : "not verified: ") << drills.size() - differ << " of "
        << counted(drills.size(), "drill report") << " match their digests\n";
    return differ == 0 ? 0 : 1;
  }
  // Re-run the suite the certificate names, from the same seeds.
  const std::string suite_file = (fs::path(base) / c.suite.pinned.file).lexically_normal().string();
  scenarios::Suite suite;
  try {
    suite = scenarios::loadSuite(suite_file, {});
  } catch (const scenarios::ConfigError& e) {
    err << e.what() << "\n";
    return 2;
  }
  std::string out_dir = options.out_dir;
  if (out_dir.empty()) {
    std::random_device random;
    out_dir =
        (fs::temp_directory_path() / ("faultline-verify." + std::to_string(random()))).string();
  }
  SuiteOptions run;
  run.out_dir = out_dir;
  run.jobs = options.jobs;
  run.write_reports = [](const reports::Report& r, const std::string& stem) {
    reports::writeFileAtomically(stem + ".json", reports::renderJsonReport(r));
  };
  const reports::SuiteSummary again = runSuite(suite, run);
  std::map<std::size_t, const reports::SuiteDrill*> by_index;
  for (const auto& d : again.drills) by_index[d.index] = &d;
  for (const auto& d : drills) {
    const auto it = by_index.find(d.index);
    if (it == by_index.end()) {
      out << "DIFFERS " << d.label << ": the suite no longer has this drill\n";
      ++differ;
    } else if (it->second->verdict != d.verdict) {
      out << "DIFFERS " << d.label << ": certified " << d.verdict << ", re-run "
          << it->second->verdict
          << (it->second->worst.empty() ? "" : " (" + it->second->worst + ")") << "\n";
      ++differ;
    }
  }
  if (again.drills.size() != drills.size()) {
    out << "DIFFERS: the suite now has " << counted(again.drills.size(), "drill")
        << ", the certificate " << drills.size() << "\n";
    ++differ;
  }
  if (options.out_dir.empty()) {
    std::error_code ignored;
    fs::remove_all(out_dir, ignored);
  }
  out << (differ == 0 ? "verified: " : "not verified: ") << counted(drills.size(), "drill")
      << " re-run, " << counted(differ, "verdict") << " differ\n";
  return differ == 0 ? 0 : 1;
}

}  // namespace faultline::harness
