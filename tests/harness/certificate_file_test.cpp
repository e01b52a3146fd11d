#include "harness/certificate_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/config_error.h"

namespace faultline::harness {
namespace {

using nlohmann::json;

json goodCertificate() {
  return json::parse(R"({
    "faultline_certificate": 1, "faultline_version": "0.9.0",
    "issued_at": "2026-01-01T10:00:00Z", "verdict": "passed", "complete": true,
    "shard": {"index": 1, "count": 1}, "total_drills": 1,
    "suite": {"file": "suite.json", "sha256": "ab", "name": "nightly"},
    "policy": null,
    "scenarios": [{"file": "s.json", "sha256": "cd", "name": "baseline"}],
    "connectors": [{"name": "c", "version": "1", "manifest": {"file": "m.json", "sha256": "01"},
                    "command": {"file": "c.py", "sha256": "02"}}],
    "drills": [{"index": 0, "connector": "c", "scenario": "baseline", "seed": 7,
                "verdict": "passed", "report": "r.json", "report_sha256": "03"}]})");
}

// The lines of the error reading `doc`, or "" when it reads.
std::string errorOf(const json& doc) {
  try {
    readCertificate(doc.dump(), "c.json");
  } catch (const scenarios::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(CertificateFileTest, ReadsWhatItWrites) {
  const Certificate c = readCertificate(goodCertificate().dump(), "c.json");
  EXPECT_EQ(c.suite.name, "nightly");
  EXPECT_FALSE(c.policy.has_value());
  ASSERT_EQ(c.drills.size(), 1u);
  EXPECT_EQ(c.drills[0].seed, 7u);
  EXPECT_EQ(json::parse(certificateJson(c).dump()), goodCertificate());
}

// Each member of a wrong type is named by its pointer; all are reported.
TEST(CertificateFileTest, NamesEveryMemberOfAWrongTypeByItsPointer) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/faultline_certificate", R"("1")"},
      {"/faultline_version", "1"},
      {"/issued_at", "null"},
      {"/complete", R"("yes")"},
      {"/shard", "[]"},
      {"/shard/index", "1.5"},
      {"/total_drills", "-3"},
      {"/suite", R"("suite.json")"},
      {"/suite/sha256", "false"},
      {"/policy", "7"},
      {"/scenarios", "{}"},
      {"/scenarios/0/name", "[]"},
      {"/connectors/0", R"("c")"},
      {"/connectors/0/manifest", R"("m.json")"},
      {"/connectors/0/command/file", "{}"},
      {"/drills/0/index", R"("0")"},
      {"/drills/0/seed", "-7"},
      {"/drills/0/report", "null"},
  };
  const std::vector<std::string> expected = {
      "c.json:/faultline_certificate: must be an integer, got a string",
      "c.json:/faultline_version: must be a string, got 1",
      "c.json:/issued_at: must be a string, got null",
      "c.json:/complete: must be true or false, got a string",
      "c.json:/shard: must be an object, got an array",
      "c.json:/shard/index: must be an integer, got 1.5",
      "c.json:/total_drills: must be an integer in [0, 2^64), got -3",
      "c.json:/suite: must be an object, got a string",
      "c.json:/suite/sha256: must be a string, got false",
      "c.json:/policy: must be an object, got 7",
      "c.json:/scenarios: must be an array, got an object",
      "c.json:/scenarios/0/name: must be a string, got an array",
      "c.json:/connectors/0: must be an object, got a string",
      "c.json:/connectors/0/manifest: must be an object, got a string",
      "c.json:/connectors/0/command/file: must be a string, got an object",
      "c.json:/drills/0/index: must be an integer in [0, 2^64), got a string",
      "c.json:/drills/0/seed: must be an integer in [0, 2^64), got -7",
      "c.json:/drills/0/report: must be a string, got null",
  };
  ASSERT_EQ(cases.size(), expected.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    json doc = goodCertificate();
    doc[json::json_pointer(cases[i].first)] = json::parse(cases[i].second);
    std::string error = errorOf(doc);
    // Only the first line: a wrong version also stops nothing else.
    error = error.substr(0, error.find('\n'));
    EXPECT_EQ(error, expected[i]) << cases[i].first;
  }
}

TEST(CertificateFileTest, ChecksRangesAndWords) {
  json doc = goodCertificate();
  doc["verdict"] = "maybe";
  doc["shard"] = {{"index", 3}, {"count", 2}};
  doc["drills"][0]["extra"] = 1;
  EXPECT_EQ(errorOf(doc),
            "c.json:/verdict: must be \"passed\" or \"failed\", got \"maybe\"\n"
            "c.json:/shard/index: must be <= the shard count 2\n"
            "c.json:/drills/0/extra: unknown key; allowed: connector, index, report, "
            "report_sha256, scenario, seed, verdict");
  doc = goodCertificate();
  doc.erase("policy");
  doc["faultline_certificate"] = 2;
  EXPECT_EQ(errorOf(doc),
            "c.json:/faultline_certificate: unsupported certificate version 2; this faultline "
            "reads version 1\n"
            "c.json:/policy: is required (null when the suite has none)");
}

// An empty verdict is no verdict: no suite writes one, and a certificate
// that carries it certifies nothing.
TEST(CertificateFileTest, RefusesAnEmptyVerdict) {
  json doc = goodCertificate();
  doc["verdict"] = "";
  EXPECT_EQ(errorOf(doc), "c.json:/verdict: must be \"passed\" or \"failed\", got \"\"");
}

TEST(CertificateFileTest, RefusesDeepNestingAndRepeatedKeys) {
  const std::string deep =
      R"({"drills":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  try {
    readCertificate(deep, "c.json");
    ADD_FAILURE() << "a deep certificate was read";
  } catch (const scenarios::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "c.json: arrays and objects nested deeper than 128 levels; faultline reads at most "
              "128");
  }
  try {
    readCertificate(R"({"verdict":"passed","verdict":"failed"})", "c.json");
    ADD_FAILURE() << "a repeated key was read";
  } catch (const scenarios::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "c.json:/verdict: duplicate key; each key may appear once in an object");
  }
}

}  // namespace
}  // namespace faultline::harness
