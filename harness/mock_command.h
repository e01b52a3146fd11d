#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mocks/fault_engine.h"
#include "mocks/journal.h"
#include "scenarios/dialects.h"
#include "scenarios/fault_plan.h"

namespace faultline::harness {

// A mistake on faultline mock's command line; the message names the flag.
struct MockUsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Finds the file --scenario names: a path, or a shipped scenario's name.
using ScenarioResolver = std::function<std::string(const std::string&)>;

// `faultline mock` (docs/mock.md): serves a scenario's tenant until SIGINT
// or SIGTERM, printing each request as it is served, streaming the journal
// to a file, and serving the admin API; prints a fault summary at the end.
// Exit 0 when stopped by a signal, 2 for a usage or scenario error.
int commandMock(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                const ScenarioResolver& resolve);

// What `faultline mock --help` prints.
std::string mockHelp();

// A --fault value, KIND[:NAME=VALUE,...], as the rule a scenario would hold.
struct FaultFlag {
  nlohmann::json rule;  // as written in a scenario's "faults"
  scenarios::FaultRule parsed;
};

// Parses one --fault value: each NAME is one of the kind's parameters (typed
// by the fault kinds table) or one of id, min_fires, max_fires, probability,
// resource, methods (GET|POST), page, ordinal, attempt (N or N-M). The rule
// passes the checks an added rule passes (mocks::readRuntimeRule). Without
// an id it is named after its kind, with -2, -3 ... when `taken` holds that.
// Throws MockUsageError naming the flag and the parameter.
FaultFlag parseFaultFlag(const std::string& spec, const scenarios::DialectTraits& dialect,
                         const std::set<std::string>& taken);

// One served request as the mock prints it:
// "#7 GET /scim/v2/Users?count=2 -> 429 (0.31 ms) users-429 (rate_limit): 429".
std::string formatServedRequest(const mocks::JournalEntry& entry);

// What the fault records of the journal said, per rule id: effect -> count.
using EffectTally = std::map<std::string, std::map<std::string, int>>;
void tallyEffects(const mocks::JournalEntry& entry, EffectTally& tally);

// The fault summary printed on exit: one line per rule with its firings and
// its most frequent effects.
std::string formatFaultSummary(const std::vector<mocks::FaultRuleState>& rules,
                               const EffectTally& tally);

}  // namespace faultline::harness
