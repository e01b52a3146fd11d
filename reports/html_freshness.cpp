// The HTML report's freshness parts: the scorecard's freshness cells, a
// sync's rounds, and the lag chart with its event table (html_timeline.h).

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "reports/html_timeline.h"
#include "reports/printable_text.h"
#include "reports/wording.h"

namespace faultline::reports {
namespace {

// SVG user units; the figure scales to the page width.
constexpr int kWidth = 1200;
constexpr int kLeft = 300;   // room for "#N kind subjects"
constexpr int kRight = 190;  // room for the figure after the longest bar
constexpr int kPlotWidth = kWidth - kLeft - kRight;
constexpr int kTop = 12, kRowHeight = 28, kBarHeight = 16;
constexpr std::size_t kMaxLabelBytes = 40;

std::string esc(std::string_view raw) {
  return escapeHtml(raw);
}

std::string seconds(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

std::string optionalSeconds(const std::optional<std::int64_t>& ms) {
  return ms ? seconds(*ms) : "—";
}

std::string fixed(const char* pattern, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, pattern, v);
  return buf;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// A row's state, for the data-reflected hook and the legend's words.
std::string reflectedState(const FreshnessEvent& e) {
  if (!e.applied) return "not-applied";
  if (e.reflected_round == 0) return "never";
  return std::to_string(e.reflected_round);
}

std::string eventLabel(const FreshnessEvent& e) {
  const std::string full = printableLine("#" + std::to_string(e.index) + " " + e.kind + " " +
                                         (e.subjects.empty() ? "" : e.subjects.front()));
  const std::string_view kept = cutUtf8(full, kMaxLabelBytes);
  return esc(kept) + (kept.size() < full.size() ? "…" : "");
}

std::string lagWords(const FreshnessEvent& e) {
  std::string words = optionalSeconds(e.lag_ms);
  if (e.lag_rounds)
    words += *e.lag_rounds == 0 ? " · first round that could"
                                : " · " + counted(*e.lag_rounds, "round") + " late";
  return words;
}

std::string tooltip(const FreshnessEvent& e) {
  std::string text = "timeline event " + std::to_string(e.index) + " (" + e.kind + ")";
  if (!e.subjects.empty()) text += " on " + joined(e.subjects);
  if (!e.detail.empty()) text += ": " + e.detail;
  if (!e.applied) return text + "; never landed in the tenant";
  if (e.applied_ms) text += "; landed at " + seconds(*e.applied_ms);
  if (e.reflected_round == 0) return text + "; the output never reflected it";
  return text + "; reflected in drill round " + std::to_string(e.reflected_round) + ", lag " +
         lagWords(e);
}

void drawRow(std::ostringstream& svg, const FreshnessEvent& e, std::size_t row,
             std::int64_t end_ms) {
  const int y = kTop + static_cast<int>(row) * kRowHeight;
  const int text_y = y + kBarHeight - 4;
  const std::string state = reflectedState(e);
  svg << "<g class=\"lag-event\" data-event=\"" << e.index << "\" data-reflected=\"" << state
      << "\"><title>" << esc(cutUtf8(printableLine(tooltip(e)), 600)) << "</title><text x=\""
      << kLeft - 10 << "\" y=\"" << text_y << "\" text-anchor=\"end\""
      << (state == "never" ? " class=\"never\"" : "") << ">" << eventLabel(e) << "</text>";
  if (state == "not-applied") {
    svg << "<text class=\"na\" x=\"" << kLeft + 6 << "\" y=\"" << text_y
        << "\">not applied: the event never landed, so it proves nothing</text>";
  } else if (state == "never") {
    // Across the whole plot: the lag has no end.
    svg << "<rect class=\"lag-never\" x=\"" << kLeft << "\" y=\"" << y << "\" width=\""
        << kPlotWidth << "\" height=\"" << kBarHeight << "\"/><text class=\"never\" x=\""
        << kLeft + 8 << "\" y=\"" << text_y << "\">✕ never reflected</text>";
  } else {
    const std::int64_t lag = std::clamp<std::int64_t>(e.lag_ms.value_or(0), 0, end_ms);
    const double w = std::max(3.0, static_cast<double>(kPlotWidth) * static_cast<double>(lag) /
                                       static_cast<double>(end_ms));
    svg << "<rect class=\"" << (lag == 0 ? "lag-zero" : "lag-bar") << "\" x=\"" << kLeft
        << "\" y=\"" << y << "\" width=\"" << fixed("%.1f", w) << "\" height=\"" << kBarHeight
        << "\"/><text x=\"" << fixed("%.1f", kLeft + w + 6) << "\" y=\"" << text_y << "\">"
        << esc(lagWords(e)) << "</text>";
  }
  svg << "</g>\n";
}

void drawAxis(std::ostringstream& svg, int rows, std::int64_t end_ms) {
  const int bottom = kTop + rows * kRowHeight;
  const std::int64_t step = axisStep(end_ms);
  for (std::int64_t t = 0; t <= end_ms; t += step) {
    const std::string x =
        fixed("%.1f", kLeft + static_cast<double>(kPlotWidth) * static_cast<double>(t) /
                                  static_cast<double>(end_ms));
    svg << "<line class=\"grid\" x1=\"" << x << "\" y1=\"" << kTop - 4 << "\" x2=\"" << x
        << "\" y2=\"" << bottom << "\"/><text x=\"" << x << "\" y=\"" << bottom + 16
        << "\" text-anchor=\"" << (t == 0 ? "start" : "middle") << "\">"
        << (end_ms < 2000 ? std::to_string(t) + " ms" : fixed("%.1f s", t / 1000.0)) << "</text>\n";
  }
  svg << "<line class=\"axis\" x1=\"" << kLeft << "\" y1=\"" << bottom << "\" x2=\""
      << kLeft + kPlotWidth << "\" y2=\"" << bottom << "\"/><text x=\"" << kLeft - 10 << "\" y=\""
      << bottom + 16 << "\" text-anchor=\"end\">lag</text>\n";
}

std::string lagChart(const FreshnessSummary& f) {
  const std::size_t rows = std::min(kMaxLagBars, f.events.size());
  std::int64_t longest = 0;
  for (std::size_t i = 0; i < rows; ++i)
    if (f.events[i].reflected_round != 0)
      longest = std::max(longest, f.events[i].lag_ms.value_or(0));
  // The axis ends past the longest lag, on a tick, so that only a
  // never-reflected event's bar spans the whole plot; at least one second.
  const std::int64_t target = std::max<std::int64_t>(1000, longest + longest / 8 + 1);
  const std::int64_t step = axisStep(target);
  const std::int64_t end_ms = (target / step + (target % step != 0)) * step;
  std::ostringstream svg;
  svg << "<svg class=\"lag\" viewBox=\"0 0 " << kWidth << " "
      << kTop + static_cast<int>(rows) * kRowHeight + 28
      << "\" role=\"img\" aria-labelledby=\"lag-caption\">\n";
  drawAxis(svg, static_cast<int>(rows), end_ms);
  for (std::size_t i = 0; i < rows; ++i) drawRow(svg, f.events[i], i, end_ms);
  svg << "</svg>\n";
  return svg.str();
}

void writeEventTable(std::ostringstream& out, const FreshnessSummary& f) {
  out << "<table class=\"events\">\n<tr><th class=\"num\">event</th><th>kind</th><th>subjects"
         "</th><th>what changed</th><th class=\"num\">landed at</th><th>reflected</th>"
         "<th class=\"num\">lag</th></tr>\n";
  for (const auto& e : f.events) {
    const std::string state = reflectedState(e);
    out << "<tr data-event=\"" << e.index << "\" data-reflected=\"" << state
        << "\"><td class=\"num\">" << e.index << "</td><td>" << esc(e.kind) << "</td><td><code>"
        << esc(joined(e.subjects)) << "</code></td><td>" << esc(e.detail)
        << "</td><td class=\"num\">" << (e.applied_ms ? seconds(*e.applied_ms) : "—")
        << "</td><td>";
    if (state == "not-applied") {
      out << "<span class=\"warn\">not applied</span>";
    } else if (state == "never") {
      out << "<span class=\"bad\">never</span>";
    } else {
      out << "drill round " << e.reflected_round;
    }
    out << "</td><td class=\"num\">" << (e.lag_ms ? esc(lagWords(e)) : "—") << "</td></tr>\n";
  }
  out << "</table>\n";
}

}  // namespace

std::string renderFreshnessSummary(const Report& r) {
  const FreshnessSummary& f = r.freshness;
  std::ostringstream out;
  out << "<h3 id=\"freshness-summary\">Freshness</h3>\n";
  if (f.events.empty()) {
    out << "<p data-metric=\"freshness\">Not measured: the scenario has no timeline, so the "
           "tenant did not change while the connector read it.</p>\n";
    return out.str();
  }
  const auto applied = static_cast<std::size_t>(std::count_if(
      f.events.begin(), f.events.end(), [](const FreshnessEvent& e) { return e.applied; }));
  const auto cell = [&out](const char* metric, const std::string& value, bool bad) {
    out << "<td class=\"num" << (bad ? " bad" : "") << "\" data-metric=\"" << metric << "\">"
        << value << "</td>";
  };
  out << "<p class=\"muted\">How soon the connector's output showed the changes the scenario "
         "made to the tenant (<a href=\"#freshness\">chart</a>). Lag: from the change to the "
         "start of the first round whose output showed it.</p>\n<table class=\"freshness\" "
         "data-metric=\"freshness\">\n<tr><th class=\"num\">timeline events</th><th "
         "class=\"num\">applied</th><th class=\"num\">never reflected</th><th class=\"num\">lag "
         "p50</th><th class=\"num\">lag p95</th><th class=\"num\">lag max</th><th "
         "class=\"num\">stale records at end</th></tr>\n<tr>";
  cell("timeline-events", std::to_string(f.events.size()), false);
  cell("applied", std::to_string(applied), applied < f.events.size());
  cell("never-reflected", std::to_string(f.never_reflected), f.never_reflected > 0);
  cell("lag-p50", optionalSeconds(f.p50_lag_ms), false);
  cell("lag-p95", optionalSeconds(f.p95_lag_ms), false);
  cell("lag-max", optionalSeconds(f.max_lag_ms), false);
  cell("stale-records-at-end", std::to_string(f.stale_records_at_end), f.stale_records_at_end > 0);
  out << "</tr>\n</table>\n";
  return out.str();
}

std::string renderRounds(const OperationReport& o) {
  if (o.rounds.size() < 2) return "";
  std::ostringstream out;
  out << "<table class=\"rounds\">\n<tr><th class=\"num\">round</th><th class=\"num\">drill "
         "round</th><th class=\"num\">started</th><th class=\"num\">took</th><th "
         "class=\"num\">requests</th><th>declared</th><th>stale since</th><th "
         "class=\"num\">lowest recall</th><th class=\"num\">stale records</th></tr>\n";
  for (const auto& rd : o.rounds) {
    out << "<tr data-round=\"" << rd.round << "\"><td class=\"num\">" << rd.round
        << "</td><td class=\"num\">" << rd.drill_round << "</td><td class=\"num\">"
        << seconds(rd.started_ms) << "</td><td class=\"num\">" << seconds(rd.duration_ms)
        << "</td><td class=\"num\">" << rd.requests << "</td><td><b>" << esc(rd.declared_status)
        << "</b>";
    if (!rd.declared_reason.empty()) out << " (" << esc(rd.declared_reason) << ")";
    out << "</td><td>"
        << (rd.stale_since.empty() ? std::string("<span class=\"muted\">not given</span>")
                                   : "<code>" + esc(rd.stale_since) + "</code>")
        << "</td><td class=\"num" << (rd.recall < 1.0 ? " bad" : "") << "\">"
        << fixed("%.3f", rd.recall) << "</td><td class=\"num"
        << (rd.stale_records > 0 ? " bad" : "") << "\">" << rd.stale_records << "</td></tr>\n";
  }
  out << "</table>\n";
  return out.str();
}

std::string renderFreshness(const Report& r) {
  const FreshnessSummary& f = r.freshness;
  if (f.events.empty()) return "";
  std::ostringstream out;
  out << "<h2 id=\"freshness\">Freshness</h2>\n<figure>\n"
      << lagChart(f)
      << "<div class=\"legend\"><span><svg width=\"12\" height=\"12\"><rect class=\"lag-bar\" "
         "width=\"12\" height=\"12\"/></svg>lag until the output showed the change</span><span>"
         "<svg width=\"12\" height=\"12\"><rect class=\"lag-zero\" width=\"12\" height=\"12\"/>"
         "</svg>no lag: it landed while the round that showed it ran</span><span><svg width=\"24\" "
         "height=\"12\">"
         "<rect class=\"lag-never\" x=\"1\" y=\"1\" width=\"22\" height=\"10\"/></svg>never "
         "reflected</span></div>\n<figcaption id=\"lag-caption\">One bar per timeline event, in "
         "timeline order. A bar's length is the event's lag: from the moment it landed in the "
         "tenant to the start of the first round whose output showed it (0 when it landed while "
         "that round ran). A red dashed bar across the whole chart marks "
         "an event the output never reflected; an event that never landed is noted in grey. "
         "Hover a row for the event.";
  if (f.events.size() > kMaxLagBars)
    out << " The chart draws the first " << kMaxLagBars << " of " << f.events.size()
        << " events; the table below lists them all.";
  out << "</figcaption>\n</figure>\n";
  writeEventTable(out, f);
  return out.str();
}

}  // namespace faultline::reports
