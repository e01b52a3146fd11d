#include "mocks/scim_filter.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <set>
#include <system_error>
#include <utility>

#include "mocks/scim_filter_node.h"

namespace faultline::mocks {

using namespace filter_detail;

namespace filter_detail {

std::string toLowerAscii(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lowerAscii);
  return out;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return lowerAscii(x) == lowerAscii(y);
         });
}

}  // namespace filter_detail

namespace {

// Error messages echo input; long tokens are cut so a hostile filter cannot bloat the response.
constexpr std::size_t kMaxQuotedBytes = 40;
bool isAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool isDelimiter(char c) {
  return isSpace(c) || c == '(' || c == ')' || c == '[' || c == ']' || c == '"';
}

// RFC 7643 §2.1 ATTRNAME, plus "$ref", which the core schema uses for references.
bool isAttributeName(std::string_view name) {
  if (equalsIgnoreCase(name, "$ref")) return true;
  if (name.empty() || !isAlpha(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(),
                     [](char c) { return isAlpha(c) || isDigit(c) || c == '-' || c == '_'; });
}

bool isSchemaUrn(std::string_view urn) {
  return urn.size() > 4 && equalsIgnoreCase(urn.substr(0, 4), "urn:") &&
         std::all_of(urn.begin(), urn.end(), [](char c) {
           return isAlpha(c) || isDigit(c) || c == ':' || c == '.' || c == '-' || c == '_';
         });
}

// Messages end up in JSON error bodies, where a stray invalid UTF-8 byte would make the server's
// serializer throw, so anything outside printable ASCII is shown as \xNN.
std::string quote(std::string_view text) {
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kMaxQuotedBytes; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7f) {
      out += static_cast<char>(byte);
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      out += escaped;
    }
  }
  if (text.size() > kMaxQuotedBytes) out += "...";
  return out + "'";
}

std::string at(std::size_t offset) {
  return " at offset " + std::to_string(offset);
}

std::optional<Op> lookupOperator(std::string_view word) {
  for (std::size_t i = 0; i < kOperatorNames.size(); ++i) {
    if (equalsIgnoreCase(word, kOperatorNames[i])) return static_cast<Op>(i);
  }
  return std::nullopt;
}

void appendUtf8(std::string& out, char32_t cp) {
  auto put = [&out](unsigned value) { out += static_cast<char>(value); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
}

// The JSON number grammar (RFC 8259 §6); std::from_chars alone would also take "1." or "inf".
bool isJsonNumber(std::string_view word) {
  std::size_t i = 0;
  auto skipDigits = [&] {
    const std::size_t start = i;
    while (i < word.size() && isDigit(word[i])) ++i;
    return i > start;
  };
  auto skipIf = [&](char a, char b) {
    const bool match = i < word.size() && (word[i] == a || word[i] == b);
    if (match) ++i;
    return match;
  };
  skipIf('-', '-');
  if (!skipIf('0', '0') && !skipDigits()) return false;
  if (skipIf('.', '.') && !skipDigits()) return false;
  if (skipIf('e', 'E')) {
    skipIf('+', '-');
    if (!skipDigits()) return false;
  }
  return i == word.size();
}

// Recursive descent over RFC 7644's grammar. Only the first error is kept; after it every step
// unwinds. Grammar recursion happens only at '(' and '[', which enter() counts and caps.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  NodePtr parseWholeFilter();
  bool parseWholePatchPath(PatchPath& path);
  std::string takeError() { return std::move(error_); }

 private:
  NodePtr parseOr(bool in_value_path);
  NodePtr parseAnd(bool in_value_path);
  NodePtr parseUnary(bool in_value_path);
  NodePtr parseGroup(bool in_value_path);
  NodePtr parseNot(bool in_value_path);
  NodePtr parseAttributeExpression(bool in_value_path);
  NodePtr parseBracketFilter(bool in_value_path);
  bool parseAttributePath(AttributePath& path);
  bool parseValue(Op op, std::string_view op_word, FilterValue& value);
  bool parseBareValue(FilterValue& value);
  bool parseString(std::string& out);
  bool parseEscape(std::string& out, std::size_t string_start);
  bool parseUnicodeEscape(std::string& out);
  std::optional<char32_t> readHex4(std::size_t offset) const;
  bool expectCloser(char closer, std::size_t open_offset);
  bool enter(std::size_t offset);

  bool atEnd() const { return pos_ >= text_.size(); }
  void skipSpaces() {
    while (!atEnd() && isSpace(text_[pos_])) ++pos_;
  }
  bool nextIs(char c) const { return !atEnd() && text_[pos_] == c; }
  // The maximal run of non-delimiter bytes at the cursor: an attribute path, keyword or literal.
  std::string_view peekWord() const;
  std::string found() const;
  // Only the first error is kept; both return what a failed step returns, for `return fail(...)`.
  std::nullptr_t fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return nullptr;
  }
  bool reject(std::string message) {
    fail(std::move(message));
    return false;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::string error_;
};

