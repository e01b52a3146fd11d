#include "reports/compare.h"

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "reports/wording.h"

namespace faultline::reports {
namespace {

using nlohmann::json;

// What compare reads of one report, typed. Reports are untrusted files
// (hand-edited, truncated, written by another tool), so they are read once,
// with every type checked, and nothing after this touches the JSON again.
struct MeasureView {
  std::string name;
  double value = 0;
};

struct FindingView {
  std::string id, severity, operation, metric, title, detail;
  std::vector<MeasureView> measures;  // none in a report older than minor 5
};

struct TypeView {
  std::string type;
  double recall = 1.0, precision = 1.0;
};

struct OperationView {
  std::string label, declared_status;
  std::vector<TypeView> completeness;
  std::map<std::string, int> outcomes;  // revocation outcome -> count
  std::optional<double> amplification;
};

struct ReportView {
  std::string scenario, verdict, seed;
  std::vector<OperationView> operations;
  std::vector<FindingView> findings;
};

// Reads members of a report, recording every wrong type as
// `name:/pointer: must be ..., got ...` and throwing them all at the end.
class ReportReader {
 public:
  explicit ReportReader(const std::string& name) : name_(name) {}

  // The member, or null when it is absent (recorded when required) or when
  // it fails `is` (recorded as "must be `what`").
  const json* member(const json& object, const std::string& pointer, const char* key,
                     bool (json::*is)() const noexcept, const char* what, bool required = false) {
    const auto it = object.find(key);
    if (it == object.end()) {
      if (required) fail(pointer + "/" + key, "missing; is this a faultline report?");
      return nullptr;
    }
    if (!((*it).*is)()) {
      fail(pointer + "/" + key, std::string("must be ") + what + ", got " + shown(*it));
      return nullptr;
    }
    return &*it;
  }

  std::string text(const json& object, const std::string& pointer, const char* key,
                   bool required = false) {
    const json* v = member(object, pointer, key, &json::is_string, "a string", required);
    return v == nullptr ? "" : v->get<std::string>();
  }

  std::optional<double> number(const json& object, const std::string& pointer, const char* key) {
    const json* v = member(object, pointer, key, &json::is_number, "a number");
    return v == nullptr ? std::nullopt : std::optional(v->get<double>());
  }

  // Each element of the array member `key` that is an object, with its pointer.
  template <typename Read>
  void objects(const json& object, const std::string& pointer, const char* key, bool required,
               Read read) {
    const json* array = member(object, pointer, key, &json::is_array, "an array", required);
    if (array == nullptr) return;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const std::string p = pointer + "/" + key + "/" + std::to_string(i);
      if (!(*array)[i].is_object()) {
        fail(p, "must be an object, got " + shown((*array)[i]));
        continue;
      }
      read((*array)[i], p);
    }
  }

  void fail(const std::string& pointer, const std::string& message) {
    ++failures_;
    // A malformed report can be wrong millions of times; a few lines say enough.
    if (failures_ <= kMaxShown)
      problems_ += (problems_.empty() ? "" : "\n") + name_ + ":" + pointer + ": " + message;
  }

  void throwIfFailed() const {
    if (failures_ == 0) return;
    std::string out = problems_;
    if (failures_ > kMaxShown)
      out += "\n" + name_ + ": and " + counted(failures_ - kMaxShown, "more problem");
    throw std::runtime_error(out);
  }

 private:
  static constexpr std::size_t kMaxShown = 20;

  static std::string shown(const json& v) {
    if (v.is_string()) return "a string";
    if (v.is_object()) return "an object";
    if (v.is_array()) return "an array";
    return v.dump();
  }

