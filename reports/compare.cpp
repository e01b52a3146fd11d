#include "reports/compare.h"

#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace faultline::reports {
namespace {

using nlohmann::json;

// Reads `pointer` from a report or throws naming the report and the pointer.
const json& at(const json& report, const std::string& pointer, const std::string& name) {
  const json::json_pointer p(pointer);
  if (!report.contains(p))
    throw std::runtime_error(name + ":" + pointer + ": missing; is this a faultline report?");
  return report.at(p);
}

void checkReport(const json& r, const std::string& name) {
  if (!r.is_object()) throw std::runtime_error(name + ": not a JSON object");
  const json& version = at(r, "/faultline_report", name);
  if (!version.is_number_integer() || version.get<int>() != 1) {
    throw std::runtime_error(name + ":/faultline_report: report format " + version.dump() +
                             "; this faultline compares format 1");
  }
  for (const char* p : {"/scenario/name", "/seed", "/verdict", "/operations", "/findings"})
    at(r, p, name);
}

// The array under `key`, or an empty one: a reference, so pointers into it stay valid.
const json& arrayAt(const json& object, const char* key) {
  static const json kEmpty = json::array();
  const auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

int verdictRank(const std::string& v) {
  if (v == "passed") return 0;
  if (v == "inconclusive") return 1;
  return 2;
}

std::string fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

bool failing(const json& finding) {
  const std::string s = finding.value("severity", "");
  return s == "error" || s == "critical";
}

std::string findingKey(const json& f) {
  return f.value("id", "") + "|" + f.value("operation", "") + "|" + f.value("metric", "");
}

std::string describeFinding(const json& f) {
  return "[" + f.value("severity", "") + "] " + f.value("id", "") + ": " + f.value("title", "");
}

std::map<std::string, int> outcomeCounts(const json& op) {
  std::map<std::string, int> counts;
  for (const auto& r : arrayAt(op, "revocations")) ++counts[r.value("outcome", "")];
  return counts;
}

class Comparer {
 public:
  Comparer(const json& base, const json& head, const CompareOptions& options)
      : base_(base), head_(head), options_(options) {
    drill_ = head.at(json::json_pointer("/scenario/name")).get<std::string>() + " seed " +
             head.at("seed").dump();
    std::multiset<std::string> before;
    for (const auto& f : base_["findings"]) {
      if (failing(f)) before.insert(findingKey(f));
    }
    for (const auto& f : head_["findings"]) {
      if (!failing(f)) continue;
      if (auto it = before.find(findingKey(f)); it != before.end()) {
        before.erase(it);
      } else {
        new_findings_.push_back(&f);
      }
    }
    for (const auto& f : base_["findings"]) {
      if (failing(f) && before.count(findingKey(f)) != 0) {
        gone_findings_.push_back(&f);
        before.erase(before.find(findingKey(f)));
      }
    }
  }

  Comparison run() {
    const std::string vb = base_["verdict"], vh = head_["verdict"];
    if (vb != vh) add("verdict", "", vb, vh, verdictRank(vh) > verdictRank(vb));
    std::map<std::string, const json*> base_ops;
    for (const auto& op : base_["operations"]) base_ops[op.value("label", "")] = &op;
    for (const auto& op : head_["operations"]) {
      const std::string label = op.value("label", "");
      const auto it = base_ops.find(label);
      if (it == base_ops.end()) {
        out_.unmatched.push_back(drill_ + ": operation " + label + " only in HEAD");
        continue;
      }
      compareOperation(*it->second, op);
      base_ops.erase(it);
    }
    for (const auto& [label, op] : base_ops)
      out_.unmatched.push_back(drill_ + ": operation " + label + " only in BASE");
    for (const json* f : new_findings_) {
      add("finding", f->value("operation", ""), "-", describeFinding(*f), true);
      std::string detail = f->value("detail", "");
      if (detail.size() > 200) detail = detail.substr(0, 200) + "...";
      out_.changes.back().why = detail;
    }
    for (const json* f : gone_findings_)
      add("finding", f->value("operation", ""), describeFinding(*f), "-", false);
    return std::move(out_);
  }

 private:
  void compareOperation(const json& b, const json& h) {
    const std::string label = h.value("label", "");
    if (b.value("declared_status", "") != h.value("declared_status", ""))
      add("declared_status", label, b.value("declared_status", ""), h.value("declared_status", ""),
          false, true);
    std::map<std::string, const json*> base_types;
    for (const auto& t : arrayAt(b, "completeness")) base_types[t.value("type", "")] = &t;
    for (const auto& t : arrayAt(h, "completeness")) {
      const auto it = base_types.find(t.value("type", ""));
      if (it == base_types.end()) continue;
      for (const char* ratio : {"recall", "precision"}) {
        const double before = it->second->value(ratio, 1.0);
        const double after = t.value(ratio, 1.0);
        if (before == after) continue;
        const std::string metric = "completeness." + t.value("type", "") + "." + std::string(ratio);
        if (after < before - options_.tolerance) {
          add(metric, label, fixed3(before), fixed3(after), true);
        } else if (after > before + options_.tolerance) {
          add(metric, label, fixed3(before), fixed3(after), false);
        }
      }
    }
    const auto ob = outcomeCounts(b), oh = outcomeCounts(h);
    auto count = [](const std::map<std::string, int>& m, const std::string& k) {
      const auto it = m.find(k);
      return it == m.end() ? 0 : it->second;
    };
    // Fewer confirmed-and-true, or more of a bad outcome, is a regression.
    for (const char* outcome : {"confirmed", "false-confirmation", "honest-failure", "unreported",
                                "false-alarm", "unconfirmed-applied"}) {
      const int before = count(ob, outcome), after = count(oh, outcome);
      if (before == after) continue;
      const bool good = std::string(outcome) == "confirmed";
      add("revocation." + std::string(outcome), label, std::to_string(before),
          std::to_string(after), good ? after < before : after > before);
    }
    if (b.contains("amplification") && h.contains("amplification")) {
      const double before = b.value("amplification", 0.0), after = h.value("amplification", 0.0);
      if (before > 0 && after > before * options_.amplification_tolerance) {
        add("behaviour.amplification", label, fixed3(before), fixed3(after), true);
      } else if (after > 0 && after * options_.amplification_tolerance < before) {
        add("behaviour.amplification", label, fixed3(before), fixed3(after), false);
      }
    }
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
      for (const json* f : new_findings_) {
        if (f->value("operation", "") != operation && !operation.empty()) continue;
        if (!type_metric.empty() && f->value("metric", "") != type_metric) continue;
        if (!c.why.empty()) c.why += "; ";
        c.why += f->value("id", "") + ": " + f->value("title", "");
        if (c.why.size() > 300) break;
      }
    }
    if (neutral) c.why = "changed (neither better nor worse by itself)";
    out_.changes.push_back(std::move(c));
  }

  const json& base_;
  const json& head_;
  const CompareOptions& options_;
  std::string drill_;
  std::vector<const json*> new_findings_, gone_findings_;
  Comparison out_;
};

}  // namespace