std::string_view Parser::peekWord() const {
  std::size_t end = pos_;
  while (end < text_.size() && !isDelimiter(text_[end])) ++end;
  return text_.substr(pos_, end - pos_);
}

std::string Parser::found() const {
  if (atEnd()) return "end of input";
  const std::string_view word = peekWord();
  return quote(word.empty() ? text_.substr(pos_, 1) : word);
}

bool Parser::enter(std::size_t offset) {
  if (++depth_ > kMaxFilterNesting) {
    return reject("filter nests deeper than " + std::to_string(kMaxFilterNesting) + " levels" +
                  at(offset));
  }
  return true;
}

bool Parser::expectCloser(char closer, std::size_t open_offset) {
  skipSpaces();
  if (atEnd()) {
    return reject(std::string("missing '") + closer + "' for the '" + text_[open_offset] + "'" +
                  at(open_offset));
  }
  if (!nextIs(closer)) {
    return reject(std::string("expected 'and', 'or' or '") + closer + "'" + at(pos_) + ", found " +
                  found());
  }
  ++pos_;
  --depth_;
  return true;
}

NodePtr Parser::parseWholeFilter() {
  skipSpaces();
  if (atEnd()) return fail("filter is empty");
  NodePtr root = parseOr(false);
  if (!root) return nullptr;
  skipSpaces();
  if (nextIs(')') || nextIs(']')) {
    return fail("unexpected " + quote(text_.substr(pos_, 1)) + at(pos_));
  }
  if (!atEnd()) {
    return fail("expected 'and', 'or' or end of input" + at(pos_) + ", found " + found());
  }
  return root;
}

// And/Or nodes are n-ary and absorb children of their own kind, so long chains stay shallow.
NodePtr combine(Kind kind, std::vector<NodePtr> operands) {
  if (operands.size() == 1) return std::move(operands.front());
  auto node = std::make_unique<FilterNode>();
  node->kind = kind;
  for (NodePtr& operand : operands) {
    if (operand->kind == kind) {
      for (NodePtr& grandchild : operand->children) node->children.push_back(std::move(grandchild));
    } else {
      node->children.push_back(std::move(operand));
    }
  }
  return node;
}

NodePtr Parser::parseOr(bool in_value_path) {
  std::vector<NodePtr> operands;
  while (true) {
    NodePtr operand = parseAnd(in_value_path);
    if (!operand) return nullptr;
    operands.push_back(std::move(operand));
    skipSpaces();
    if (!equalsIgnoreCase(peekWord(), "or")) break;
    pos_ += 2;
  }
  return combine(Kind::Or, std::move(operands));
}

NodePtr Parser::parseAnd(bool in_value_path) {
  std::vector<NodePtr> operands;
  while (true) {
    NodePtr operand = parseUnary(in_value_path);
    if (!operand) return nullptr;
    operands.push_back(std::move(operand));
    skipSpaces();
    if (!equalsIgnoreCase(peekWord(), "and")) break;
    pos_ += 3;
  }
  return combine(Kind::And, std::move(operands));
}

NodePtr Parser::parseUnary(bool in_value_path) {
  skipSpaces();
  if (nextIs('(')) return parseGroup(in_value_path);
  const std::string_view word = peekWord();
  if (word.empty()) return fail("expected an attribute path" + at(pos_) + ", found " + found());
  // "not" is always the operator: no SCIM schema has an attribute of that name.
  if (equalsIgnoreCase(word, "not")) return parseNot(in_value_path);
  return parseAttributeExpression(in_value_path);
}

NodePtr Parser::parseGroup(bool in_value_path) {
  const std::size_t open = pos_++;
  if (!enter(open)) return nullptr;
  NodePtr inner = parseOr(in_value_path);
  if (!inner || !expectCloser(')', open)) return nullptr;
  return inner;
}

