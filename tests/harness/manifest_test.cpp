#include "harness/manifest.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenarios/config_error.h"

namespace faultline::harness {
namespace {

namespace fs = std::filesystem;

constexpr const char* kKnownPlaceholders =
    "client_id, client_secret, drill_id, manifest_dir, operation, state_dir, target_url, "
    "token_url";

std::string errorOf(const std::string& text) {
  try {
    parseManifest(text, "m.json", "/connectors/x");
  } catch (const scenarios::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// A valid manifest with `extra` spliced in as further members.
std::string withFields(const std::string& extra) {
  return R"({"faultline_manifest":1,"name":"n","command":"c","operations":["sync"])" +
         (extra.empty() ? std::string() : "," + extra) + "}";
}

std::string freshDir(const std::string& name) {
  const auto dir = fs::path(FAULTLINE_BINARY_DIR) / "test-out" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

void writeFile(const std::string& path, const std::string& content, fs::perms perms) {
  std::ofstream(path, std::ios::binary) << content;
  fs::permissions(path, perms);
}

TEST(ManifestTest, ParsesTheDocumentedExample) {
  const Manifest m = parseManifest(R"({
    "faultline_manifest": 1,
    "name": "reference-scim",
    "version": "1.0.0",
    "command": "connector.py",
    "args": ["{operation}", "--verbose"],
    "env": {"SCIM_BASE_URL": "{target_url}", "PYTHONDONTWRITEBYTECODE": "1"},
    "operations": ["sync", "revoke"],
    "timeout_seconds": 30
  })",
                                   "manifest.json", "/opt/conn");
  EXPECT_EQ(m.file, "manifest.json");
  EXPECT_EQ(m.dir, "/opt/conn");
  EXPECT_EQ(m.name, "reference-scim");
  EXPECT_EQ(m.version, "1.0.0");
  EXPECT_EQ(m.command, "connector.py");
  EXPECT_EQ(m.args, (std::vector<std::string>{"{operation}", "--verbose"}));
  EXPECT_EQ(m.env, (std::map<std::string, std::string>{{"PYTHONDONTWRITEBYTECODE", "1"},
                                                       {"SCIM_BASE_URL", "{target_url}"}}));
  EXPECT_EQ(m.operations, (std::set<std::string>{"revoke", "sync"}));
  EXPECT_EQ(m.timeout_seconds, 30);
}

TEST(ManifestTest, AppliesDefaultsForOptionalKeys) {
  const Manifest m = parseManifest(withFields(""), "m.json", "/d");
  EXPECT_EQ(m.version, "");
  EXPECT_TRUE(m.args.empty());
  EXPECT_TRUE(m.env.empty());
  EXPECT_EQ(m.operations, (std::set<std::string>{"sync"}));
  EXPECT_EQ(m.timeout_seconds, 120);
  EXPECT_EQ(m.max_stdout_mib, 64);
}

TEST(ManifestTest, NamesTheConnectorsApiWithScimByDefault) {
  EXPECT_EQ(parseManifest(withFields(""), "m.json", "/d").dialect, "scim");
  EXPECT_EQ(parseManifest(withFields(R"("dialect":"scim")"), "m.json", "/d").dialect, "scim");
  EXPECT_EQ(errorOf(withFields(R"("dialect":"ldap")")),
            "m.json:/dialect: must be one of: scim, got \"ldap\"");
  EXPECT_EQ(errorOf(withFields(R"("dialect":7)")), "m.json:/dialect: must be a string, got 7");
}

// Names and values are checked without std::regex, whose libstdc++ matcher
// recursed once per character and overflowed the stack on a long name.
TEST(ManifestTest, VeryLongEnvNamesAndValuesAreCheckedWithoutOverflowingTheStack) {
  const std::string name(200'000, 'A');
  EXPECT_EQ(
      parseManifest(withFields(R"("env":{")" + name + R"(":"v"})"), "m.json", "/d").env.size(), 1u);
  EXPECT_EQ(errorOf(withFields(R"("env":{")" + name + R"(-":"v"})")),
            "m.json:/env/" + name + "-: is not a valid environment variable name");
  Manifest m =
      parseManifest(withFields(R"("env":{"API_TOKEN":"{client_secret}"})"), "m.json", "/d");
  EXPECT_EQ(redactedEnv(m).at("API_TOKEN"), "{client_secret}");
  m.env["API_TOKEN"] = std::string(200'000, 'x');
  EXPECT_EQ(redactedEnv(m).at("API_TOKEN"), "<redacted>");
  m.env["PLAIN"] = "{target_url}{x}";
  EXPECT_EQ(redactedEnv(m).at("PLAIN"), "{target_url}{x}");
}

TEST(ManifestTest, ReadsTheStdoutLimitWithinItsBounds) {
  EXPECT_EQ(parseManifest(withFields(R"("max_stdout_mib":256)"), "m.json", "/d").max_stdout_mib,
            256);
  EXPECT_EQ(parseManifest(withFields(R"("max_stdout_mib":4096)"), "m.json", "/d").max_stdout_mib,
            4096);
  EXPECT_EQ(errorOf(withFields(R"("max_stdout_mib":0)")),
            "m.json:/max_stdout_mib: must be >= 1, got 0");
  EXPECT_EQ(errorOf(withFields(R"("max_stdout_mib":4097)")),
            "m.json:/max_stdout_mib: must be <= 4096, got 4097");
  EXPECT_EQ(errorOf(withFields(R"("max_stdout_mib":1.5)")),
            "m.json:/max_stdout_mib: must be an integer, got 1.5");
}

TEST(ManifestTest, AcceptsLiteralBracesAndTheLongestTimeout) {
  const Manifest m = parseManifest(
      withFields(R"("args":["{{literal}}","a}}b"],"timeout_seconds":86400)"), "m.json", "/d");
  EXPECT_EQ(m.args, (std::vector<std::string>{"{{literal}}", "a}}b"}));
  EXPECT_EQ(m.timeout_seconds, 86400);
}

TEST(ManifestTest, LoadsTheReferenceManifestWithItsAbsoluteFolder) {
  const std::string dir = std::string(FAULTLINE_SOURCE_DIR) + "/examples/connectors/reference";
  const Manifest m = loadManifest(dir + "/manifest.json");
  EXPECT_EQ(m.name, "reference-scim");
  EXPECT_EQ(m.dir, fs::path(dir).lexically_normal().string());
  EXPECT_TRUE(fs::path(m.dir).is_absolute());
}

// Bad input: every message names the file and the JSON pointer of the field.

TEST(ManifestTest, RejectsMissingRequiredKeysAllAtOnce) {
  EXPECT_EQ(errorOf(R"({"faultline_manifest":1})"),
            "m.json:/name: is required\n"
            "m.json:/command: is required\n"
            "m.json:/operations: is required");
}

TEST(ManifestTest, RejectsMissingFormatVersion) {
  EXPECT_EQ(errorOf(R"({"name":"n","command":"c","operations":["sync"]})"),
            "m.json:/faultline_manifest: is required");
}

TEST(ManifestTest, RejectsUnsupportedFormatVersion) {
  EXPECT_EQ(errorOf(R"({"faultline_manifest":2,"name":"n","command":"c","operations":["sync"]})"),
            "m.json:/faultline_manifest: unsupported manifest version 2; this faultline reads "
            "version 1");
}

TEST(ManifestTest, RejectsUnknownKeyListingAllowedOnes) {
  EXPECT_EQ(errorOf(withFields(R"("timeout":5)")),
            "m.json:/timeout: unknown key; allowed: $schema, args, command, dialect, env, "
            "faultline_manifest, max_stdout_mib, name, operations, timeout_seconds, version");
}

TEST(ManifestTest, RejectsEmptyCommand) {
  EXPECT_EQ(errorOf(R"({"faultline_manifest":1,"name":"n","command":"","operations":["sync"]})"),
            "m.json:/command: must not be empty");
}

TEST(ManifestTest, RejectsUnknownPlaceholder) {
  EXPECT_EQ(
      errorOf(withFields(R"("args":["{nope}"])")),
      std::string("m.json:/args/0: unknown placeholder {nope}; known: ") + kKnownPlaceholders);
}

TEST(ManifestTest, RejectsUnknownPlaceholderInEnvValue) {
  EXPECT_EQ(
      errorOf(withFields(R"("env":{"URL":"{url}"})")),
      std::string("m.json:/env/URL: unknown placeholder {url}; known: ") + kKnownPlaceholders);
}

TEST(ManifestTest, RejectsUnbalancedClosingBrace) {
  EXPECT_EQ(errorOf(withFields(R"("args":["ok","a}b"])")),
            "m.json:/args/1: unbalanced '}' at offset 1 (write }} for a literal brace)");
}

TEST(ManifestTest, RejectsUnterminatedPlaceholder) {
  EXPECT_EQ(errorOf(withFields(R"("args":["--op={operation"])")),
            "m.json:/args/0: unterminated placeholder at offset 5");
}

TEST(ManifestTest, RejectsNonStringArgument) {
  EXPECT_EQ(errorOf(withFields(R"("args":["a",7])")), "m.json:/args/1: must be a string, got 7");
}

TEST(ManifestTest, RejectsArgsThatAreNotAnArray) {
  EXPECT_EQ(errorOf(withFields(R"("args":"sync")")),
            "m.json:/args: must be an array, got a string");
}

TEST(ManifestTest, RejectsBadEnvironmentVariableName) {
  EXPECT_EQ(errorOf(withFields(R"("env":{"1BAD":"x"})")),
            "m.json:/env/1BAD: is not a valid environment variable name");
}

TEST(ManifestTest, EscapesSlashInEnvNamePointer) {
  EXPECT_EQ(errorOf(withFields(R"("env":{"A/B":"x"})")),
            "m.json:/env/A~1B: is not a valid environment variable name");
}

TEST(ManifestTest, RejectsNonStringEnvValue) {
  EXPECT_EQ(errorOf(withFields(R"("env":{"RETRIES":5,"DEBUG":true})")),
            "m.json:/env/DEBUG: must be a string, got true\n"
            "m.json:/env/RETRIES: must be a string, got 5");
}

TEST(ManifestTest, RejectsUnsupportedOperation) {
  EXPECT_EQ(
      errorOf(
          R"({"faultline_manifest":1,"name":"n","command":"c","operations":["sync","delete"]})"),
      "m.json:/operations/1: must be \"sync\" or \"revoke\", got \"delete\"");
}

TEST(ManifestTest, RejectsNonStringOperation) {
  EXPECT_EQ(errorOf(R"({"faultline_manifest":1,"name":"n","command":"c","operations":[3]})"),
            "m.json:/operations/0: must be \"sync\" or \"revoke\", got 3");
}

TEST(ManifestTest, RejectsEmptyOperationList) {
  EXPECT_EQ(errorOf(R"({"faultline_manifest":1,"name":"n","command":"c","operations":[]})"),
            "m.json:/operations: must name at least one operation");
}

TEST(ManifestTest, RejectsZeroTimeout) {
  EXPECT_EQ(errorOf(withFields(R"("timeout_seconds":0)")),
            "m.json:/timeout_seconds: must be >= 1, got 0");
}

TEST(ManifestTest, RejectsTimeoutAboveOneDay) {
  EXPECT_EQ(errorOf(withFields(R"("timeout_seconds":86401)")),
            "m.json:/timeout_seconds: must be <= 86400, got 86401");
}

TEST(ManifestTest, RejectsTimeoutGivenAsString) {
  EXPECT_EQ(errorOf(withFields(R"("timeout_seconds":"60")")),
            "m.json:/timeout_seconds: must be an integer, got a string");
}

TEST(ManifestTest, RejectsDocumentThatIsNotAnObject) {
  EXPECT_EQ(errorOf("[]"), "m.json: must be an object, got an array");
}

TEST(ManifestTest, RejectsInvalidJsonWithLineAndColumn) {
  const std::string error = errorOf("{\n  \"name\": }");
  EXPECT_EQ(error.rfind("m.json: invalid JSON: ", 0), 0u) << error;
  EXPECT_NE(error.find("line 2, column 11"), std::string::npos) << error;
}

TEST(ManifestTest, CollectsEveryProblemInOneError) {
  EXPECT_EQ(errorOf(R"({"faultline_manifest":1,"name":"n","command":"c","operations":["delete"],
                        "args":["{nope}"],"env":{"1X":"v"},"timeout_seconds":0,"extra":1})"),
            std::string("m.json:/args/0: unknown placeholder {nope}; known: ") +
                kKnownPlaceholders +
                "\n"
                "m.json:/env/1X: is not a valid environment variable name\n"
                "m.json:/operations/0: must be \"sync\" or \"revoke\", got \"delete\"\n"
                "m.json:/timeout_seconds: must be >= 1, got 0\n"
                "m.json:/extra: unknown key; allowed: $schema, args, command, dialect, env, "
                "faultline_manifest, max_stdout_mib, name, operations, timeout_seconds, version");
}

TEST(ManifestTest, ReportsAMissingManifestFileByName) {
  const std::string path = freshDir("manifest_missing_file") + "/absent.json";
  try {
    loadManifest(path);
    FAIL() << "loaded a file that does not exist";
  } catch (const scenarios::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": cannot open file: No such file or directory");
  }
}

TEST(ManifestTest, RejectsANulByteInArgsEnvAndCommand) {
  // A process argument is a C string: the connector would start with its
  // argument cut short, or not at all, and the drill would blame it.
  const std::string nul =
      ": must not contain a NUL byte (\\u0000): a process argument or environment value cannot "
      "hold one";
  EXPECT_EQ(errorOf(withFields(R"("args":["--a","x\u0000y"])")), "m.json:/args/1" + nul);
  EXPECT_EQ(errorOf(withFields(R"("env":{"TOKEN":"\u0000"})")), "m.json:/env/TOKEN" + nul);
  EXPECT_EQ(
      errorOf(R"({"faultline_manifest":1,"name":"n","command":"run\u0000","operations":["sync"]})"),
      "m.json:/command: must not contain a NUL byte (\\u0000): a path cannot hold one");
}

// Every field, given a value of the wrong type, is named by its pointer.
TEST(ManifestTest, RejectsEveryFieldOfTheWrongType) {
  const std::vector<std::pair<std::string, std::string>> fields = {{"faultline_manifest", "\"1\""},
                                                                   {"name", "1"},
                                                                   {"version", "[]"},
                                                                   {"command", "{}"},
                                                                   {"args", "{}"},
                                                                   {"env", "[]"},
                                                                   {"operations", "\"sync\""},
                                                                   {"timeout_seconds", "1.5"},
                                                                   {"max_stdout_mib", "true"}};
  for (const auto& [key, value] : fields) {
    nlohmann::json doc = nlohmann::json::parse(withFields(""));
    doc[key] = nlohmann::json::parse(value);
    const std::string error = errorOf(doc.dump());
    EXPECT_NE(error.find("m.json:/" + key + ": must be"), std::string::npos)
        << key << ": " << error;
  }
  EXPECT_EQ(errorOf(withFields(R"("env":{"A":null})")),
            "m.json:/env/A: must be a string, got null");
}

TEST(ManifestTest, RefusesDuplicateKeysAndDeepNesting) {
  EXPECT_EQ(errorOf(withFields(R"("command":"other")")),
            "m.json:/command: duplicate key; each key may appear once in an object");
  EXPECT_EQ(
      errorOf(withFields(R"("env":)" + std::string(100'000, '[') + std::string(100'000, ']'))),
      "m.json: arrays and objects nested deeper than 128 levels; faultline reads at most 128");
}

// Placeholders.

PlaceholderValues distinctValues() {
  PlaceholderValues v;
  v.operation = "sync";
  v.target_url = "http://127.0.0.1:9/scim/v2";
  v.token_url = "http://127.0.0.1:9/oauth/token";
  v.client_id = "cid";
  v.client_secret = "csecret";
  v.state_dir = "/tmp/state";
  v.manifest_dir = "/opt/conn";
  v.drill_id = "drill-7";
  return v;
}

TEST(ManifestPlaceholderTest, ReplacesEveryKnownPlaceholder) {
  EXPECT_EQ(expandPlaceholders("{operation}|{target_url}|{token_url}|{client_id}|{client_secret}|"
                               "{state_dir}|{manifest_dir}|{drill_id}",
                               distinctValues()),
            "sync|http://127.0.0.1:9/scim/v2|http://127.0.0.1:9/oauth/token|cid|csecret|"
            "/tmp/state|/opt/conn|drill-7");
}

TEST(ManifestPlaceholderTest, ReplacesInsideLongerText) {
  EXPECT_EQ(expandPlaceholders("--op={operation} --dir={state_dir}/x", distinctValues()),
            "--op=sync --dir=/tmp/state/x");
}

TEST(ManifestPlaceholderTest, TurnsDoubledBracesIntoLiteralBraces) {
  EXPECT_EQ(expandPlaceholders("{{literal}}", distinctValues()), "{literal}");
  EXPECT_EQ(expandPlaceholders("{{operation}}", distinctValues()), "{operation}");
  EXPECT_EQ(expandPlaceholders("}}{{", distinctValues()), "}{");
}

TEST(ManifestPlaceholderTest, ExpandsPlaceholderWrappedInLiteralBraces) {
  EXPECT_EQ(expandPlaceholders("{{{operation}}}", distinctValues()), "{sync}");
}

TEST(ManifestPlaceholderTest, LeavesTextWithoutPlaceholdersAlone) {
  EXPECT_EQ(expandPlaceholders("plain text", distinctValues()), "plain text");
  EXPECT_EQ(expandPlaceholders("", distinctValues()), "");
}

TEST(ManifestPlaceholderTest, DocumentedArgsExampleExpands) {
  const Manifest m =
      parseManifest(withFields(R"("args":["--op={operation}","{{literal}}"])"), "m.json", "/d");
  std::vector<std::string> expanded;
  for (const auto& a : m.args) expanded.push_back(expandPlaceholders(a, distinctValues()));
  EXPECT_EQ(expanded, (std::vector<std::string>{"--op=sync", "{literal}"}));
}

// Redaction of the env for reports.

TEST(ManifestRedactionTest, KeepsPurePlaceholdersAndPlainValues) {
  const Manifest m = parseManifest(withFields(R"("env":{
      "CLIENT_SECRET":"{client_secret}",
      "TOKEN_URL":"{token_url}",
      "AUTH_PAIR":"{client_id}{client_secret}",
      "SCIM_BASE_URL":"{target_url}",
      "PYTHONDONTWRITEBYTECODE":"1"})"),
                                   "m.json", "/d");
  EXPECT_EQ(redactedEnv(m), m.env);
}

TEST(ManifestRedactionTest, RedactsHardCodedSecretsInSensitiveKeys) {
  const Manifest m = parseManifest(withFields(R"("env":{
      "API_SECRET":"hunter2hunter2",
      "ACCESS_TOKEN":"eyJhbGciOi",
      "client_token":"lowercase-key-too",
      "LOG_LEVEL":"debug"})"),
                                   "m.json", "/d");
  EXPECT_EQ(redactedEnv(m), (std::map<std::string, std::string>{{"ACCESS_TOKEN", "<redacted>"},
                                                                {"API_SECRET", "<redacted>"},
                                                                {"LOG_LEVEL", "debug"},
                                                                {"client_token", "<redacted>"}}));
}

