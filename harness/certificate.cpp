#include "harness/certificate.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "harness/manifest.h"
#include "harness/process_runner.h"
#include "harness/sha256.h"
#include "harness/suite.h"
#include "reports/json_report.h"
#include "reports/printable_text.h"
#include "scenarios/config_error.h"
#include "scenarios/json_reader.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

std::string digestOrThrow(const std::string& path) {
  const auto digest = sha256File(path);
  if (!digest) throw std::runtime_error("cannot read " + path + " to take its digest");
  return *digest;
}

// `path` as seen from `base` (both made absolute first).
std::string relativeFrom(const std::string& base, const std::string& path) {
  return fs::absolute(path).lexically_normal().lexically_relative(fs::absolute(base)).string();
}

ordered_json fileEntry(const std::string& out_dir, const std::string& path) {
  return {{"file", relativeFrom(out_dir, path)}, {"sha256", digestOrThrow(path)}};
}

// The files a certificate vouches for, each with its digest; key is a name
// for messages ("suite", "connector reference-scim manifest", ...).
struct Pinned {
  std::string what;
  std::string file;  // relative to the certificate
  std::string sha256;
};

std::vector<Pinned> pinnedFiles(const nlohmann::json& c, const std::string& pointer_base,
                                std::vector<scenarios::ConfigIssue>& issues) {
  std::vector<Pinned> out;
  auto take = [&](const nlohmann::json* node, const std::string& pointer, const std::string& what) {
    if (node == nullptr || !node->is_object() || !node->contains("file") ||
        !(*node)["file"].is_string() || !node->contains("sha256") ||
        !(*node)["sha256"].is_string()) {
      issues.push_back({pointer_base + pointer, "must be an object with string file and sha256"});
      return;
    }
    out.push_back({what, (*node)["file"].get<std::string>(), (*node)["sha256"].get<std::string>()});
  };
  take(c.contains("suite") ? &c["suite"] : nullptr, "/suite", "the suite");
  if (c.contains("policy") && !c["policy"].is_null()) take(&c["policy"], "/policy", "the policy");
  const auto& scenarios = c.contains("scenarios") ? c["scenarios"] : nlohmann::json();
  if (!scenarios.is_array()) issues.push_back({pointer_base + "/scenarios", "must be an array"});
  for (std::size_t i = 0; scenarios.is_array() && i < scenarios.size(); ++i)
    take(&scenarios[i], "/scenarios/" + std::to_string(i), "a scenario");
  const auto& connectors = c.contains("connectors") ? c["connectors"] : nlohmann::json();
  if (!connectors.is_array()) issues.push_back({pointer_base + "/connectors", "must be an array"});
  for (std::size_t i = 0; connectors.is_array() && i < connectors.size(); ++i) {
    const std::string p = "/connectors/" + std::to_string(i);
    const auto& conn = connectors[i];
    const std::string name = conn.is_object() && conn.contains("name") && conn["name"].is_string()
                                 ? conn["name"].get<std::string>()
                                 : "?";
    take(conn.is_object() && conn.contains("manifest") ? &conn["manifest"] : nullptr,
         p + "/manifest", "connector " + name + "'s manifest");
    take(conn.is_object() && conn.contains("command") ? &conn["command"] : nullptr, p + "/command",
         "connector " + name + "'s command");
  }
  return out;
}

// Every field mergeCertificates reads, of the type it reads it as.
bool isShardCertificate(const nlohmann::json& c) {
  auto has = [](const nlohmann::json& o, const char* key, auto is) {
    return o.is_object() && o.contains(key) && is(o[key]);
  };
  const auto isString = [](const nlohmann::json& v) { return v.is_string(); };
  const auto isUnsigned = [](const nlohmann::json& v) { return v.is_number_unsigned(); };
  const auto isArray = [](const nlohmann::json& v) { return v.is_array(); };
  const auto isFile = [&](const nlohmann::json& v) {
    return has(v, "file", isString) && has(v, "sha256", isString);
  };
  if (!c.is_object() || c.value("faultline_certificate", nlohmann::json()) != kCertificateVersion ||
      !has(c, "shard",
           [&](const nlohmann::json& s) {
             return has(s, "index", isUnsigned) && has(s, "count", isUnsigned) &&
                    s["count"].get<std::uint64_t>() <= 10000 &&
                    s["index"].get<std::uint64_t>() <= 10000;
           }) ||
      !has(c, "total_drills", isUnsigned) || !has(c, "suite", isFile) || !c.contains("policy") ||
      !(c["policy"].is_null() || isFile(c["policy"])) || !has(c, "scenarios", isArray) ||
      !has(c, "connectors", isArray) || !has(c, "drills", isArray))
    return false;
  for (const auto& s : c["scenarios"]) {
    if (!isFile(s)) return false;
  }
  for (const auto& conn : c["connectors"]) {
    if (!has(conn, "manifest", isFile) || !has(conn, "command", isFile)) return false;
  }
  for (const auto& d : c["drills"]) {
    if (!has(d, "index", isUnsigned)) return false;
  }
  return true;
}

}  // namespace

