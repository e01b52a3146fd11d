#pragma once

#include <string>

#include "reports/report.h"

namespace faultline::reports {

// Renders one drill as JUnit XML for CI test views (docs/report-format.md,
// "JUnit XML"); the output is valid against reports/junit.xsd.
//
// One <testsuite> named "<connector>.<scenario>" holds one <testcase> per
// check the drill made: per sync, one per scored object type plus attributes,
// references and honesty, and with a timeline the three freshness checks
// (lag, honesty, leavers); per revoke, one per revocation action; per
// operation, the process checks (process, protocol, Retry-After, secret
// hygiene); and one per fault rule, "fault <id> fired >= <min_fires>".
//
// Every finding lands in exactly one test case (a finding of one round of a
// sync, in that sync's). Error and critical findings fail it (the worst one's
// title is the message); warnings and info go to its <system-out>. The text
// ends with the facts the check rests on: a revocation's claimed and actual
// access, time to result and read-back; the timeline events' lag; the rounds'
// declarations and stale records. Properties carry the failure classes and
// the policy. So the suite has failures exactly when the verdict is failed,
// and a fault that fired too rarely is a skipped test, as an inconclusive
// drill proved nothing about it. `errors` is always 0: a check faultline could
// not make is reported as a finding, never as a test error.
//
// Text is made valid XML whatever bytes the connector printed. A pure
// function of the report; thread-safe.
std::string renderJunitReport(const Report& report);

}  // namespace faultline::reports