NodePtr Parser::parseNot(bool in_value_path) {
  pos_ += 3;
  skipSpaces();
  if (!nextIs('(')) return fail("expected '(' after 'not'" + at(pos_));
  NodePtr inner = parseGroup(in_value_path);
  if (!inner) return nullptr;
  auto node = std::make_unique<FilterNode>();
  node->kind = Kind::Not;
  node->children.push_back(std::move(inner));
  return node;
}

NodePtr Parser::parseBracketFilter(bool in_value_path) {
  // RFC 7644's valFilter holds only attrExp and logExp, so a value path cannot contain another.
  if (in_value_path) return fail("value paths cannot be nested" + at(pos_));
  const std::size_t open = pos_++;
  if (!enter(open)) return nullptr;
  NodePtr inner = parseOr(true);
  if (!inner || !expectCloser(']', open)) return nullptr;
  return inner;
}

NodePtr Parser::parseAttributeExpression(bool in_value_path) {
  const std::string_view path_word = peekWord();
  auto node = std::make_unique<FilterNode>();
  if (!parseAttributePath(node->attribute)) return nullptr;
  if (nextIs('[')) {
    NodePtr inner = parseBracketFilter(in_value_path);
    if (!inner) return nullptr;
    node->kind = Kind::ValuePath;
    node->children.push_back(std::move(inner));
    return node;
  }
  skipSpaces();
  const std::string_view op_word = peekWord();
  if (op_word.empty()) {
    return fail("expected a comparison operator after " + quote(path_word) + at(pos_));
  }
  const std::optional<Op> op = lookupOperator(op_word);
  if (!op) return fail("unknown operator " + quote(op_word) + at(pos_));
  pos_ += op_word.size();
  node->op = *op;
  if (*op != Op::Pr && !parseValue(*op, op_word, node->literal)) return nullptr;
  return node;
}

bool Parser::parseAttributePath(AttributePath& path) {
  const std::size_t start = pos_;
  const std::string_view word = peekWord();
  const std::size_t colon = word.rfind(':');
  std::string_view attribute = word;
  if (colon != std::string_view::npos) {
    attribute = word.substr(colon + 1);
    if (!isSchemaUrn(word.substr(0, colon))) {
      return reject("invalid schema URN " + quote(word.substr(0, colon)) + at(start));
    }
    if (attribute.empty()) {
      return reject("expected an attribute name after the schema URN" + at(start + colon + 1));
    }
    path.schema_urn = std::string(word.substr(0, colon));
  }
  const std::size_t dot = attribute.find('.');
  const bool valid = dot == std::string_view::npos ? isAttributeName(attribute)
                                                   : isAttributeName(attribute.substr(0, dot)) &&
                                                         isAttributeName(attribute.substr(dot + 1));
  if (!valid) return reject("invalid attribute path " + quote(word) + at(start));
  path.name = toLowerAscii(attribute);
  path.spelling = std::string(word);
  pos_ += word.size();
  return true;
}

bool Parser::parseValue(Op op, std::string_view op_word, FilterValue& value) {
  skipSpaces();
  const std::size_t start = pos_;
  if (atEnd()) return reject("expected a value after " + quote(op_word) + at(pos_));
  if (nextIs('"')) {
    std::string text;
    if (!parseString(text)) return false;
    value = std::move(text);
  } else if (!parseBareValue(value)) {
    return false;
  }
  const bool is_string = std::holds_alternative<std::string>(value);
  const bool ordering = op == Op::Gt || op == Op::Ge || op == Op::Lt || op == Op::Le;
  // RFC 7644 makes gt/ge/lt/le on booleans a 400; substrings of non-strings mean nothing.
  if (ordering && !is_string && !std::holds_alternative<double>(value)) {
    return reject("operator " + quote(op_word) + " needs a string or number value" + at(start));
  }
  if ((op == Op::Co || op == Op::Sw || op == Op::Ew) && !is_string) {
    return reject("operator " + quote(op_word) + " needs a string value" + at(start));
  }
  return true;
}

