// Evaluation, canonical text and the in-memory attribute source of the SCIM
// filter; the parser is in scim_filter.cpp.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <iterator>
#include <set>

#include "mocks/scim_filter_node.h"

namespace faultline::mocks {
namespace filter_detail {
namespace {

bool hasValue(const AttributeValue& value) {
  if (std::holds_alternative<std::nullptr_t>(value.value)) return false;
  const auto* text = std::get_if<std::string>(&value.value);
  return text == nullptr || !text->empty();
}

// values(path), plus for "a.b" the "b" values of every element of "a": RFC 7644 lets
// emails.value match any email, and sources need not flatten complex attributes for that.
std::vector<AttributeValue> collectValues(const AttributeSource& source, std::string_view path) {
  std::vector<AttributeValue> found = source.values(path);
  const std::size_t dot = path.find('.');
  if (dot == std::string_view::npos) return found;
  for (const AttributeSource* element : source.elements(path.substr(0, dot))) {
    if (element == nullptr) continue;
    std::vector<AttributeValue> more = element->values(path.substr(dot + 1));
    std::move(more.begin(), more.end(), std::back_inserter(found));
  }
  return found;
}

bool isPresent(const AttributeSource& source, std::string_view path) {
  const std::vector<AttributeValue> found = collectValues(source, path);
  return std::any_of(found.begin(), found.end(), hasValue) || !source.elements(path).empty();
}

template <typename T>
bool compareOrdered(Op op, const T& a, const T& b) {
  switch (op) {
    case Op::Eq:
      return a == b;
    case Op::Ne:
      return a != b;
    case Op::Gt:
      return a > b;
    case Op::Ge:
      return a >= b;
    case Op::Lt:
      return a < b;
    case Op::Le:
      return a <= b;
    default:
      return false;
  }
}

bool compareStrings(Op op, const std::string& attribute, const std::string& literal,
                    bool case_exact) {
  const std::string a = case_exact ? attribute : toLowerAscii(attribute);
  const std::string b = case_exact ? literal : toLowerAscii(literal);
  switch (op) {
    case Op::Co:
      return a.find(b) != std::string::npos;
    case Op::Sw:
      return a.starts_with(b);
    case Op::Ew:
      return a.ends_with(b);
    default:
      return compareOrdered(op, a, b);
  }
}

// One attribute value against the literal; values of another JSON type never match.
bool compareValue(Op op, const AttributeValue& attribute, const FilterValue& literal) {
  if (attribute.value.index() != literal.index()) return false;
  if (const auto* text = std::get_if<std::string>(&attribute.value)) {
    return compareStrings(op, *text, std::get<std::string>(literal), attribute.case_exact);
  }
  if (const auto* number = std::get_if<double>(&attribute.value)) {
    return compareOrdered(op, *number, std::get<double>(literal));
  }
  if (const auto* flag = std::get_if<bool>(&attribute.value)) {
    return (op == Op::Eq || op == Op::Ne) && compareOrdered(op, *flag, std::get<bool>(literal));
  }
  return false;
}

bool matchesComparison(const FilterNode& node, const AttributeSource& source) {
  const std::string& path = node.attribute.name;
  if (node.op == Op::Pr) return isPresent(source, path);
  // RFC 7643 §2.5 holds null and unassigned equivalent, so "eq null" asks for absence.
  if (std::holds_alternative<std::nullptr_t>(node.literal)) {
    return (node.op == Op::Eq) != isPresent(source, path);
  }
  bool assigned = false;
  for (const AttributeValue& value : collectValues(source, path)) {
    if (std::holds_alternative<std::nullptr_t>(value.value)) continue;
    assigned = true;
    if (compareValue(node.op, value, node.literal)) return true;
  }
  // An unassigned attribute is not identical to any value, so "ne" matches it; this keeps
  // `x ne "a"` and `not (x eq "a")` in agreement for single-valued attributes.
  return node.op == Op::Ne && !assigned;
}

}  // namespace

bool matchesNode(const FilterNode& node, const AttributeSource& source) {
  switch (node.kind) {
    case Kind::And:
      return std::all_of(node.children.begin(), node.children.end(),
                         [&](const NodePtr& child) { return matchesNode(*child, source); });
    case Kind::Or:
      return std::any_of(node.children.begin(), node.children.end(),
                         [&](const NodePtr& child) { return matchesNode(*child, source); });
    case Kind::Not:
      return !matchesNode(*node.children.front(), source);
    case Kind::ValuePath:
      for (const AttributeSource* element : source.elements(node.attribute.name)) {
        if (element != nullptr && matchesNode(*node.children.front(), *element)) return true;
      }
      return false;
    case Kind::Compare:
      return matchesComparison(node, source);
  }
  return false;
}

// ---- canonical text ----

namespace {

std::string pathText(const AttributePath& path) {
  return path.schema_urn.empty() ? path.name : path.schema_urn + ":" + path.name;
}

void appendLiteral(std::string& out, const FilterValue& literal) {
  if (std::holds_alternative<std::nullptr_t>(literal)) {
    out += "null";
  } else if (const auto* flag = std::get_if<bool>(&literal)) {
    out += *flag ? "true" : "false";
  } else if (const auto* number = std::get_if<double>(&literal)) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, *number);
    out.append(buffer, result.ptr);
  } else {
    out += '"';
    for (const char c : std::get<std::string>(literal)) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[7];
        std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
        out += escaped;
      } else {
        out += c;
      }
    }
    out += '"';
  }
}

}  // namespace

