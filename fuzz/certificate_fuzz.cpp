// libFuzzer target for the certificate reader: `faultline verify` and
// `faultline merge` read certificate.json files that may come from other
// machines. Any input ends in a Certificate or a ConfigError that says what
// is wrong and where. A certificate that loads writes back out as JSON that
// reads again to the same certificate, and draws as HTML.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_oracle.h"
#include "harness/certificate.h"
#include "harness/certificate_file.h"

namespace {

using faultline::harness::Certificate;

bool same(const Certificate& a, const Certificate& b) {
  if (a.drills.size() != b.drills.size()) return false;
  for (std::size_t i = 0; i < a.drills.size(); ++i) {
    const auto& x = a.drills[i];
    const auto& y = b.drills[i];
    if (x.index != y.index || x.connector != y.connector || x.scenario != y.scenario ||
        x.seed != y.seed || x.verdict != y.verdict || x.report != y.report ||
        x.report_sha256 != y.report_sha256)
      return false;
  }
  return a.faultline_version == b.faultline_version && a.issued_at == b.issued_at &&
         a.verdict == b.verdict && a.complete == b.complete && a.shard_index == b.shard_index &&
         a.shard_count == b.shard_count && a.total_drills == b.total_drills && a.suite == b.suite &&
         a.policy == b.policy && a.scenarios == b.scenarios && a.connectors == b.connectors;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Certificate c;
  try {
    c = faultline::harness::readCertificate(text, "certificate.json");
  } catch (const faultline::scenarios::ConfigError& e) {
    faultline::fuzz::checkConfigError(e, "certificate.json");
    return 0;
  }
  if (c.shard_index < 1 || c.shard_index > c.shard_count) __builtin_trap();
  if (c.verdict != "passed" && c.verdict != "failed") __builtin_trap();
  // Strings the parser accepted are valid UTF-8, so writing never throws.
  const std::string again = faultline::harness::certificateJson(c).dump(2);
  if (!same(faultline::harness::readCertificate(again, "again.json"), c)) __builtin_trap();
  (void)faultline::harness::renderCertificateHtml(again);
  return 0;
}
