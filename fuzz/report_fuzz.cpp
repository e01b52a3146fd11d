// libFuzzer target for the report reader behind `faultline compare`: reports
// are files anyone can hand-edit or truncate. The input is loaded the way
// the command line loads it, then compared with itself and with a fixed
// report of the same drill. Anything but a Comparison or a runtime_error
// (ConfigError is one) escapes and is reported; a report compared with
// itself has no new or vanished findings.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include <nlohmann/json.hpp>

#include "reports/compare.h"
#include "scenarios/json_reader.h"

namespace {

const nlohmann::json& fixedReport() {
  static const nlohmann::json kReport = nlohmann::json::parse(
      R"({"faultline_report":1,"scenario":{"name":"d"},"seed":7,"verdict":"failed",)"
      R"("operations":[{"label":"sync-1","declared_status":"complete","amplification":2.0,)"
      R"("completeness":[{"type":"account","recall":0.5,"precision":1.0}],)"
      R"("revocations":[{"outcome":"confirmed"},{"outcome":"unreported"}]}],)"
      R"("findings":[{"id":"silent-loss","severity":"error","operation":"sync-1",)"
      R"("metric":"completeness.accounts","title":"t","detail":"d"}]})");
  return kReport;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nlohmann::json doc;
  try {
    doc = faultline::scenarios::parseJsonDocument(text, "r.json");
  } catch (const faultline::scenarios::ConfigError& e) {
    if (e.issues().empty()) __builtin_trap();
    return 0;
  }
  try {
    const auto self = faultline::reports::compareReports(doc, doc, {}, "a.json", "b.json");
    for (const auto& c : self.changes) {
      if (c.metric == "finding") __builtin_trap();
    }
    faultline::reports::renderComparison(self);
  } catch (const std::runtime_error& e) {
    if (std::string_view(e.what()).empty()) __builtin_trap();
  }
  try {
    const auto c = faultline::reports::compareReports(fixedReport(), doc, {}, "a.json", "b.json");
    faultline::reports::renderComparison(c);
  } catch (const std::runtime_error& e) {
    if (std::string_view(e.what()).empty()) __builtin_trap();
  }
  return 0;
}