  const std::string& name_;
  std::string problems_;
  std::size_t failures_ = 0;
};

OperationView readOperation(ReportReader& in, const json& op, const std::string& p) {
  OperationView o;
  o.label = in.text(op, p, "label");
  o.declared_status = in.text(op, p, "declared_status");
  in.objects(op, p, "completeness", false, [&](const json& t, const std::string& tp) {
    o.completeness.push_back({in.text(t, tp, "type"), in.number(t, tp, "recall").value_or(1.0),
                              in.number(t, tp, "precision").value_or(1.0)});
  });
  in.objects(op, p, "revocations", false, [&](const json& r, const std::string& rp) {
    ++o.outcomes[in.text(r, rp, "outcome")];
  });
  o.amplification = in.number(op, p, "amplification");
  return o;
}

ReportView readReport(const json& r, const std::string& name) {
  if (!r.is_object()) throw std::runtime_error(name + ": not a JSON object");
  ReportReader in(name);
  const json* version = in.member(r, "", "faultline_report", &json::is_primitive, "a number", true);
  in.throwIfFailed();
  if (!version->is_number_integer() || *version != 1) {
    throw std::runtime_error(name + ":/faultline_report: report format " + version->dump() +
                             "; this faultline compares format 1");
  }
  ReportView v;
  if (const json* s = in.member(r, "", "scenario", &json::is_object, "an object", true))
    v.scenario = in.text(*s, "/scenario", "name", true);
  if (const json* seed =
          in.member(r, "", "seed", &json::is_number_integer, "an integer in [0, 2^64)", true)) {
    if (seed->is_number_unsigned() || seed->get<std::int64_t>() >= 0) {
      v.seed = std::to_string(seed->get<std::uint64_t>());
    } else {
      in.fail("/seed", "must be an integer in [0, 2^64), got " + seed->dump());
    }
  }
  v.verdict = in.text(r, "", "verdict", true);
  in.objects(r, "", "operations", true, [&](const json& op, const std::string& p) {
    v.operations.push_back(readOperation(in, op, p));
  });
  in.objects(r, "", "findings", true, [&](const json& f, const std::string& p) {
    FindingView finding{in.text(f, p, "id"),
                        in.text(f, p, "severity"),
                        in.text(f, p, "operation"),
                        in.text(f, p, "metric"),
                        in.text(f, p, "title"),
                        in.text(f, p, "detail"),
                        {}};
    in.objects(f, p, "measures", false, [&](const json& m, const std::string& mp) {
      const std::string name = in.text(m, mp, "name", true);
      if (const auto value = in.number(m, mp, "value"); value && !name.empty())
        finding.measures.push_back({name, *value});
    });
    v.findings.push_back(std::move(finding));
  });
  in.throwIfFailed();
  return v;
}

int verdictRank(const std::string& v) {
  if (v == "passed") return 0;
  if (v == "inconclusive") return 1;
  return 2;
}

bool failing(const FindingView& f) {
  return f.severity == "error" || f.severity == "critical";
}

std::string findingKey(const FindingView& f) {
  return f.id + "|" + f.operation + "|" + f.metric;
}

std::string describeFinding(const FindingView& f) {
  return "[" + f.severity + "] " + f.id + ": " + f.title;
}

class Comparer {
 public:
  Comparer(const ReportView& base, const ReportView& head, const CompareOptions& options)
      : base_(base), head_(head), options_(options) {
    drill_ = head.scenario + " seed " + head.seed;
    // Failing findings of the same key pair up in report order; the rest
    // are new (HEAD only) or gone (BASE only).
    std::multimap<std::string, const FindingView*> before;
    for (const auto& f : base_.findings) {
      if (failing(f)) before.emplace(findingKey(f), &f);
    }
    std::set<const FindingView*> paired;
    for (const auto& f : head_.findings) {
      if (!failing(f)) continue;
      if (auto it = before.find(findingKey(f)); it != before.end()) {
        both_.emplace_back(it->second, &f);
        paired.insert(it->second);
        before.erase(it);
      } else {
        new_findings_.push_back(&f);
      }
    }
    for (const auto& f : base_.findings) {
      if (failing(f) && paired.count(&f) == 0) gone_findings_.push_back(&f);
    }
  }

