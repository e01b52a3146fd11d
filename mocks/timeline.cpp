#include "mocks/timeline.h"

#include <algorithm>

#include "mocks/seeded_rng.h"

namespace faultline::mocks {
namespace {

using scenarios::TimelineEventKind;

template <typename T>
const T& pickFrom(const std::vector<T>& from, SeededRng& rng) {
  return from[rng.below(from.size())];
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string hex8(std::uint64_t v) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, v >>= 4) out[i] = kDigits[v & 15];
  return out;
}

// The seeded stream of one event: the same seed and index pick the same
// subjects from the same tenant.
SeededRng eventRng(std::uint64_t seed, int index) {
  return SeededRng(mix64(seed ^ mix64(0x74696d656c696e65ULL + static_cast<std::uint64_t>(index))));
}

WriteResult ok() {
  return {WriteStatus::Ok, "", 0};
}

}  // namespace

std::vector<std::string> AppliedEvent::subjects() const {
  std::vector<std::string> out;
  if (!account.empty()) out.push_back(account);
  for (const auto* id : {&group_from, &group_to, &entitlement, &old_key, &new_key})
    if (!id->empty()) out.push_back(*id);
  for (const auto& g : groups) out.push_back(g);
  for (const auto& k : keys_deactivated) out.push_back(k);
  return out;
}

Timeline::Timeline(std::vector<scenarios::TimelineEvent> events, std::uint64_t seed, Tenant& tenant,
                   const Clock& clock)
    : events_(std::move(events)), seed_(seed), tenant_(tenant), clock_(clock) {
  for (const auto& e : events_) outcomes_.push_back({.index = e.index, .kind = e.kind});
}

std::string Timeline::apply(int index, std::uint64_t position, const std::string& into_group) {
  std::lock_guard lock(mutex_);
  AppliedEvent& slot = outcomes_.at(static_cast<std::size_t>(index - 1));
  const std::string name = "timeline event " + std::to_string(index) + " (" +
                           scenarios::timelineEventKindName(slot.kind) + ")";
  if (slot.applied || !slot.what.empty()) return "";  // each event lands at most once
  slot = land(events_.at(static_cast<std::size_t>(index - 1)), into_group);
  slot.position = position;
  slot.applied_ms = clock_.nowMs();
  if (slot.applied) changed_.insert(slot.account);
  return name + ": " + slot.what;
}

std::vector<AppliedEvent> Timeline::outcomes() const {
  std::lock_guard lock(mutex_);
  return outcomes_;
}

AppliedEvent Timeline::land(const scenarios::TimelineEvent& event, const std::string& into_group) {
  const std::string cause = "timeline event " + std::to_string(event.index) + " (" +
                            scenarios::timelineEventKindName(event.kind) + ")";
  AppliedEvent out;
  switch (event.kind) {
    case TimelineEventKind::Joiner:
      out = joiner(event, cause, into_group);
      break;
    case TimelineEventKind::Leaver:
      out = leaver(event, cause);
      break;
    case TimelineEventKind::Mover:
      out = mover(event, cause);
      break;
    case TimelineEventKind::Grant:
      out = grant(event, cause, true);
      break;
    case TimelineEventKind::Ungrant:
      out = grant(event, cause, false);
      break;
    case TimelineEventKind::RotateKey:
      out = rotateKey(event, cause);
      break;
  }
  out.index = event.index;
  out.kind = event.kind;
  if (!out.applied && out.what.empty()) out.what = "no account to pick; not applied";
  return out;
}