void appendNode(std::string& out, const FilterNode& node) {
  switch (node.kind) {
    case Kind::And:
    case Kind::Or:
      for (std::size_t i = 0; i < node.children.size(); ++i) {
        if (i > 0) out += node.kind == Kind::And ? " and " : " or ";
        // Only an Or under an And needs parentheses: "not" always has its own.
        const bool group = node.kind == Kind::And && node.children[i]->kind == Kind::Or;
        if (group) out += '(';
        appendNode(out, *node.children[i]);
        if (group) out += ')';
      }
      return;
    case Kind::Not:
      out += "not (";
      appendNode(out, *node.children.front());
      out += ')';
      return;
    case Kind::ValuePath:
      out += pathText(node.attribute) + "[";
      appendNode(out, *node.children.front());
      out += ']';
      return;
    case Kind::Compare:
      out += pathText(node.attribute) + " " +
             std::string(kOperatorNames[static_cast<std::size_t>(node.op)]);
      if (node.op != Op::Pr) {
        out += ' ';
        appendLiteral(out, node.literal);
      }
      return;
  }
}

void collectPaths(const FilterNode& node, const AttributePath* outer,
                  std::set<std::pair<std::string, std::string>>& seen,
                  std::vector<AttributePath>& paths) {
  if (node.kind == Kind::ValuePath) {
    collectPaths(*node.children.front(), &node.attribute, seen, paths);
    return;
  }
  if (node.kind != Kind::Compare) {
    for (const NodePtr& child : node.children) collectPaths(*child, outer, seen, paths);
    return;
  }
  AttributePath path = node.attribute;
  if (outer != nullptr) {
    path = {outer->schema_urn, outer->name + "." + path.name,
            outer->spelling + "." + path.spelling};
  }
  if (seen.emplace(path.schema_urn, path.name).second) paths.push_back(std::move(path));
}

}  // namespace filter_detail

using namespace filter_detail;

Filter::Filter(std::unique_ptr<FilterNode> root) : root_(std::move(root)) {
  std::set<std::pair<std::string, std::string>> seen;
  collectPaths(*root_, nullptr, seen, paths_);
}

Filter::~Filter() = default;
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;

bool Filter::matches(const AttributeSource& source) const {
  return matchesNode(*root_, source);
}

std::optional<SimpleEquality> Filter::asSimpleEquality() const {
  const auto* value = std::get_if<std::string>(&root_->literal);
  if (root_->kind != Kind::Compare || root_->op != Op::Eq || value == nullptr) return std::nullopt;
  return SimpleEquality{root_->attribute, *value};
}

std::string Filter::toString() const {
  std::string out;
  appendNode(out, *root_);
  return out;
}

bool PatchPath::selects(const AttributeSource& element) const {
  return value_filter == nullptr || value_filter->matches(element);
}

MapAttributeSource& MapAttributeSource::add(std::string_view path, FilterValue value,
                                            bool case_exact) {
  values_[toLowerAscii(path)].push_back({std::move(value), case_exact});
  return *this;
}

MapAttributeSource& MapAttributeSource::addElement(std::string_view path) {
  auto& list = elements_[toLowerAscii(path)];
  list.push_back(std::make_unique<MapAttributeSource>());
  return *list.back();
}

std::vector<AttributeValue> MapAttributeSource::values(std::string_view path) const {
  const auto it = values_.find(toLowerAscii(path));
  return it == values_.end() ? std::vector<AttributeValue>{} : it->second;
}

std::vector<const AttributeSource*> MapAttributeSource::elements(std::string_view path) const {
  std::vector<const AttributeSource*> out;
  const auto it = elements_.find(toLowerAscii(path));
  if (it != elements_.end()) {
    for (const auto& element : it->second) out.push_back(element.get());
  }
  return out;
}

}  // namespace faultline::mocks