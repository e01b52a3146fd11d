#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>

#include "harness/manifest.h"
#include "mocks/clock.h"
#include "reports/report.h"
#include "scenarios/acceptance.h"
#include "scenarios/scenario.h"

namespace faultline::harness {

struct DrillOptions {
  std::optional<std::uint64_t> seed;  // overrides the scenario's seed
  std::string out_dir = "faultline-out";
  std::string connector_path;        // the manifest path as given, for the replay command
  std::ostream* progress = nullptr;  // human progress lines; null for none
  // Redraw a live status line on `progress` while a connector runs (a
  // terminal); plain lines only when false.
  bool live = false;
  std::string journal_path;  // where to write the request journal; "" for none
  // Acceptance policy file (not owned; null: built-in default and the
  // scenario's own acceptance block only).
  const scenarios::PolicyFile* policy = nullptr;
  // The drill clock (not owned; null: real monotonic time from the drill's
  // start). Everything timed on it shares it: operation and round times, the
  // mock's token expiry, Retry-After deadlines and fault windows, and when
  // timeline events landed. A test that runs no connector process can pass
  // a mocks::ManualClock and move time itself. A connector's own run time
  // (ProcessResult::duration) is always real.
  const mocks::Clock* clock = nullptr;
};

// Thrown by runDrill when faultline was asked to stop (requestStop, after
// SIGINT or SIGTERM): the connector's processes were killed and nothing was
// scored, so there is no report to write.
struct DrillInterrupted : std::runtime_error {
  explicit DrillInterrupted(int signal)
      : std::runtime_error("interrupted by signal " + std::to_string(signal)),
        signal_number(signal) {}
  int signal_number;
};

// The scenario as it runs against this connector: the connector's dialect
// unless the scenario names one. Throws scenarios::ConfigError naming each
// fault rule the dialect cannot express.
scenarios::Scenario pairWithConnector(const scenarios::Scenario& scenario,
                                      const Manifest& manifest);

// Runs one drill: the scenario's mock target, the connector for each
// operation, the scorers. Never throws for anything the connector does; a
// failure to set up the drill itself (no port, no state directory) throws
// std::runtime_error, and scenarios::ConfigError as pairWithConnector does.
reports::Report runDrill(const scenarios::Scenario& scenario, const Manifest& manifest,
                         const DrillOptions& options);

}  // namespace faultline::harness
