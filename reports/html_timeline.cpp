#include "reports/html_timeline.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "reports/printable_text.h"
#include "reports/wording.h"

namespace faultline::reports {
namespace {

using nlohmann::json;

// ---- the journal file: untrusted input, so every field is checked ----------

const json& member(const json& line, const char* key, const std::string& where) {
  const auto it = line.find(key);
  if (it == line.end()) throw std::runtime_error(where + ":/" + key + ": missing");
  return *it;
}

[[noreturn]] void badField(const std::string& where, const char* key, const char* expected,
                           const json& value) {
  // An array or object is named, not dumped: dump() recurses once per level,
  // and a line nested a hundred thousand deep would overflow the stack.
  const std::string shown = value.is_array() ? "an array"
                            : value.is_object()
                                ? "an object"
                                : value.dump(-1, ' ', false, json::error_handler_t::replace);
  throw std::runtime_error(where + ":/" + key + ": must be " + expected + ", got " +
                           std::string(cutUtf8(shown, 60)));
}

std::int64_t integerField(const json& line, const char* key, const std::string& where,
                          std::int64_t low, std::int64_t high, const char* expected) {
  const json& v = member(line, key, where);
  if (!v.is_number_integer()) badField(where, key, expected, v);
  if (v.is_number_unsigned() &&
      v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    badField(where, key, expected, v);
  const auto n = v.get<std::int64_t>();
  if (n < low || n > high) badField(where, key, expected, v);
  return n;
}

std::string stringField(const json& line, const char* key, const std::string& where) {
  const json& v = member(line, key, where);
  if (!v.is_string()) badField(where, key, "a string", v);
  return v.get<std::string>();
}

JournalPoint parseJournalLine(std::string_view text, const std::string& where) {
  if (text.empty()) throw std::runtime_error(where + ": empty line; expected a JSON object");
  json line;
  try {
    line = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // nlohmann's message repeats a position that is always line 1 here.
    const std::string what = e.what();
    const auto column = what.find("column ");
    const auto colon = column == std::string::npos ? column : what.find(": ", column);
    throw std::runtime_error(where + ":" + std::to_string(e.byte) + ": invalid JSON: " +
                             (colon == std::string::npos ? what : what.substr(colon + 2)));
  } catch (const json::exception& e) {
    // A number too large for a double ("1e999") is an out_of_range error,
    // not a parse_error, and carries no position; uncaught, it aborted.
    const std::string what = e.what();
    const auto id_end = what.find("] ");
    throw std::runtime_error(where + ": invalid JSON: " +
                             (id_end == std::string::npos ? what : what.substr(id_end + 2)));
  }
  if (!line.is_object()) {
    throw std::runtime_error(where + ": must be a JSON object, got " +
                             std::string(line.type_name()));
  }
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  JournalPoint p;
  const json& seq = member(line, "seq", where);
  if (!seq.is_number_unsigned()) badField(where, "seq", "a non-negative integer", seq);
  p.seq = seq.get<std::uint64_t>();
  p.t_ms = integerField(line, "t_ms", where, 0, kMax, "a non-negative integer");
  p.method = stringField(line, "method", where);
  p.path = stringField(line, "path", where);
  p.status = static_cast<int>(integerField(line, "status", where, 0, 999, "an integer in [0,999]"));
  p.note = stringField(line, "note", where);
  if (const auto it = line.find("faults"); it != line.end()) {
    if (!it->is_array()) badField(where, "faults", "an array", *it);
    p.faults = static_cast<int>(std::min<std::size_t>(it->size(), 1'000'000));
  }
  return p;
}

// ---- the timeline ----------------------------------------------------------

// SVG user units; the figure scales to the page width.
constexpr int kWidth = 1200;
constexpr int kLeft = 92;  // room for the lane names
constexpr int kRight = 24;
constexpr int kPlotWidth = kWidth - kLeft - kRight;
constexpr int kBandTop = 10, kBandHeight = 26;
constexpr int kLaneTop = 50, kLaneHeight = 36, kLaneGap = 6;
constexpr int kTickTop = 12;  // a request's mark starts below its fault marker
constexpr int kSlices = 360;  // time slices when there are too many requests to mark
constexpr std::size_t kMaxTitleBytes = 300;

struct Lane {
  const char* name;
  const char* css;
  const char* meaning;
};

constexpr Lane kLanes[] = {
    {"2xx", "s2xx", "success"},
    {"4xx", "s4xx", "client error: throttled (429), refused token (401), ..."},
    {"5xx", "s5xx", "server error"},
    {"other", "sother", "no HTTP answer (connection dropped) or another status"},
};
constexpr int kOtherLane = 3;

int laneOf(int status) {
  if (status >= 200 && status < 300) return 0;
  if (status >= 400 && status < 500) return 1;
  if (status >= 500 && status < 600) return 2;
  return kOtherLane;
}

// Journal format 2 lists the faults; in format 1 only the note tells, whose
// parts are joined with "; " and every fired fault's part starts
// "fault <id> (<kind>)", so a word like "default" must not count.
bool firedFault(const JournalPoint& p) {
  if (p.faults >= 0) return p.faults > 0;
  return p.note.rfind("fault ", 0) == 0 || p.note.find("; fault ") != std::string::npos;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string clockText(std::int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(ms) / 1000.0);
  return buf;
}

std::string title(const std::string& text) {
  return "<title>" + escapeHtml(cutUtf8(printableLine(text), kMaxTitleBytes)) + "</title>";
}

// The drill clock mapped onto the plot's width.
struct Scale {
  std::int64_t end_ms = 1;
  double x(std::int64_t t) const {
    const std::int64_t clamped = std::clamp<std::int64_t>(t, 0, end_ms);
    return kLeft + static_cast<double>(kPlotWidth) * static_cast<double>(clamped) /
                       static_cast<double>(end_ms);
  }
};

Scale scaleFor(const Report& r, const std::vector<JournalPoint>& journal) {
  Scale s;
  s.end_ms = std::max<std::int64_t>(1, r.duration_ms);
  for (const auto& o : r.operations) s.end_ms = std::max(s.end_ms, o.started_ms + o.duration_ms);
  for (const auto& p : journal) s.end_ms = std::max(s.end_ms, p.t_ms);
  return s;
}

std::string tickLabel(std::int64_t t, std::int64_t step, std::int64_t end_ms) {
  if (end_ms < 2000) return std::to_string(t) + " ms";
  char buf[32];
  const int decimals = step >= 1000 ? 0 : step >= 100 ? 1 : 2;
  std::snprintf(buf, sizeof buf, "%.*f s", decimals, static_cast<double>(t) / 1000.0);
  return buf;
}

struct Layout {
  Scale scale;
  std::vector<int> lanes;  // indexes into kLanes, top to bottom
  int laneY(std::size_t row) const {
    return kLaneTop + static_cast<int>(row) * (kLaneHeight + kLaneGap);
  }
  int lanesBottom() const { return laneY(lanes.size()) - kLaneGap; }
  std::size_t rowOf(int lane) const {
    return static_cast<std::size_t>(std::find(lanes.begin(), lanes.end(), lane) - lanes.begin());
  }
};

void drawOperations(std::ostringstream& svg, const Report& r, const Layout& l) {
  for (const auto& o : r.operations) {
    const double x0 = l.scale.x(o.started_ms);
    const double w = std::max(2.0, l.scale.x(o.started_ms + o.duration_ms) - x0);
    const std::string span = o.label + " (" + o.kind + "): " + clockText(o.started_ms) + " to " +
                             clockText(o.started_ms + o.duration_ms);
    if (o.kind == "revoke") {
      svg << "<rect class=\"phase\" x=\"" << num(x0) << "\" y=\"" << kLaneTop - 4 << "\" width=\""
          << num(w) << "\" height=\"" << l.lanesBottom() - kLaneTop + 8 << "\">"
          << title("revocation phase: " + span) << "</rect>\n";
    }
    svg << "<g class=\"operation\"><rect class=\"band-" << (o.kind == "revoke" ? "revoke" : "sync")
        << "\" x=\"" << num(x0) << "\" y=\"" << kBandTop << "\" width=\"" << num(w)
        << "\" height=\"" << kBandHeight << "\" rx=\"3\">" << title(span) << "</rect>";
    // About 7 units per character at 12 px; a label that cannot fit is left
    // to the tooltip rather than spilling over its neighbour.
    const auto fits = static_cast<std::size_t>(std::max(0.0, (w - 10) / 7));
    const std::string label = printableLine(o.label + " (" + o.kind + ")");
    if (fits >= 4) {
      const std::string_view kept = cutUtf8(label, fits);
      svg << "<text x=\"" << num(x0 + 5) << "\" y=\"" << kBandTop + 17 << "\">" << escapeHtml(kept)
          << (kept.size() < label.size() ? "…" : "") << "</text>";
    }
    svg << "</g>\n";
  }
}

void drawLanesAndAxis(std::ostringstream& svg, const Layout& l) {
  for (std::size_t row = 0; row < l.lanes.size(); ++row) {
    const Lane& lane = kLanes[l.lanes[row]];
    const int y = l.laneY(row);
    svg << "<rect class=\"lane\" x=\"" << kLeft << "\" y=\"" << y << "\" width=\"" << kPlotWidth
        << "\" height=\"" << kLaneHeight << "\"/><text x=\"" << kLeft - 10 << "\" y=\""
        << y + kLaneHeight / 2 + 4 << "\" text-anchor=\"end\">" << lane.name << "</text>\n";
  }
  const int axis = l.lanesBottom() + 8;
  svg << "<line class=\"axis\" x1=\"" << kLeft << "\" y1=\"" << axis << "\" x2=\""
      << kLeft + kPlotWidth << "\" y2=\"" << axis << "\"/>\n<text x=\"" << kLeft - 10 << "\" y=\""
      << axis + 18 << "\" text-anchor=\"end\">drill time</text>\n";
  const std::int64_t step = axisStep(l.scale.end_ms);
  // A journal's t_ms may be anything up to INT64_MAX: stop before the next
  // step would overflow rather than after.
  for (std::int64_t t = 0;; t += step) {
    const std::string x = num(l.scale.x(t));
    svg << "<line class=\"axis\" x1=\"" << x << "\" y1=\"" << axis << "\" x2=\"" << x << "\" y2=\""
        << axis + 5 << "\"/><text x=\"" << x << "\" y=\"" << axis + 18 << "\" text-anchor=\""
        << (t == 0 ? "start" : "middle") << "\">" << tickLabel(t, step, l.scale.end_ms)
        << "</text>\n";
    if (t > l.scale.end_ms - step) break;
  }
}

void drawFaultMarker(std::ostringstream& svg, double x, int lane_y, const std::string& text) {
  svg << "<path class=\"fault\" d=\"M" << num(x - 5) << " " << lane_y + 1 << "h10l-5 9z\">"
      << title(text) << "</path>\n";
}

// One mark per request: a tick in its status lane, a triangle above it when a
// fault fired on it.
void drawRequests(std::ostringstream& svg, const std::vector<JournalPoint>& journal,
                  const Layout& l) {
  for (const auto& p : journal) {
    const int lane = laneOf(p.status);
    const int y = l.laneY(l.rowOf(lane));
    const double x = l.scale.x(p.t_ms);
    std::string text = "#" + std::to_string(p.seq) + " at " + clockText(p.t_ms) + ": " + p.method +
                       " " + p.path + " -> " + std::to_string(p.status);
    if (!p.note.empty()) text += " [" + p.note + "]";
    svg << "<rect class=\"" << kLanes[lane].css << "\" x=\"" << num(x - 1) << "\" y=\""
        << y + kTickTop << "\" width=\"2\" height=\"" << kLaneHeight - kTickTop - 3 << "\">"
        << title(text) << "</rect>\n";
    if (firedFault(p)) drawFaultMarker(svg, x, y, p.note);
  }
}

// Too many requests to mark one by one: per lane, a bar per time slice whose
// height is the requests in that slice.
std::int64_t drawSlices(std::ostringstream& svg, const std::vector<JournalPoint>& journal,
                        const Layout& l, std::size_t& tallest) {
  const std::int64_t slice_ms = l.scale.end_ms / kSlices + (l.scale.end_ms % kSlices != 0);
  const auto sliceOf = [&](std::int64_t t) {
    return static_cast<std::size_t>(
        std::min<std::int64_t>(std::max<std::int64_t>(t, 0) / slice_ms, kSlices - 1));
  };
  const auto perLane = [] {
    return std::vector<std::vector<std::size_t>>(std::size(kLanes),
                                                 std::vector<std::size_t>(kSlices));
  };
  auto counts = perLane(), faults = perLane();
  for (const auto& p : journal) {
    ++counts[laneOf(p.status)][sliceOf(p.t_ms)];
    if (firedFault(p)) ++faults[laneOf(p.status)][sliceOf(p.t_ms)];
  }
  tallest = 1;
  for (const auto& lane : counts)
    tallest = std::max(tallest, *std::max_element(lane.begin(), lane.end()));
  const int room = kLaneHeight - kTickTop - 3;
  const double slice_width = static_cast<double>(kPlotWidth) / kSlices;
  for (const int lane : l.lanes) {
    const int top = l.laneY(l.rowOf(lane));
    for (std::size_t s = 0; s < kSlices; ++s) {
      const std::size_t n = counts[lane][s];
      if (n == 0) continue;
      const int h = std::max(3, static_cast<int>(room * n / tallest));
      const auto from = static_cast<std::int64_t>(s) * slice_ms;
      const std::string when = " from " + clockText(from) + " to " + clockText(from + slice_ms);
      svg << "<rect class=\"" << kLanes[lane].css << "\" x=\"" << num(kLeft + slice_width * s)
          << "\" y=\"" << top + kLaneHeight - 3 - h << "\" width=\"" << num(slice_width)
          << "\" height=\"" << h << "\">"
          << title(counted(n, std::string(kLanes[lane].name) + " request") + when) << "</rect>\n";
      if (faults[lane][s] > 0) {
        drawFaultMarker(svg, kLeft + slice_width * (s + 0.5), top,
                        std::to_string(faults[lane][s]) + " of them with a fired fault" + when);
      }
    }
  }
  return slice_ms;
}
}  // namespace

std::int64_t axisStep(std::int64_t end) {
  const std::int64_t least = std::max<std::int64_t>(1, end / 10 + (end % 10 != 0));
  for (std::int64_t decade = 1;; decade *= 10) {
    for (const std::int64_t m : {1, 2, 5}) {
      if (m * decade >= least) return m * decade;
    }
  }
}

std::vector<JournalPoint> parseJournalLines(std::string_view text, const std::string& name) {
  std::vector<JournalPoint> points;
  std::size_t start = 0, line = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string_view one =
        text.substr(start, end == std::string_view::npos ? end : end - start);
    points.push_back(parseJournalLine(one, name + ":" + std::to_string(++line)));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return points;
}

std::vector<JournalPoint> readJournalFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read the journal: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error(path + ": cannot read the journal");
  return parseJournalLines(text.str(), path);
}

std::string renderTimeline(const Report& r, const std::vector<JournalPoint>& journal) {
  Layout l;
  l.scale = scaleFor(r, journal);
  l.lanes = {0, 1, 2};
  const bool any_other = std::any_of(journal.begin(), journal.end(), [](const JournalPoint& p) {
    return laneOf(p.status) == kOtherLane;
  });
  if (any_other) l.lanes.push_back(kOtherLane);
  const std::size_t fired = static_cast<std::size_t>(std::count_if(
      journal.begin(), journal.end(), [](const JournalPoint& p) { return firedFault(p); }));
  const int height = l.lanesBottom() + 36;

  std::ostringstream svg;
  svg << "<svg class=\"timeline\" viewBox=\"0 0 " << kWidth << " " << height
      << "\" role=\"img\" aria-labelledby=\"timeline-caption\">\n";
  drawLanesAndAxis(svg, l);
  drawOperations(svg, r, l);
  std::size_t tallest = 0;
  std::int64_t slice_ms = 0;
  const bool sliced = journal.size() > kMaxTimelineMarks;
  if (sliced) {
    slice_ms = drawSlices(svg, journal, l, tallest);
  } else {
    drawRequests(svg, journal, l);
  }
  svg << "</svg>\n";

  std::ostringstream out;
  out << "<h2 id=\"timeline\">Timeline</h2>\n<figure>\n" << svg.str() << "<div class=\"legend\">";
  for (const int lane : l.lanes) {
    out << "<span><svg width=\"12\" height=\"12\"><rect class=\"" << kLanes[lane].css
        << "\" width=\"12\" height=\"12\"/></svg>" << kLanes[lane].name << ": "
        << escapeHtml(kLanes[lane].meaning) << "</span>";
  }
  out << "<span><svg width=\"12\" height=\"12\"><path class=\"fault\" d=\"M1 1h10l-5 10z\"/>"
         "</svg>a fault fired</span><span><svg width=\"12\" height=\"12\"><rect "
         "class=\"band-sync\" width=\"12\" height=\"12\"/></svg>sync operation</span><span><svg "
         "width=\"12\" height=\"12\"><rect class=\"band-revoke\" width=\"12\" height=\"12\"/>"
         "</svg>revoke operation; its span is shaded: the revocation phase</span></div>\n"
      << "<figcaption id=\"timeline-caption\" data-marks=\"" << (sliced ? "sliced" : "per-request")
      << "\">";
  if (journal.empty()) {
    out << "No journal was given to this page, so only the operations are drawn; the journal "
           "file, when written, holds every request.";
  } else if (sliced) {
    out << journal.size() << " requests, too many to mark one by one: each lane groups them into "
        << kSlices << " time slices of " << slice_ms
        << " ms, and a bar's height is the number of requests in its slice (the tallest holds "
        << tallest << "; any non-empty slice is at least 3 px tall). A triangle marks a slice "
        << "in which a fault fired on a request of that lane (" << fired << " requests in all).";
  } else {
    out << "Each tick is one of the " << journal.size() << " requests the mock served, placed at "
        << "its arrival on the drill clock, in the lane of its HTTP status class; a triangle "
        << "above a tick marks one of the " << fired << " requests on which a fault fired. "
        << "Requests a few milliseconds apart overlap; hover a mark for each request.";
  }
  out << "</figcaption>\n</figure>\n";
  return out.str();
}
}  // namespace faultline::reports
