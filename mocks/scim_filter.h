// SCIM 2.0 filters (RFC 7644 §3.4.2.2) and PATCH paths (RFC 7644 §3.5.2) for the mock SCIM
// server. Both arrive from connectors under test, so the parsers treat them as untrusted: nesting
// is capped at kMaxFilterNesting, nothing throws on bad input, and every error is one line of
// printable ASCII naming a byte offset, fit for the `detail` of a SCIM 400 response
// (scimType invalidFilter for filters, invalidPath for PATCH paths).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace faultline::mocks {

// Deepest accepted nesting of '(', 'not (' and '[' in one filter or path.
inline constexpr int kMaxFilterNesting = 64;

// A literal in a filter, or one value of a resource attribute. SCIM integers and decimals are both
// held as double: filters compare them by numeric value either way.
using FilterValue = std::variant<std::nullptr_t, bool, double, std::string>;

// One value of a resource attribute, with the RFC 7643 `caseExact` characteristic of its attribute
// (true for `id`, for example): when set, string comparisons honour case.
struct AttributeValue {
  FilterValue value;
  bool case_exact = false;
};

// What a filter is evaluated against: a resource, or one element of a multi-valued complex
// attribute. Paths arrive lower-cased, schema URN prefix stripped, e.g. "username",
// "name.givenname". A Filter holds no state of its own while matching, so one Filter may be
// evaluated from several threads when the sources it is given allow concurrent reads.
class AttributeSource {
 public:
  virtual ~AttributeSource() = default;

  // Every value of the attribute at `path`, empty when unassigned. For a multi-valued attribute a
  // comparison matches when any one value matches (RFC 7644 §3.4.2.2).
  virtual std::vector<AttributeValue> values(std::string_view path) const = 0;

  // One source per element of the complex attribute at `path`, for value paths such as
  // emails[type eq "work"]. For a dotted path like "emails.value" the evaluator also reads
  // values("value") of every element of "emails", so sources need not flatten sub-attributes.
  virtual std::vector<const AttributeSource*> elements(std::string_view /*path*/) const {
    return {};
  }
};

// An attribute path as named in a filter or PATCH path.
struct AttributePath {
  std::string schema_urn;  // as written, empty when not given: everything before the last ':'
  std::string name;        // lower-cased, without the URN: "username", "name.givenname"
  std::string spelling;    // as written, URN included, for messages
};

// A filter that is exactly `attribute eq "string"`, which the server may answer from an index.
// The value is as written: the index must still honour the attribute's caseExact.
struct SimpleEquality {
  AttributePath attribute;
  std::string value;
};

struct FilterNode;  // defined in scim_filter.cpp

// A parsed filter. Guarantees: immutable once built, so its const members may be called from any
// number of threads at once; evaluation recursion is bounded by kMaxFilterNesting, whatever the
// input.
class Filter {
 public:
  // Built by parseFilter and parsePatchPath from a non-null tree; FilterNode is opaque elsewhere.
  explicit Filter(std::unique_ptr<FilterNode> root);
  ~Filter();
  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;

  // True when `source` satisfies the filter. Inside a value path (and for a PATCH value filter),
  // paths are relative to one element: members[value eq "x"] asks each element for "value".
  // Strings compare ignoring ASCII case unless the value is caseExact; gt/ge/lt/le order strings
  // by byte after that folding and numbers numerically; a value of another type never matches.
  // `pr` needs a non-null, non-empty value or an element. Null and unassigned are the same
  // (RFC 7643 §2.5): `eq null` matches an unassigned attribute, `ne null` an assigned one, and
  // `ne "x"` matches an unassigned attribute too, agreeing with `not (attr eq "x")`.
  bool matches(const AttributeSource& source) const;

  // Every attribute the filter names, deduplicated, in order of first appearance, so the caller can
  // reject unknown ones with invalidFilter. Value-path conditions appear with their full path:
  // emails[type eq "work"] names "emails.type".
  const std::vector<AttributePath>& attributePaths() const { return paths_; }

  // Set when the whole filter is one `attribute eq "string"` comparison.
  std::optional<SimpleEquality> asSimpleEquality() const;

  // Canonical text: lower-cased attributes and operators, minimal parentheses, JSON-escaped
  // strings. It parses back to an equivalent filter; meant for logs and the drill journal.
  std::string toString() const;

 private:
  std::unique_ptr<FilterNode> root_;
  std::vector<AttributePath> paths_;
};

// Exactly one of `filter` and `error` is set.
struct FilterParse {
  std::unique_ptr<Filter> filter;
  std::string error;  // e.g. "unknown operator 'xx' at offset 9"; offsets count bytes from 0
};

// Parses RFC 7644 filter syntax. Keywords, operators and attribute names are case-insensitive,
// and so, leniently, are true/false/null; tokens may be separated by any run of spaces, tabs or
// line breaks. Rejected although the grammar admits them: gt/ge/lt/le with true, false or null
// (RFC 7644 makes booleans a 400) and co/sw/ew with a non-string.
FilterParse parseFilter(std::string_view text);

// A PATCH operation's target: attrPath, or valuePath with an optional ".subAttr".
//   "name.familyName"              attribute name.familyname
//   "members[value eq \"2819c\"]"  attribute members, value_filter over one member
//   "emails[type eq \"work\"].value"  attribute emails, value_filter, sub_attribute value
struct PatchPath {
  AttributePath attribute;
  std::unique_ptr<Filter> value_filter;  // the [...] part, if any; paths relative to an element
  std::string sub_attribute;             // lower-cased, after "]."; empty when absent

  // True when `element` (one value of `attribute`) is targeted: always without a value filter.
  bool selects(const AttributeSource& element) const;
};

// Exactly one of `path` and `error` is set.
struct PatchPathParse {
  std::optional<PatchPath> path;
  std::string error;
};

// Parses an RFC 7644 §3.5.2 PATH; the value filter follows parseFilter's rules. Errors are worded
// like parseFilter's and suit scimType invalidPath. A lone URN with no attribute cannot be told
// from one ending in an attribute ("...:2.0:User" reads as attribute "user"); schema checks catch
// it.
PatchPathParse parsePatchPath(std::string_view text);

// An in-memory AttributeSource: for tests, the fuzzer, and small lookups in the server such as one
// group member during PATCH remove members[value eq "x"]. Fill it, then only read it: concurrent
// reads are safe, writes are not.
class MapAttributeSource final : public AttributeSource {
 public:
  // Appends one value to the attribute at `path` (case-insensitive); repeat for multi-valued.
  MapAttributeSource& add(std::string_view path, FilterValue value, bool case_exact = false);
  // Appends an empty element to the complex attribute at `path` and returns it for filling.
  MapAttributeSource& addElement(std::string_view path);

  std::vector<AttributeValue> values(std::string_view path) const override;
  std::vector<const AttributeSource*> elements(std::string_view path) const override;

 private:
  std::map<std::string, std::vector<AttributeValue>, std::less<>> values_;
  std::map<std::string, std::vector<std::unique_ptr<MapAttributeSource>>, std::less<>> elements_;
};

}  // namespace faultline::mocks