bool Parser::parseBareValue(FilterValue& value) {
  const std::size_t start = pos_;
  const std::string_view word = peekWord();
  if (word.empty()) return reject("expected a value" + at(pos_) + ", found " + found());
  pos_ += word.size();
  if (equalsIgnoreCase(word, "true") || equalsIgnoreCase(word, "false")) {
    value = equalsIgnoreCase(word, "true");
    return true;
  }
  if (equalsIgnoreCase(word, "null")) {
    value = nullptr;
    return true;
  }
  if (word[0] != '-' && !isDigit(word[0])) {
    return reject("invalid value " + quote(word) + at(start) +
                  " (strings must be in double quotes)");
  }
  if (!isJsonNumber(word)) return reject("invalid number " + quote(word) + at(start));
  double number = 0;
  const auto result = std::from_chars(word.data(), word.data() + word.size(), number);
  if (result.ec != std::errc()) {
    return reject("number " + quote(word) + " is out of range" + at(start));
  }
  value = number;
  return true;
}

bool Parser::parseString(std::string& out) {
  const std::size_t start = pos_++;
  while (!atEnd()) {
    const char c = text_[pos_];
    if (c == '"') {
      ++pos_;
      return true;
    }
    if (c == '\\') {
      if (!parseEscape(out, start)) return false;
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      return reject("unescaped control character in string" + at(pos_));
    }
    out += c;
    ++pos_;
  }
  return reject("unterminated string starting" + at(start));
}

bool Parser::parseEscape(std::string& out, std::size_t string_start) {
  if (pos_ + 1 >= text_.size()) return reject("unterminated string starting" + at(string_start));
  static constexpr std::string_view kFrom = "\"\\/bfnrt";
  static constexpr std::string_view kTo = "\"\\/\b\f\n\r\t";
  const char kind = text_[pos_ + 1];
  if (kind == 'u') return parseUnicodeEscape(out);
  const std::size_t index = kFrom.find(kind);
  if (index == std::string_view::npos) {
    return reject("invalid escape " + quote(text_.substr(pos_, 2)) + at(pos_));
  }
  out += kTo[index];
  pos_ += 2;
  return true;
}

std::optional<char32_t> Parser::readHex4(std::size_t offset) const {
  if (offset + 4 > text_.size()) return std::nullopt;
  char32_t value = 0;
  for (std::size_t i = offset; i < offset + 4; ++i) {
    const char c = lowerAscii(text_[i]);
    const int digit = isDigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<char32_t>(digit);
  }
  return value;
}

bool Parser::parseUnicodeEscape(std::string& out) {
  const std::size_t escape = pos_;
  const std::optional<char32_t> unit = readHex4(pos_ + 2);
  if (!unit) return reject("invalid \\u escape" + at(escape));
  pos_ += 6;
  char32_t cp = *unit;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return reject("unpaired surrogate in \\u escape" + at(escape));
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    // JSON spells characters beyond the BMP as a UTF-16 pair of escapes; half a pair is not text.
    const bool pair_follows = text_.substr(pos_, 2) == "\\u";
    const std::optional<char32_t> low = pair_follows ? readHex4(pos_ + 2) : std::nullopt;
    if (!low || *low < 0xDC00 || *low > 0xDFFF) {
      return reject("unpaired surrogate in \\u escape" + at(escape));
    }
    cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
    pos_ += 6;
  }
  appendUtf8(out, cp);
  return true;
}

bool Parser::parseWholePatchPath(PatchPath& path) {
  skipSpaces();
  if (atEnd()) return reject("path is empty");
  if (peekWord().empty()) {
    return reject("expected an attribute path" + at(pos_) + ", found " + found());
  }
  if (!parseAttributePath(path.attribute)) return false;
  if (nextIs('[')) {
    NodePtr inner = parseBracketFilter(false);
    if (!inner) return false;
    path.value_filter = std::make_unique<Filter>(std::move(inner));
    if (nextIs('.')) {
      const std::string_view sub = peekWord();
      if (!isAttributeName(sub.substr(1))) {
        return reject("invalid sub-attribute " + quote(sub) + at(pos_));
      }
      path.sub_attribute = toLowerAscii(sub.substr(1));
      pos_ += sub.size();
    }
  }
  skipSpaces();
  if (!atEnd()) return reject("expected end of path" + at(pos_) + ", found " + found());
  return true;
}

}  // namespace

FilterParse parseFilter(std::string_view text) {
  Parser parser(text);
  NodePtr root = parser.parseWholeFilter();
  if (!root) return {nullptr, parser.takeError()};
  return {std::make_unique<Filter>(std::move(root)), ""};
}

PatchPathParse parsePatchPath(std::string_view text) {
  Parser parser(text);
  PatchPath path;
  if (!parser.parseWholePatchPath(path)) return {std::nullopt, parser.takeError()};
  return {std::move(path), ""};
}

}  // namespace faultline::mocks
