// libFuzzer target for the journal reader behind the HTML report: a journal
// file (JSON Lines) is read back from disk, where anything may have happened
// to it. Any input ends in points or a runtime_error naming the line; points
// that load hold values in their documented ranges and render as HTML.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "reports/html_report.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto points = faultline::reports::parseJournalLines(text, "j.jsonl");
    for (const auto& p : points) {
      if (p.t_ms < 0 || p.status < 0 || p.status > 999) __builtin_trap();
    }
    const std::string html =
        faultline::reports::renderHtmlReport(faultline::reports::Report{}, points);
    if (html.find("</html>") == std::string::npos) __builtin_trap();
  } catch (const std::runtime_error& e) {
    if (std::string_view(e.what()).rfind("j.jsonl:", 0) != 0) __builtin_trap();
  }
  return 0;
}
