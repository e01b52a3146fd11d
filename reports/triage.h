#pragma once

// What every report format shares when it tells a reader what to look at
// first: identities named as people name them, how risky the identities a
// finding touches are, one order for findings, one colour per severity, and
// the exemptions a passing verdict rests on. Pure functions of the report;
// thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "reports/report.h"

namespace faultline::reports {

// The userName or displayName the tenant gives `id`; "" when the report does
// not know it.
std::string identityName(const Report& report, const std::string& id);

// "alice@example.com (u-7)", or the id alone when it has no name.
std::string namedId(const Report& report, const std::string& id);

// A record of `type` as people read it: an account, group, entitlement or
// credential by namedId (a credential as "key K of OWNER"); a grant key
// "KIND|PRINCIPAL_TYPE|PRINCIPAL|TARGET" as "PRINCIPAL member of TARGET" or
// "PRINCIPAL holds TARGET", both ends named. Anything else as given.
std::string describeRecord(const Report& report, const std::string& type, const std::string& key);

// How identity teams review: privileged identities first, then non-human
// ones (service accounts and their keys), then everyone else.
enum class RiskGroup { Privileged, NonHuman, Other };
const char* riskGroupTitle(
    RiskGroup group);  // "privileged", "service accounts and their keys", "others"

// The group of one record: privileged when any identity it names is, else
// non-human when any is, else other. A credential record is non-human.
RiskGroup riskGroupOf(const Report& report, const std::string& type, const std::string& key);

// The ids of identities a finding is about: a revocation finding's account
// and target, a completeness finding's missing and phantom records (both
// ends of a grant), and any known identity id its title or detail names.
std::vector<std::string> involvedIds(const Report& report, const Finding& finding);

// Those identities riskiest first (riskRank order), then in the order found.
std::vector<std::string> rankedInvolvedIds(const Report& report, const Finding& finding);

// Those identities by namedId, riskiest first, at most `max` of them and then
// "and N more"; "" when the finding involves none.
std::string involvedNames(const Report& report, const Finding& finding, std::size_t max = 5);

// Whether the report knows `id` as privileged, and as non-human.
bool isPrivileged(const Report& report, const std::string& id);
bool isNonHuman(const Report& report, const std::string& id);

// 0: a privileged non-human identity is involved, 1: a privileged one,
// 2: a non-human one, 3: only others, or none.
int riskRank(const Report& report, const Finding& finding);

// Every finding in the order to fix them: by severity (critical first), then
// by riskRank, then in the order found.
std::vector<const Finding*> fixFirstOrder(const Report& report);

// The worst finding about one revocation action (its title starts
// "<action> <action id> ", harness/scorers/findings.cpp); null when none.
const Finding* findingForAction(const Report& report, const OperationReport& operation,
                                const RevocationOutcome& revocation);

// The one colour language of every coloured mark: critical and error "bad",
// warning "warn", info "muted"; no finding at all "good".
const char* severityTone(std::optional<Severity> severity);

// A revocation's tone: that of the worst finding about the same action.
const char* revocationTone(const Report& report, const OperationReport& operation,
                           const RevocationOutcome& revocation);

// What a revocation asked for, by name: "revoke group membership:
// alice@example.com (u-7) from Admins (g-2)", "revoke entitlement: ...",
// "deprovision: carol@example.com (u-9)". Without `with_ids`, names alone
// where the report knows them ("revoke group membership: alice@example.com
// from Admins"), ids where it does not.
std::string actionText(const Report& report, const RevocationOutcome& revocation,
                       bool with_ids = true);

// One exemption for people: "honest partial accepted for schema-drift —
// REASON" ("(no reason given)" when it has none).
std::string exemptionText(const Report& report, const Exemption& exemption);

// The banner line of a drill that passed (or was let pass while
// inconclusive) only thanks to exemptions: "passed with exemptions: " and
// each exemptionText joined by "; ". "" otherwise.
std::string exemptionBanner(const Report& report);

}  // namespace faultline::reports