AppliedEvent Timeline::joiner(const scenarios::TimelineEvent& event, const std::string& cause,
                              const std::string& into_group) {
  SeededRng rng = eventRng(seed_, event.index);
  AppliedEvent out;
  Account a;
  const std::string tag = std::to_string(event.index) + "-" + hex8(rng.next());
  a.user_name = "joiner." + tag + "@example.test";
  a.emails = {{a.user_name, "work", true}};
  a.given_name = "Joiner";
  a.family_name = tag;
  a.display_name = "Joiner " + tag;
  a.external_id = "joiner-" + tag;
  if (tenant_.createAccount(a, cause, &out.account).status != WriteStatus::Ok) return out;
  out.applied = true;
  std::vector<std::string> groups = tenant_.read([](const TenantState& s) {
    std::vector<std::string> ids;
    for (const auto& g : s.groups) ids.push_back(g.id);
    return ids;
  });
  for (int i = 0; i < event.groups && !groups.empty(); ++i) {
    std::size_t at = rng.below(groups.size());
    if (i == 0 && !into_group.empty()) {
      at = static_cast<std::size_t>(std::find(groups.begin(), groups.end(), into_group) -
                                    groups.begin());
      if (at == groups.size()) break;  // the group is gone: the race has nothing to race
    }
    const std::string group = groups[at];
    groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(at));
    const auto added = tenant_.updateGroup(
        group,
        [&](Group& g) {
          g.members.push_back({out.account, false});
          return ok();
        },
        std::nullopt, cause);
    if (added.status == WriteStatus::Ok) out.groups.push_back(group);
  }
  std::string in;
  for (const auto& g : out.groups) in += (in.empty() ? "" : ", ") + g;
  out.what = "account " + out.account + " (" + a.user_name + ") created" +
             (in.empty() ? "" : ", member of " + in);
  return out;
}

AppliedEvent Timeline::leaver(const scenarios::TimelineEvent& event, const std::string& cause) {
  SeededRng rng = eventRng(seed_, event.index);
  AppliedEvent out;
  const auto candidates = tenant_.read([&](const TenantState& s) {
    std::vector<std::string> ids;
    for (const auto& a : s.accounts) {
      if (a.active && changed_.count(a.id) == 0 && (!event.privileged || a.privileged) &&
          (!event.non_human || a.type == AccountType::Service)) {
        ids.push_back(a.id);
      }
    }
    return ids;
  });
  if (candidates.empty()) return out;
  out.account = pickFrom(candidates, rng);
  const auto done = tenant_.updateAccount(
      out.account,
      [&](Account& a) {
        for (const auto& c : a.credentials)
          if (c.active) out.keys_deactivated.push_back(c.id);
        a.active = false;  // the tenant deactivates the account's keys with it
        return ok();
      },
      std::nullopt, cause);
  out.applied = done.status == WriteStatus::Ok;
  out.what = "account " + out.account + " disabled, " +
             std::to_string(out.keys_deactivated.size()) + " API key(s) deactivated";
  return out;
}

AppliedEvent Timeline::mover(const scenarios::TimelineEvent& event, const std::string& cause) {
  SeededRng rng = eventRng(seed_, event.index);
  AppliedEvent out;
  struct Plan {
    std::vector<std::string> accounts;
    std::vector<std::vector<std::string>> in, out;  // direct groups, other groups
  };
  const Plan plan = tenant_.read([&](const TenantState& s) {
    Plan p;
    for (const auto& a : s.accounts) {
      const auto it = s.member_of.find(a.id);
      if (!a.active || changed_.count(a.id) != 0 || it == s.member_of.end() || it->second.empty())
        continue;
      std::vector<std::string> direct = it->second, others;
      std::sort(direct.begin(), direct.end());
      for (const auto& g : s.groups)
        if (!contains(direct, g.id)) others.push_back(g.id);
      if (others.empty()) continue;
      p.accounts.push_back(a.id);
      p.in.push_back(std::move(direct));
      p.out.push_back(std::move(others));
    }
    return p;
  });
  if (plan.accounts.empty()) return out;
  const std::size_t i = rng.below(plan.accounts.size());
  out.account = plan.accounts[i];
  out.group_from = pickFrom(plan.in[i], rng);
  out.group_to = pickFrom(plan.out[i], rng);
  const Member member{out.account, false};
  tenant_.updateGroup(
      out.group_from,
      [&](Group& g) {
        g.members.erase(std::remove(g.members.begin(), g.members.end(), member), g.members.end());
        return ok();
      },
      std::nullopt, cause);
  const auto joined = tenant_.updateGroup(
      out.group_to,
      [&](Group& g) {
        g.members.push_back(member);
        return ok();
      },
      std::nullopt, cause);
  out.applied = joined.status == WriteStatus::Ok;
  out.what = "account " + out.account + " moved from group " + out.group_from + " to group " +
             out.group_to;
  return out;
}