  Comparison run() {
    const std::string& vb = base_.verdict;
    const std::string& vh = head_.verdict;
    if (vb != vh) add("verdict", "", vb, vh, verdictRank(vh) > verdictRank(vb));
    std::map<std::string, const OperationView*> base_ops;
    for (const auto& op : base_.operations) base_ops[op.label] = &op;
    for (const auto& op : head_.operations) {
      const auto it = base_ops.find(op.label);
      if (it == base_ops.end()) {
        out_.unmatched.push_back(drill_ + ": operation " + op.label + " only in HEAD");
        continue;
      }
      compareOperation(*it->second, op);
      base_ops.erase(it);
    }
    for (const auto& [label, op] : base_ops)
      out_.unmatched.push_back(drill_ + ": operation " + label + " only in BASE");
    for (const FindingView* f : new_findings_) {
      add("finding", f->operation, "-", describeFinding(*f), true);
      out_.changes.back().why = cutWithEllipsis(f->detail, 200);
    }
    for (const FindingView* f : gone_findings_)
      add("finding", f->operation, describeFinding(*f), "-", false);
    for (const auto& [b, h] : both_) compareMeasures(*b, *h);
    return std::move(out_);
  }

 private:
  void compareOperation(const OperationView& b, const OperationView& h) {
    const std::string& label = h.label;
    if (b.declared_status != h.declared_status)
      add("declared_status", label, b.declared_status, h.declared_status, false, true);
    std::map<std::string, const TypeView*> base_types;
    for (const auto& t : b.completeness) base_types[t.type] = &t;
    for (const auto& t : h.completeness) {
      const auto it = base_types.find(t.type);
      if (it == base_types.end()) continue;
      for (const char* ratio : {"recall", "precision"}) {
        const bool is_recall = std::string(ratio) == "recall";
        const double before = is_recall ? it->second->recall : it->second->precision;
        const double after = is_recall ? t.recall : t.precision;
        if (before == after) continue;
        const std::string metric = "completeness." + t.type + "." + std::string(ratio);
        if (after < before - options_.tolerance) {
          add(metric, label, fixed3(before), fixed3(after), true);
        } else if (after > before + options_.tolerance) {
          add(metric, label, fixed3(before), fixed3(after), false);
        }
      }
    }
    auto count = [](const std::map<std::string, int>& m, const std::string& k) {
      const auto it = m.find(k);
      return it == m.end() ? 0 : it->second;
    };
    // Fewer confirmed-and-true, or more of a bad outcome, is a regression.
    for (const char* outcome : {"confirmed", "false-confirmation", "honest-failure", "unreported",
                                "false-alarm", "unconfirmed-applied"}) {
      const int before = count(b.outcomes, outcome), after = count(h.outcomes, outcome);
      if (before == after) continue;
      const bool good = std::string(outcome) == "confirmed";
      add("revocation." + std::string(outcome), label, std::to_string(before),
          std::to_string(after), good ? after < before : after > before);
    }
    if (b.amplification && h.amplification) {
      const double before = *b.amplification, after = *h.amplification;
      if (before > 0 && after > before * options_.amplification_tolerance) {
        add("behaviour.amplification", label, fixed3(before), fixed3(after), true);
      } else if (after > 0 && after * options_.amplification_tolerance < before) {
        add("behaviour.amplification", label, fixed3(before), fixed3(after), false);
      }
    }
  }

  // A failing finding present in both reports: each measure both carry is
  // compared, larger being worse (docs/report-format.md, "measures"). A
  // report written before measures existed has none, so nothing is compared.
  void compareMeasures(const FindingView& b, const FindingView& h) {
    for (const auto& mh : h.measures) {
      for (const auto& mb : b.measures) {
        if (mb.name != mh.name || mb.value == mh.value) continue;
        add(h.id + "." + mh.name, h.operation, number(mb.value), number(mh.value),
            mh.value > mb.value);
        if (mh.value > mb.value) out_.changes.back().why = h.id + ": " + h.title;
        break;
      }
    }
  }

