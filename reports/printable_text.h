#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace faultline::reports {

// Report text quotes connector output verbatim, so it may hold any bytes.
// The XML and Markdown writers pass it through these helpers before their own
// escaping. Pure functions; thread-safe.

// Returns `text` as valid UTF-8 holding only characters a reader can be shown
// and XML 1.0 can carry: every byte that does not start a well-formed UTF-8
// sequence (stray continuation bytes, truncated or overlong sequences,
// surrogates, code points above U+10FFFF), every control character other than
// tab, line feed and carriage return (U+0000-U+001F, U+007F-U+009F) and the
// non-characters U+FFFE and U+FFFF become U+FFFD. Other non-ASCII text passes
// through unchanged.
std::string printableUtf8(std::string_view text);

// printableUtf8, with each carriage return and line feed written as the two
// characters \r and \n, so that one quoted line of output stays one line.
std::string printableLine(std::string_view text);

// The longest prefix of `text` (valid UTF-8) of at most `max_bytes` bytes
// that does not split a character.
std::string_view cutUtf8(std::string_view text, std::size_t max_bytes);

// printableUtf8, escaped for XML and HTML: & < > " ' as references; in an
// attribute, tab and line feed as references too (a parser would turn them
// into spaces), and carriage return always (a parser would turn it into LF).
std::string escapeMarkup(std::string_view text, bool attribute);

}  // namespace faultline::reports
