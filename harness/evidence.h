#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mocks/journal.h"

namespace faultline::harness {

// One journal entry as a line of evidence:
// "#12 +340ms GET /scim/v2/Users?startIndex=1&count=100 -> 200 41234B tok-1".
std::string formatJournalEntry(const mocks::JournalEntry& entry);

// Journal lines of the entries that satisfy `keep`, at most `limit`.
std::vector<std::string> journalEvidence(
    const std::vector<mocks::JournalEntry>& entries,
    const std::function<bool(const mocks::JournalEntry&)>& keep, std::size_t limit = 20);

// The journal file's format (docs/journal-format.md); each line carries it.
inline constexpr int kJournalFormat = mocks::kJournalFormat;

// The whole journal as JSON Lines (docs/journal-format.md), one entry a line.
std::string journalToJsonLines(const std::vector<mocks::JournalEntry>& entries);

// Replaces every occurrence of each secret with "<redacted>". Secrets shorter
// than 8 characters are ignored (they would redact ordinary words).
std::string redactSecrets(std::string text, const std::vector<std::string>& secrets);

// The last `lines` lines of `text`, redacted.
std::vector<std::string> tailLines(const std::string& text, std::size_t lines,
                                   const std::vector<std::string>& secrets);

}  // namespace faultline::harness