TEST(ManifestRedactionTest, RedactsSecretMixedWithLiteralText) {
  const Manifest m = parseManifest(withFields(R"("env":{"SECRET_ARG":"--secret={client_secret}"})"),
                                   "m.json", "/d");
  EXPECT_EQ(redactedEnv(m).at("SECRET_ARG"), "<redacted>");
}

// Finding the connector executable.

TEST(ManifestCommandTest, FindsBareNameBesideTheManifest) {
  const std::string dir = freshDir("manifest_command_beside");
  writeFile(dir + "/conn.sh", "#!/bin/sh\n", fs::perms::owner_all);
  Manifest m = parseManifest(withFields(""), "m.json", dir);
  m.command = "conn.sh";
  std::string error;
  EXPECT_EQ(resolveConnectorCommand(m, &error), dir + "/conn.sh") << error;
  EXPECT_EQ(error, "");
}

TEST(ManifestCommandTest, TakesPathWithSlashRelativeToManifestFolder) {
  const std::string dir = freshDir("manifest_command_relative");
  fs::create_directories(dir + "/bin");
  writeFile(dir + "/bin/tool", "#!/bin/sh\n", fs::perms::owner_all);
  Manifest m = parseManifest(withFields(""), "m.json", dir);
  m.command = "bin/../bin/tool";
  std::string error;
  EXPECT_EQ(resolveConnectorCommand(m, &error), dir + "/bin/tool") << error;
}

