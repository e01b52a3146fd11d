#include "harness/certificate_file.h"

#include "harness/certificate.h"
#include "scenarios/config_error.h"
#include "scenarios/json_reader.h"

namespace faultline::harness {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using scenarios::ConfigIssue;
using scenarios::ObjectReader;

// Reads every member of one certificate, collecting each problem with its
// pointer so that one run shows all of them.
class CertificateReader {
 public:
  explicit CertificateReader(std::vector<ConfigIssue>& issues) : issues_(issues) {}

  Certificate read(const json& doc) {
    Certificate c;
    ObjectReader r(doc, "", issues_);
    r.formatVersion("faultline_certificate", kCertificateVersion, "certificate version");
    c.faultline_version = requiredString(r, "faultline_version");
    c.issued_at = requiredString(r, "issued_at");
    c.verdict = requiredString(r, "verdict");
    if (c.verdict != "passed" && c.verdict != "failed")
      r.fail("verdict", "must be \"passed\" or \"failed\", got \"" + c.verdict + "\"");
    c.complete = requiredBoolean(r, "complete");
    if (const json* shard = r.child("shard", json::value_t::object, true)) {
      ObjectReader s(*shard, r.pointerTo("shard"), issues_);
      c.shard_count = s.integer("count", 1, 1, kMaxCertificateShards, true);
      c.shard_index = s.integer("index", 1, 1, kMaxCertificateShards, true);
      if (c.shard_index > c.shard_count)
        s.fail("index", "must be <= the shard count " + std::to_string(c.shard_count));
      s.finish();
    }
    c.total_drills = r.unsignedInteger("total_drills", true).value_or(0);
    if (const json* suite = r.child("suite", json::value_t::object, true))
      c.suite = scenario(*suite, r.pointerTo("suite"));
    if (const json* policy = r.anyValue("policy"); policy == nullptr) {
      if (r.valid()) r.fail("policy", "is required (null when the suite has none)");
    } else if (!policy->is_null()) {
      ObjectReader p(*policy, r.pointerTo("policy"), issues_);
      c.policy = pinned(p);
      p.finish();
    }
    c.scenarios = list<CertifiedScenario>(
        r, "scenarios", [&](const json& v, const std::string& at) { return scenario(v, at); });
    c.connectors = list<CertifiedConnector>(
        r, "connectors", [&](const json& v, const std::string& at) { return connector(v, at); });
    c.drills = list<CertifiedDrill>(
        r, "drills", [&](const json& v, const std::string& at) { return drill(v, at); });
    r.finish();
    return c;
  }

 private:
  std::string requiredString(ObjectReader& r, const char* key) {
    return r.string(key, true).value_or("");
  }

  bool requiredBoolean(ObjectReader& r, const char* key) {
    if (r.valid() && !r.has(key)) r.fail(key, "is required");
    return r.boolean(key, false);
  }

  PinnedFile pinned(ObjectReader& r) {
    PinnedFile f;
    f.file = requiredString(r, "file");
    f.sha256 = requiredString(r, "sha256");
    return f;
  }

  PinnedFile pinnedAt(const json& v, const std::string& at) {
    ObjectReader r(v, at, issues_);
    PinnedFile f = pinned(r);
    r.finish();
    return f;
  }

  CertifiedScenario scenario(const json& v, const std::string& at) {
    ObjectReader r(v, at, issues_);
    CertifiedScenario s;
    s.pinned = pinned(r);
    s.name = requiredString(r, "name");
    r.finish();
    return s;
  }

  CertifiedConnector connector(const json& v, const std::string& at) {
    ObjectReader r(v, at, issues_);
    CertifiedConnector c;
    c.name = requiredString(r, "name");
    c.version = requiredString(r, "version");
    if (const json* m = r.child("manifest", json::value_t::object, true))
      c.manifest = pinnedAt(*m, r.pointerTo("manifest"));
    if (const json* m = r.child("command", json::value_t::object, true))
      c.command = pinnedAt(*m, r.pointerTo("command"));
    r.finish();
    return c;
  }

  CertifiedDrill drill(const json& v, const std::string& at) {
    ObjectReader r(v, at, issues_);
    CertifiedDrill d;
    d.index = r.unsignedInteger("index", true).value_or(0);
    d.connector = requiredString(r, "connector");
    d.scenario = requiredString(r, "scenario");
    d.seed = r.unsignedInteger("seed", true).value_or(0);
    d.verdict = requiredString(r, "verdict");
    // "" when the drill wrote no report.
    d.report = r.string("report", true).value_or("");
    d.report_sha256 = r.string("report_sha256", true).value_or("");
    r.finish();
    return d;
  }

  template <typename T, typename ReadOne>
  std::vector<T> list(ObjectReader& r, const char* key, ReadOne read_one) {
    std::vector<T> out;
    const json* items = r.child(key, json::value_t::array, true);
    if (items == nullptr) return out;
    for (std::size_t i = 0; i < items->size(); ++i)
      out.push_back(read_one((*items)[i], r.pointerTo(key) + "/" + std::to_string(i)));
    return out;
  }

  std::vector<ConfigIssue>& issues_;
};

ordered_json pinnedJson(const PinnedFile& f) {
  return {{"file", f.file}, {"sha256", f.sha256}};
}

ordered_json scenarioJson(const CertifiedScenario& s) {
  ordered_json out = pinnedJson(s.pinned);
  out["name"] = s.name;
  return out;
}

}  // namespace

Certificate readCertificate(std::string_view text, const std::string& file) {
  const json doc = scenarios::parseJsonDocument(text, file);
  std::vector<ConfigIssue> issues;
  Certificate c = CertificateReader(issues).read(doc);
  if (!issues.empty()) throw scenarios::ConfigError(file, std::move(issues));
  return c;
}

ordered_json certificateJson(const Certificate& c) {
  ordered_json out;
  out["faultline_certificate"] = kCertificateVersion;
  out["faultline_version"] = c.faultline_version;
  out["issued_at"] = c.issued_at;
  out["verdict"] = c.verdict;
  out["complete"] = c.complete;
  out["shard"] = {{"index", c.shard_index}, {"count", c.shard_count}};
  out["total_drills"] = c.total_drills;
  out["suite"] = scenarioJson(c.suite);
  out["policy"] = c.policy ? pinnedJson(*c.policy) : ordered_json(nullptr);
  auto& scenarios = out["scenarios"] = ordered_json::array();
  for (const auto& s : c.scenarios) scenarios.push_back(scenarioJson(s));
  auto& connectors = out["connectors"] = ordered_json::array();
  for (const auto& conn : c.connectors) {
    connectors.push_back({{"name", conn.name},
                          {"version", conn.version},
                          {"manifest", pinnedJson(conn.manifest)},
                          {"command", pinnedJson(conn.command)}});
  }
  auto& drills = out["drills"] = ordered_json::array();
  for (const auto& d : c.drills) {
    drills.push_back({{"index", d.index},
                      {"connector", d.connector},
                      {"scenario", d.scenario},
                      {"seed", d.seed},
                      {"verdict", d.verdict},
                      {"report", d.report},
                      {"report_sha256", d.report_sha256}});
  }
  return out;
}

}  // namespace faultline::harness
