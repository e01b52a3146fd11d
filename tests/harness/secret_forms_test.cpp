#include "harness/secret_forms.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "harness/cli.h"
#include "harness/evidence.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;

bool has(const std::vector<std::string>& forms, const std::string& form) {
  return std::find(forms.begin(), forms.end(), form) != forms.end();
}

TEST(SecretFormsTest, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
}

TEST(SecretFormsTest, EveryForeseeableEncodingIsListed) {
  const std::string secret = "s3cr/t p+ss\"word";
  const auto forms = secretForms({secret, "tok.en-123456"}, "my client", secret);
  EXPECT_TRUE(has(forms, secret));
  EXPECT_TRUE(has(forms, "s3cr%2Ft%20p%2Bss%22word"));  // percent-encoded
  EXPECT_TRUE(has(forms, "s3cr%2Ft+p%2Bss%22word"));    // form-encoded
  EXPECT_TRUE(has(forms, "s3cr/t p+ss\\\"word"));       // JSON
  EXPECT_TRUE(has(forms, "s3cr\\/t p+ss\\\"word"));     // JSON, slash escaped
  EXPECT_TRUE(has(forms, "czNjci90IHArc3Mid29yZA"));    // base64, unpadded
  // HTTP Basic, as sent and as RFC 6749 section 2.3.1 encodes it first.
  EXPECT_TRUE(has(forms, "bXkgY2xpZW50OnMzY3IvdCBwK3NzIndvcmQ"));
  EXPECT_TRUE(has(forms, "bXkrY2xpZW50OnMzY3IlMkZ0K3AlMkJzcyUyMndvcmQ"));
  EXPECT_TRUE(has(forms, "tok.en-123456"));
  for (std::size_t i = 1; i < forms.size(); ++i)
    EXPECT_GE(forms[i - 1].size(), forms[i].size()) << "longest first";
}

TEST(SecretFormsTest, ASecretAcrossTheEvidenceCutIsRedactedWhole) {
  const std::string secret = "fls_0123456789abcdef";
  const std::string line = std::string(495, 'x') + secret + "\n";
  const auto tail = tailLines(line, 1, {secret});
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].find("fls_0"), std::string::npos) << tail[0];
}

std::string readAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A connector that prints its credentials in every encoding it might use
// (Basic among them) to stderr and in its status reason; faultline must flag
// the leak and keep every spelling out of every report format.
TEST(SecretFormsTest, NoWriterEverShowsACredentialInAnyEncoding) {
  std::random_device random;
  const fs::path dir =
      fs::temp_directory_path() / ("secret_forms_test." + std::to_string(random() % 1000000));
  fs::create_directories(dir);
  const fs::path script = dir / "leaky.sh";
  std::ofstream(script)
      << "#!/bin/sh\n"
         "printf '%s\\n%s\\n' \"$CLIENT_ID\" \"$CLIENT_SECRET\" > \"$SIDE\"\n"
         "basic=$(printf '%s:%s' \"$CLIENT_ID\" \"$CLIENT_SECRET\" | base64 -w0)\n"
         "bare=$(printf '%s' \"$CLIENT_SECRET\" | base64 -w0)\n"
         "echo \"Authorization: Basic $basic\" >&2\n"
         "echo \"secret in base64: $bare; plain: $CLIENT_SECRET\" >&2\n"
         "echo \"{\\\"type\\\":\\\"status\\\",\\\"protocol\\\":1,\\\"status\\\":\\\"failed\\\","
         "\\\"reason\\\":\\\"login with Basic $basic failed\\\",\\\"counts\\\":{}}\"\n";
  fs::permissions(script, fs::perms::owner_all);
  const fs::path manifest = dir / "leaky.json";
  std::ofstream(manifest) << R"({"faultline_manifest": 1, "name": "leaky", "version": "1",
    "command": "leaky.sh", "operations": ["sync"], "timeout_seconds": 60,
    "env": {"PATH": "/usr/bin:/bin", "CLIENT_ID": "{client_id}",
            "CLIENT_SECRET": "{client_secret}", "SIDE": ")"
                          << (dir / "side").string() << R"("}})";
  std::ostringstream out, err;
  runCli({"run", "--connector", manifest.string(), "--scenario",
          std::string(FAULTLINE_SOURCE_DIR) + "/tests/fixtures/sync_once.json", "--out",
          (dir / "out").string(), "--format", "json,junit,md,html", "--quiet"},
         out, err);
  std::istringstream side(readAll(dir / "side"));
  std::string client_id, client_secret;
  std::getline(side, client_id);
  std::getline(side, client_secret);
  ASSERT_FALSE(client_secret.empty()) << err.str();
  const auto forms = secretForms({client_secret}, client_id, client_secret);
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir / "out")) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string text = readAll(entry.path());
    for (const auto& form : forms)
      EXPECT_EQ(text.find(form), std::string::npos) << entry.path() << " shows " << form;
  }
  EXPECT_EQ(files, 5) << "json, junit, md, html and the journal";
  const std::string report = readAll(dir / "out" / "leaky" / "sync-once-seed5.json");
  EXPECT_NE(report.find("\"secret-leak\""), std::string::npos);
  EXPECT_NE(report.find("Authorization: Basic <redacted>"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace faultline::harness