TEST(ManifestCommandTest, LooksUpOtherBareNamesOnPath) {
  Manifest m = parseManifest(withFields(""), "m.json", freshDir("manifest_command_path"));
  m.command = "sh";
  std::string error;
  const auto resolved = resolveConnectorCommand(m, &error);
  ASSERT_TRUE(resolved.has_value()) << error;
  EXPECT_TRUE(fs::path(*resolved).is_absolute()) << *resolved;
  EXPECT_EQ(fs::path(*resolved).filename(), "sh");
}

TEST(ManifestCommandTest, ReportsMissingBareNameNamingIt) {
  Manifest m = parseManifest(withFields(""), "m.json", freshDir("manifest_command_missing_bare"));
  m.command = "no-such-connector-9f2c";
  std::string error;
  EXPECT_EQ(resolveConnectorCommand(m, &error), std::nullopt);
  EXPECT_EQ(error, "connector command 'no-such-connector-9f2c': not found on PATH");
}

TEST(ManifestCommandTest, ReportsMissingRelativePathNamingIt) {
  const std::string dir = freshDir("manifest_command_missing_path");
  Manifest m = parseManifest(withFields(""), "m.json", dir);
  m.command = "./missing.sh";
  std::string error;
  EXPECT_EQ(resolveConnectorCommand(m, &error), std::nullopt);
  EXPECT_EQ(error, "connector command './missing.sh': not found at '" + dir + "/missing.sh'");
}

TEST(ManifestCommandTest, ReportsFileBesideManifestThatIsNotExecutable) {
  const std::string dir = freshDir("manifest_command_not_executable");
  writeFile(dir + "/plain.txt", "not a program\n", fs::perms::owner_read | fs::perms::owner_write);
  Manifest m = parseManifest(withFields(""), "m.json", dir);
  m.command = "plain.txt";
  std::string error;
  EXPECT_EQ(resolveConnectorCommand(m, &error), std::nullopt);
  EXPECT_EQ(error, "connector command './plain.txt': not executable at '" + dir + "/plain.txt'");
}

}  // namespace
}  // namespace faultline::harness
