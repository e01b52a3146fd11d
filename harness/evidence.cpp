#include "harness/evidence.h"

#include <algorithm>
#include <string_view>

#include <nlohmann/json.hpp>

namespace faultline::harness {

std::string journalToJsonLines(const std::vector<mocks::JournalEntry>& entries) {
  std::string out;
  for (const auto& e : entries) out += mocks::journalLine(e) + "\n";
  return out;
}

std::string formatJournalEntry(const mocks::JournalEntry& e) {
  std::string line =
      "#" + std::to_string(e.seq) + " +" + std::to_string(e.t_ms) + "ms " + e.method + " " + e.path;
  if (!e.query.empty()) line += "?" + e.query;
  line += " -> " + std::to_string(e.status) + " " + std::to_string(e.bytes_out) + "B";
  if (!e.token_id.empty()) line += " " + e.token_id;
  if (!e.note.empty()) line += " [" + e.note + "]";
  return line;
}

std::vector<std::string> journalEvidence(
    const std::vector<mocks::JournalEntry>& entries,
    const std::function<bool(const mocks::JournalEntry&)>& keep, std::size_t limit) {
  std::vector<std::string> out;
  std::size_t matched = 0;
  for (const auto& e : entries) {
    if (!keep(e)) continue;
    if (++matched <= limit) out.push_back(formatJournalEntry(e));
  }
  if (matched > limit) out.push_back("... and " + std::to_string(matched - limit) + " more");
  return out;
}

std::string redactSecrets(std::string text, const std::vector<std::string>& secrets) {
  static constexpr std::string_view kMarker = "<redacted>";
  for (const auto& secret : secrets) {
    if (secret.size() < 8) continue;
    // Search on after the marker: a secret that occurs inside the marker
    // itself would otherwise be found again forever.
    for (auto pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + kMarker.size())) {
      text.replace(pos, secret.size(), kMarker);
    }
  }
  return text;
}

std::vector<std::string> tailLines(const std::string& text, std::size_t lines,
                                   const std::vector<std::string>& secrets) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  // A final newline ends the last line rather than starting an empty one;
  // every other newline separates two lines, blank ones included.
  std::size_t end = text.back() == '\n' ? text.size() - 1 : text.size();
  while (out.size() < lines) {
    const auto start = end == 0 ? std::string::npos : text.rfind('\n', end - 1);
    const std::size_t from = start == std::string::npos ? 0 : start + 1;
    // Redacted before it is cut, so that a secret across the cut cannot leave its first half;
    // only a window the cut can reach is searched, as a line may be megabytes long.
    std::size_t window = 500;
    for (const auto& secret : secrets) window = std::max(window, 500 + secret.size());
    const std::string line = text.substr(from, std::min(end - from, window));
    out.insert(out.begin(), redactSecrets(line, secrets).substr(0, 500));
    if (start == std::string::npos) break;
    end = start;
  }
  return out;
}

}  // namespace faultline::harness
