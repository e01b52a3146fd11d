#include "harness/identities.h"

#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

namespace faultline::harness {
namespace {

struct CredentialOwner {
  const mocks::Account* account;
  const mocks::Credential* credential;
};

// The words of `text` that could be ids: runs of letters, digits and
// "-_.@", with a sentence's closing period dropped. Looking each word up in
// the tenant's indexes keeps this linear in the text, whatever the tenant's
// size.
std::vector<std::string> idWords(const std::string& text) {
  const auto part = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' ||
           c == '@';
  };
  std::vector<std::string> words;
  for (std::size_t i = 0; i < text.size();) {
    if (!part(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && part(text[end])) ++end;
    std::string word = text.substr(i, end - i);
    while (!word.empty() && word.back() == '.') word.pop_back();
    if (!word.empty()) words.push_back(std::move(word));
    i = end;
  }
  return words;
}

// The ids the report shows, before any is looked up.
std::set<std::string> referencedIds(const reports::Report& r) {
  std::set<std::string> ids;
  for (const auto& o : r.operations) {
    for (const auto& rv : o.revocations) {
      ids.insert(rv.account);
      if (!rv.target.empty()) ids.insert(rv.target);
    }
    for (const auto& t : o.completeness) {
      for (const auto* list : {&t.missing, &t.phantom}) {
        for (const auto& key : *list) {
          if (t.type != "grant") {
            ids.insert(key);
            continue;
          }
          // KIND|PRINCIPAL_TYPE|PRINCIPAL|TARGET: both ends are identities.
          const auto second = key.find('|', key.find('|') + 1);
          const auto third = second == std::string::npos ? second : key.find('|', second + 1);
          if (third == std::string::npos) continue;
          ids.insert(key.substr(second + 1, third - second - 1));
          ids.insert(key.substr(third + 1));
        }
      }
    }
  }
  for (const auto& e : r.freshness.events) ids.insert(e.subjects.begin(), e.subjects.end());
  return ids;
}

bool groupIsPrivileged(const mocks::TenantState& s, const mocks::Group& g) {
  for (const auto& e : g.entitlements) {
    if (const auto* ent = s.findEntitlement(e); ent != nullptr && ent->privileged) return true;
  }
  return false;
}

std::optional<reports::Identity> lookUp(
    const mocks::TenantState& s, const std::string& id,
    const std::unordered_map<std::string, CredentialOwner>& keys) {
  if (const auto* a = s.findAccount(id); a != nullptr) {
    return reports::Identity{"account", a->user_name.empty() ? a->display_name : a->user_name,
                             a->privileged, a->type == mocks::AccountType::Service, ""};
  }
  if (const auto* g = s.findGroup(id); g != nullptr)
    return reports::Identity{"group", g->display_name, groupIsPrivileged(s, *g), false, ""};
  if (const auto* e = s.findEntitlement(id); e != nullptr)
    return reports::Identity{"entitlement", e->display_name, e->privileged, false, ""};
  if (const auto it = keys.find(id); it != keys.end()) {
    const mocks::Account& owner = *it->second.account;
    return reports::Identity{"credential", owner.user_name, owner.privileged, true, owner.id};
  }
  return std::nullopt;
}

}  // namespace

void nameIdentities(reports::Report& report, const std::vector<const mocks::TenantState*>& states) {
  std::set<std::string> ids = referencedIds(report);
  std::vector<std::unordered_map<std::string, CredentialOwner>> keys(states.size());
  for (std::size_t i = 0; i < states.size(); ++i) {
    const mocks::TenantState& s = *states[i];
    for (const auto& a : s.accounts) {
      for (const auto& c : a.credentials) keys[i].emplace(c.id, CredentialOwner{&a, &c});
    }
    // A finding may name anyone in its title or detail.
    for (const auto& f : report.findings) {
      for (const auto* text : {&f.title, &f.detail}) {
        for (auto& word : idWords(*text)) {
          if (s.findAccount(word) != nullptr || s.findGroup(word) != nullptr ||
              s.findEntitlement(word) != nullptr || keys[i].count(word) != 0)
            ids.insert(std::move(word));
        }
      }
    }
  }
  std::set<std::string> owners;
  for (const auto& id : ids) {
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (auto identity = lookUp(*states[i], id, keys[i])) {
        if (!identity->owner.empty()) owners.insert(identity->owner);
        report.identities[id] = std::move(*identity);
        break;
      }
    }
  }
  for (const auto& id : owners) {
    if (report.identities.count(id) != 0) continue;
    for (std::size_t i = 0; i < states.size(); ++i) {
      if (auto identity = lookUp(*states[i], id, keys[i])) {
        report.identities[id] = std::move(*identity);
        break;
      }
    }
  }
}

}  // namespace faultline::harness
