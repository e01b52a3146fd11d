#pragma once

#include <memory>
#include <vector>

#include "harness/scorers/scorer.h"

namespace faultline::harness {

// Fresh instances of every scorer a drill runs, in the order their findings
// appear in a report. Each drill makes its own: scorers may keep state
// across a drill's operations. Adding a scorer is a line in registry.cpp.
std::vector<std::unique_ptr<Scorer>> makeScorers();

}  // namespace faultline::harness