  // Whole numbers as integers (counts), anything else with three decimals.
  static std::string number(double v) {
    if (v == static_cast<double>(static_cast<long long>(v)) && v > -1e15 && v < 1e15)
      return std::to_string(static_cast<long long>(v));
    return fixed3(v);
  }

  void add(const std::string& metric, const std::string& operation, const std::string& before,
           const std::string& after, bool regression, bool neutral = false) {
    MetricChange c{drill_, metric, operation, before, after, regression && !neutral, ""};
    if (c.regression && metric != "finding") {
      // Why it moved: the new failing findings of the same operation.
      // For a completeness ratio, only the findings about that type.
      std::string type_metric;
      if (metric.rfind("completeness.", 0) == 0) {
        const auto dot = metric.find('.', 13);
        type_metric = metric.substr(0, dot) + "s";
      }
      for (const FindingView* f : new_findings_) {
        if (f->operation != operation && !operation.empty()) continue;
        if (!type_metric.empty() && f->metric != type_metric) continue;
        if (!c.why.empty()) c.why += "; ";
        c.why += f->id + ": " + f->title;
        if (c.why.size() > 300) break;
      }
    }
    if (neutral) c.why = "changed (neither better nor worse by itself)";
    out_.changes.push_back(std::move(c));
  }

  const ReportView& base_;
  const ReportView& head_;
  const CompareOptions& options_;
  std::string drill_;
  std::vector<const FindingView*> new_findings_, gone_findings_;
  std::vector<std::pair<const FindingView*, const FindingView*>> both_;  // (BASE, HEAD)
  Comparison out_;
};

}  // namespace

bool Comparison::regressed() const {
  if (!missing_from_head.empty()) return true;
  for (const auto& c : changes) {
    if (c.regression) return true;
  }
  return false;
}

Comparison compareReports(const json& base, const json& head, const CompareOptions& options,
                          const std::string& base_name, const std::string& head_name) {
  const ReportView b = readReport(base, base_name);
  const ReportView h = readReport(head, head_name);
  if (b.scenario != h.scenario || b.seed != h.seed) {
    throw std::runtime_error(base_name + " and " + head_name +
                             " are reports of different drills: scenario " + b.scenario + " seed " +
                             b.seed + " vs scenario " + h.scenario + " seed " + h.seed +
                             "; compare the same scenario and seed");
  }
  return Comparer(b, h, options).run();
}

namespace {

// Each change's word, in one case style in every format.
enum class ChangeKind { Regressed, Improved, Changed };

ChangeKind kindOf(const MetricChange& m) {
  if (m.regression) return ChangeKind::Regressed;
  return m.why.rfind("changed", 0) == 0 ? ChangeKind::Changed : ChangeKind::Improved;
}

const char* kindName(ChangeKind k) {
  switch (k) {
    case ChangeKind::Regressed:
      return "regressed";
    case ChangeKind::Improved:
      return "improved";
    case ChangeKind::Changed:
      return "changed";
  }
  return "changed";
}

struct Totals {
  std::size_t regressed = 0, improved = 0, changed = 0;
};

Totals totalsOf(const Comparison& c) {
  Totals t;
  for (const auto& m : c.changes) {
    const ChangeKind k = kindOf(m);
    ++(k == ChangeKind::Regressed  ? t.regressed
       : k == ChangeKind::Improved ? t.improved
                                   : t.changed);
  }
  return t;
}

// "1 regression, 2 improvements, 1 drill missing from HEAD: HEAD is less
// trustworthy than BASE"
std::string headline(const Comparison& c) {
  const Totals t = totalsOf(c);
  std::string out = counted(t.regressed, "regression") + ", " + counted(t.improved, "improvement");
  if (t.changed > 0) out += ", " + counted(t.changed, "neutral change");
  if (!c.missing_from_head.empty())
    out += ", " + counted(c.missing_from_head.size(), "drill") + " missing from HEAD";
  if (!c.only_in_head.empty())
    out += ", " + counted(c.only_in_head.size(), "drill") + " only in HEAD";
  if (c.regressed()) out += ": HEAD is less trustworthy than BASE";
  return out;
}

// Regressions first, then improvements, then neutral changes; report order
// within each.
std::vector<const MetricChange*> ordered(const Comparison& c) {
  std::vector<const MetricChange*> out;
  for (const ChangeKind k : {ChangeKind::Regressed, ChangeKind::Improved, ChangeKind::Changed}) {
    for (const auto& m : c.changes) {
      if (kindOf(m) == k) out.push_back(&m);
    }
  }
  return out;
}

// Markdown table cells: a pipe or a line break would end the cell.
std::string cell(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') {
      out += "\\|";
    } else if (ch == '\n' || ch == '\r') {
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out.empty() ? "-" : out;
}

}  // namespace