std::string renderCertificate(const scenarios::Suite& suite, const reports::SuiteSummary& summary,
                              const std::string& out_dir) {
  ordered_json c;
  c["faultline_certificate"] = kCertificateVersion;
  c["faultline_version"] = summary.tool_version;
  c["issued_at"] = summary.started_at;
  c["verdict"] = summary.passed() ? "passed" : "failed";
  c["complete"] = summary.complete;
  c["shard"] = {{"index", summary.shard_index}, {"count", summary.shard_count}};
  c["total_drills"] = summary.total_drills;
  ordered_json suite_entry = fileEntry(out_dir, suite.file);
  suite_entry["name"] = suite.name;
  c["suite"] = suite_entry;
  c["policy"] = suite.policy.empty() ? ordered_json(nullptr) : fileEntry(out_dir, suite.policy);
  auto& scenarios = c["scenarios"] = ordered_json::array();
  for (std::size_t i = 0; i < suite.scenario_files.size(); ++i) {
    ordered_json s = fileEntry(out_dir, suite.scenario_files[i]);
    s["name"] = suite.scenario_names[i];
    scenarios.push_back(s);
  }
  auto& connectors = c["connectors"] = ordered_json::array();
  for (const auto& file : suite.connectors) {
    const Manifest m = loadManifest(file);
    std::string error;
    const auto command = resolveConnectorCommand(m, &error);
    if (!command) throw std::runtime_error(file + ":/command: " + error);
    connectors.push_back({{"name", m.name},
                          {"version", m.version},
                          {"manifest", fileEntry(out_dir, file)},
                          {"command", fileEntry(out_dir, *command)}});
  }
  auto& drills = c["drills"] = ordered_json::array();
  for (const auto& d : summary.drills) {
    ordered_json entry = {{"index", d.index}, {"connector", d.connector}, {"scenario", d.scenario},
                          {"seed", d.seed},   {"verdict", d.verdict},     {"report", d.report}};
    entry["report_sha256"] =
        d.report.empty() ? std::string() : digestOrThrow((fs::path(out_dir) / d.report).string());
    drills.push_back(entry);
  }
  return c.dump(2) + "\n";
}

std::string mergeCertificates(const std::vector<std::string>& shard_files,
                              const reports::SuiteSummary& merged, const std::string& out_dir) {
  if (shard_files.empty()) throw std::runtime_error("no shard certificates to merge");
  ordered_json result;
  std::vector<int> seen;
  std::vector<ordered_json> drills;
  // A path written relative to a shard's folder, rewritten relative to out_dir.
  auto rebase = [&](ordered_json& entry, const std::string& shard_dir) {
    if (!entry.is_object() || !entry.contains("file") || !entry["file"].is_string())
      throw std::runtime_error("a shard certificate names a file without a path");
    entry["file"] = relativeFrom(
        out_dir,
        (fs::path(shard_dir) / entry["file"].get<std::string>()).lexically_normal().string());
  };
  for (const auto& file : shard_files) {
    // Shard certificates come from other machines: read like every input
    // (depth, repeated keys), then checked field by field before any use.
    ordered_json c;
    try {
      const std::string text = scenarios::readFileOrThrow(file);
      const nlohmann::json checked = scenarios::parseJsonDocument(text, file);
      if (!isShardCertificate(checked))
        throw std::runtime_error(file + ": not a shard certificate of version " +
                                 std::to_string(kCertificateVersion) +
                                 " (faultline_certificate, shard, total_drills, suite, policy, "
                                 "scenarios, connectors and drills of the right types)");
      c = ordered_json::parse(text);
    } catch (const scenarios::ConfigError& e) {
      throw std::runtime_error(e.what());
    }
    const std::string dir = fs::path(file).parent_path().string();
    rebase(c["suite"], dir);
    if (!c["policy"].is_null()) rebase(c["policy"], dir);
    for (auto& sc : c["scenarios"]) rebase(sc, dir);
    for (auto& conn : c["connectors"]) {
      rebase(conn["manifest"], dir);
      rebase(conn["command"], dir);
    }
    // Reports keep their paths: merge copies them to the same place under out_dir.
    for (const auto& d : c["drills"]) drills.push_back(d);
    const int count = c["shard"]["count"].get<int>(), index = c["shard"]["index"].get<int>();
    if (result.is_null()) {
      result = c;
      seen.assign(static_cast<std::size_t>(std::max(count, 0)) + 1, 0);
    } else {
      for (const char* key : {"suite", "policy", "scenarios", "connectors", "total_drills"}) {
        if (c[key] != result[key])
          throw std::runtime_error(file + ": certifies other " + std::string(key) +
                                   " than the first shard certificate");
      }
      if (count != result["shard"]["count"].get<int>())
        throw std::runtime_error(file + ": is one of " + std::to_string(count) + " shards, not " +
                                 std::to_string(result["shard"]["count"].get<int>()));
    }
    if (index < 1 || index >= static_cast<int>(seen.size()) || ++seen[index] > 1)
      throw std::runtime_error(file + ": shard " + std::to_string(index) +
                               " is out of range or given twice");
    if (c["issued_at"].is_string() && c["issued_at"] < result["issued_at"])
      result["issued_at"] = c["issued_at"];
  }
  for (std::size_t i = 1; i < seen.size(); ++i) {
    if (seen[i] == 0)
      throw std::runtime_error("the certificate of shard " + std::to_string(i) + " is missing");
  }
  std::sort(drills.begin(), drills.end(), [](const ordered_json& a, const ordered_json& b) {
    return a["index"].get<std::size_t>() < b["index"].get<std::size_t>();
  });
  for (std::size_t i = 0; i < drills.size(); ++i) {
    if (drills[i]["index"].get<std::size_t>() != i)
      throw std::runtime_error("drill " + std::to_string(i) +
                               " is missing or repeated among the shard certificates");
  }
  result["verdict"] = merged.passed() ? "passed" : "failed";
  result["complete"] = merged.complete;
  result["shard"] = {{"index", 1}, {"count", 1}};
  result["drills"] = drills;
  return result.dump(2) + "\n";
}