AppliedEvent Timeline::grant(const scenarios::TimelineEvent& event, const std::string& cause,
                             bool add) {
  SeededRng rng = eventRng(seed_, event.index);
  AppliedEvent out;
  struct Plan {
    std::vector<std::string> accounts;
    std::vector<std::vector<std::string>> choices;  // entitlements to add or remove
  };
  const Plan plan = tenant_.read([&](const TenantState& s) {
    Plan p;
    for (const auto& a : s.accounts) {
      if (!a.active || changed_.count(a.id) != 0) continue;
      std::vector<std::string> choices;
      if (add) {
        for (const auto& e : s.entitlements)
          if (!contains(a.entitlements, e.id)) choices.push_back(e.id);
      } else {
        choices = a.entitlements;
      }
      if (choices.empty()) continue;
      p.accounts.push_back(a.id);
      p.choices.push_back(std::move(choices));
    }
    return p;
  });
  if (plan.accounts.empty()) return out;
  const std::size_t i = rng.below(plan.accounts.size());
  out.account = plan.accounts[i];
  out.entitlement = pickFrom(plan.choices[i], rng);
  const auto done = tenant_.updateAccount(
      out.account,
      [&](Account& a) {
        auto& held = a.entitlements;
        if (add) {
          held.push_back(out.entitlement);
        } else {
          held.erase(std::remove(held.begin(), held.end(), out.entitlement), held.end());
        }
        return ok();
      },
      std::nullopt, cause);
  out.applied = done.status == WriteStatus::Ok;
  out.what = "account " + out.account + (add ? " granted entitlement " : " lost entitlement ") +
             out.entitlement;
  return out;
}

AppliedEvent Timeline::rotateKey(const scenarios::TimelineEvent& event, const std::string& cause) {
  SeededRng rng = eventRng(seed_, event.index);
  AppliedEvent out;
  struct Plan {
    std::vector<std::string> accounts;
    std::vector<std::vector<std::string>> live;
    std::int64_t epoch = 0;
  };
  const Plan plan = tenant_.read([&](const TenantState& s) {
    Plan p;
    p.epoch = s.epoch_seconds;
    for (const auto& a : s.accounts) {
      if (!a.active || a.type != AccountType::Service || changed_.count(a.id) != 0) continue;
      std::vector<std::string> live;
      for (const auto& c : a.credentials)
        if (c.active) live.push_back(c.id);
      if (live.empty()) continue;
      p.accounts.push_back(a.id);
      p.live.push_back(std::move(live));
    }
    return p;
  });
  if (plan.accounts.empty()) return out;
  const std::size_t i = rng.below(plan.accounts.size());
  out.account = plan.accounts[i];
  out.old_key = pickFrom(plan.live[i], rng);
  out.new_key = "key-" + formatUuid(rng.next(), rng.next()).substr(0, 18);
  const auto done = tenant_.updateAccount(
      out.account,
      [&](Account& a) {
        for (auto& c : a.credentials)
          if (c.id == out.old_key) c.active = false;
        Credential fresh;
        fresh.id = out.new_key;
        fresh.expires = formatRfc3339(plan.epoch + 86400 * 365);
        a.credentials.push_back(fresh);
        return ok();
      },
      std::nullopt, cause);
  out.applied = done.status == WriteStatus::Ok;
  out.what = "account " + out.account + ": API key " + out.old_key + " deactivated, " +
             out.new_key + " created";
  return out;
}

}  // namespace faultline::mocks