std::string renderComparison(const Comparison& c) {
  std::ostringstream out;
  for (const MetricChange* m : ordered(c)) {
    const ChangeKind k = kindOf(*m);
    char word[16];
    std::snprintf(word, sizeof word, "%-10s", kindName(k));
    out << word << m->drill << "  " << (m->operation.empty() ? "-" : m->operation) << "  "
        << m->metric << ": " << m->before << " -> " << m->after << "\n";
    if (!m->why.empty() && k != ChangeKind::Changed) out << "          because: " << m->why << "\n";
  }
  for (const auto& d : c.missing_from_head)
    out << "missing   " << d << ": in BASE, not in HEAD (not run?)\n";
  for (const auto& d : c.only_in_head) out << "new       " << d << ": only in HEAD\n";
  for (const auto& u : c.unmatched) out << "unmatched " << u << "\n";
  out << "result: " << headline(c) << "\n";
  return out.str();
}

std::string renderComparisonMarkdown(const Comparison& c) {
  std::ostringstream out;
  out << "### faultline compare: " << (c.regressed() ? "regressed" : "no regression") << "\n\n"
      << headline(c) << ".\n";
  const auto changes = ordered(c);
  if (!changes.empty()) {
    out << "\n| change | drill | operation | metric | BASE | HEAD | because |\n"
        << "| --- | --- | --- | --- | --- | --- | --- |\n";
    for (const MetricChange* m : changes) {
      const ChangeKind k = kindOf(*m);
      out << "| " << (k == ChangeKind::Regressed ? "**regressed**" : kindName(k)) << " | "
          << cell(m->drill) << " | " << cell(m->operation) << " | `" << cell(m->metric) << "` | "
          << cell(m->before) << " | " << cell(m->after) << " | "
          << cell(k == ChangeKind::Changed ? "" : m->why) << " |\n";
    }
  }
  auto list = [&](const char* title, const std::vector<std::string>& items) {
    if (items.empty()) return;
    out << "\n" << title << ":\n\n";
    for (const auto& item : items) out << "- " << cell(item) << "\n";
  };
  list("Missing from HEAD (counted apart from regressions, and failing the comparison)",
       c.missing_from_head);
  list("Only in HEAD", c.only_in_head);
  list("Operations on one side only", c.unmatched);
  return out.str();
}

std::string renderComparisonJson(const Comparison& c) {
  const Totals t = totalsOf(c);
  json changes = json::array();
  for (const MetricChange* m : ordered(c)) {
    changes.push_back({{"kind", kindName(kindOf(*m))},
                       {"drill", m->drill},
                       {"operation", m->operation},
                       {"metric", m->metric},
                       {"before", m->before},
                       {"after", m->after},
                       {"because", kindOf(*m) == ChangeKind::Changed ? "" : m->why}});
  }
  const json out = {{"faultline_comparison", 1},
                    {"regressed", c.regressed()},
                    {"counts",
                     {{"regressed", t.regressed},
                      {"improved", t.improved},
                      {"changed", t.changed},
                      {"missing_from_head", c.missing_from_head.size()},
                      {"only_in_head", c.only_in_head.size()}}},
                    {"changes", changes},
                    {"missing_from_head", c.missing_from_head},
                    {"only_in_head", c.only_in_head},
                    {"unmatched_operations", c.unmatched}};
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace faultline::reports