std::string renderCertificateHtml(const std::string& certificate_json) {
  // Also drawn for a merged certificate whose shards came from elsewhere: a
  // missing or odd field prints as what it is, never aborts.
  const auto c = nlohmann::json::parse(certificate_json);
  const auto get = [](const nlohmann::json& o, const char* key) {
    return o.is_object() ? o.value(key, nlohmann::json()) : nlohmann::json();
  };
  auto esc = [](const nlohmann::json& v) {
    return reports::escapeMarkup(v.is_string() ? v.get<std::string>() : v.dump(), false);
  };
  std::ostringstream out;
  const bool passed = get(c, "verdict") == "passed";
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n<title>faultline certificate: "
      << esc(get(get(c, "suite"), "name"))
      << "</title>\n<style>body{font:14px/1.5 system-ui,sans-serif;"
      << "margin:2em;color:#1f2328}table{border-collapse:collapse}th,td{border:1px solid #d1d9e0;"
      << "padding:.3em "
         ".6em;text-align:left}code{font-size:12px}.ok{color:#1a7f37}.bad{color:#a40e26}"
      << "</style>\n</head>\n<body>\n<h1>faultline acceptance certificate</h1>\n<p class=\""
      << (passed ? "ok" : "bad") << "\"><strong>";
  for (const auto& conn : get(c, "connectors"))
    out << esc(get(conn, "name")) << " " << esc(get(conn, "version")) << " ";
  out << (passed ? "passed" : "did not pass") << " the suite " << esc(get(get(c, "suite"), "name"))
      << "</strong>";
  if (get(c, "complete") != true) out << " (incomplete: the suite was stopped)";
  out << ".</p>\n<p>Issued " << esc(get(c, "issued_at")) << " by faultline "
      << esc(get(c, "faultline_version"))
      << ". Check it with <code>faultline verify certificate.json</code>, which re-runs every "
         "drill from its seed, or <code>--digests-only</code>.</p>\n<h2>Files</h2>\n<table>\n"
         "<tr><th>what</th><th>file</th><th>SHA-256</th></tr>\n";
  auto row = [&](const std::string& what, const nlohmann::json& entry) {
    out << "<tr><td>" << reports::escapeMarkup(what, false) << "</td><td>"
        << esc(get(entry, "file")) << "</td><td><code>" << esc(get(entry, "sha256"))
        << "</code></td></tr>\n";
  };
  row("suite", get(c, "suite"));
  if (!get(c, "policy").is_null()) row("policy", get(c, "policy"));
  auto text = [](const nlohmann::json& v) {
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  for (const auto& conn : get(c, "connectors")) {
    row("manifest of " + text(get(conn, "name")), get(conn, "manifest"));
    row("command of " + text(get(conn, "name")), get(conn, "command"));
  }
  for (const auto& s : get(c, "scenarios")) row("scenario " + text(get(s, "name")), s);
  out << "</table>\n<h2>Drills</h2>\n<table>\n<tr><th>connector</th><th>scenario</th><th>seed</th>"
         "<th>verdict</th><th>report SHA-256</th></tr>\n";
  for (const auto& d : get(c, "drills")) {
    out << "<tr><td>" << esc(get(d, "connector")) << "</td><td>" << esc(get(d, "scenario"))
        << "</td><td>" << esc(get(d, "seed")) << "</td><td>" << esc(get(d, "verdict"))
        << "</td><td><code>" << esc(get(d, "report_sha256")) << "</code></td></tr>\n";
  }
  out << "</table>\n</body>\n</html>\n";
  return out.str();
}

int verifyCertificate(const std::string& path, const VerifyOptions& options, std::ostream& out,
                      std::ostream& err) {
  const std::string base = fs::absolute(path).parent_path().string();
  nlohmann::json c;
  std::vector<scenarios::ConfigIssue> issues;
  try {
    c = scenarios::parseJsonDocument(scenarios::readFileOrThrow(path), path);
  } catch (const scenarios::ConfigError& e) {
    err << e.what() << "\n";
    return 2;
  }
  if (!c.is_object() || c.value("faultline_certificate", nlohmann::json()) != kCertificateVersion) {
    err << path << ":/faultline_certificate: not a faultline certificate of version "
        << kCertificateVersion << "\n";
    return 2;
  }
  const std::vector<Pinned> pinned = pinnedFiles(c, "", issues);
  struct Drill {
    std::size_t index;
    std::string verdict, report, sha256, label;
  };
  std::vector<Drill> drills;
  if (!c.contains("drills") || !c["drills"].is_array()) {
    issues.push_back({"/drills", "must be an array"});
  } else {
    for (std::size_t i = 0; i < c["drills"].size(); ++i) {
      const auto& d = c["drills"][i];
      const std::string p = "/drills/" + std::to_string(i);
      if (!d.is_object() || !d.contains("index") || !d["index"].is_number_unsigned() ||
          !d.contains("verdict") || !d["verdict"].is_string() || !d.contains("report") ||
          !d["report"].is_string() || !d.contains("report_sha256") ||
          !d["report_sha256"].is_string() || !d.contains("scenario") ||
          !d["scenario"].is_string() || !d.contains("seed") || !d["seed"].is_number_unsigned() ||
          !d.contains("connector") || !d["connector"].is_string()) {
        issues.push_back({p,
                          "must have index, connector, scenario, seed, verdict, report and "
                          "report_sha256 of the right types"});
        continue;
      }
      drills.push_back({d["index"].get<std::size_t>(), d["verdict"].get<std::string>(),
                        d["report"].get<std::string>(), d["report_sha256"].get<std::string>(),
                        d["scenario"].get<std::string>() + " seed " +
                            std::to_string(d["seed"].get<std::uint64_t>()) + " (" +
                            d["connector"].get<std::string>() + ")"});
    }
  }
  if (!issues.empty()) {
    err << scenarios::ConfigError(path, issues).what() << "\n";
    return 2;
  }
  bool changed = false;
  for (const auto& p : pinned) {
    const std::string file = (fs::path(base) / p.file).lexically_normal().string();
    const auto now = sha256File(file);
    if (!now) {
      err << "refused: " << p.what << " (" << file << ") cannot be read\n";
      changed = true;
    } else if (*now != p.sha256) {
      err << "refused: " << p.what << " (" << file << ") changed since the certificate was "
          << "issued: SHA-256 " << p.sha256 << ", now " << *now << "\n";
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
        << drills.size() << " drill report(s) match their digests\n";
    return differ == 0 ? 0 : 1;
  }
  // Re-run the suite the certificate names, from the same seeds.
  const std::string suite_file =
      (fs::path(base) / c["suite"]["file"].get<std::string>()).lexically_normal().string();
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
    out << "DIFFERS: the suite now has " << again.drills.size() << " drill(s), the certificate "
        << drills.size() << "\n";
    ++differ;
  }
  if (options.out_dir.empty()) {
    std::error_code ignored;
    fs::remove_all(out_dir, ignored);
  }
  out << (differ == 0 ? "verified: " : "not verified: ") << drills.size() << " drill(s) re-run, "
      << differ << " verdict(s) differ\n";
  return differ == 0 ? 0 : 1;
}

}  // namespace faultline::harness