bool Comparison::regressed() const {
  for (const auto& c : changes) {
    if (c.regression) return true;
  }
  return false;
}

Comparison compareReports(const json& base, const json& head, const CompareOptions& options,
                          const std::string& base_name, const std::string& head_name) {
  checkReport(base, base_name);
  checkReport(head, head_name);
  const std::string bs = base["scenario"]["name"], hs = head["scenario"]["name"];
  if (bs != hs || base["seed"] != head["seed"]) {
    throw std::runtime_error(base_name + " and " + head_name +
                             " are reports of different drills: scenario " + bs + " seed " +
                             base["seed"].dump() + " vs scenario " + hs + " seed " +
                             head["seed"].dump() + "; compare the same scenario and seed");
  }
  return Comparer(base, head, options).run();
}

std::string renderComparison(const Comparison& c) {
  std::ostringstream out;
  std::size_t regressions = 0, improvements = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& m : c.changes) {
      if (m.regression != (pass == 0)) continue;
      const bool neutral = !m.regression && m.why.rfind("changed", 0) == 0;
      (m.regression ? regressions : improvements) += neutral ? 0 : 1;
      out << (m.regression ? "REGRESSED "
              : neutral    ? "changed   "
                           : "improved  ")
          << m.drill << "  " << (m.operation.empty() ? "-" : m.operation) << "  " << m.metric
          << ": " << m.before << " -> " << m.after << "\n";
      if (!m.why.empty() && !neutral) out << "          because: " << m.why << "\n";
    }
  }
  for (const auto& u : c.unmatched) out << "unmatched " << u << "\n";
  out << "result: " << regressions << " regression(s), " << improvements << " improvement(s)"
      << (regressions > 0 ? ": HEAD is less trustworthy than BASE" : "") << "\n";
  return out.str();
}

}  // namespace faultline::reports
