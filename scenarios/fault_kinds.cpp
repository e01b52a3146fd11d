#include "scenarios/fault_kinds.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "scenarios/fault_plan.h"
#include "scenarios/json_reader.h"

namespace faultline::scenarios {
namespace {

using Type = FaultParam::Type;

// Every request an API serves, as opposed to the token endpoint.
constexpr unsigned kApi = kList | kRead | kWrite | kDiscovery;
constexpr unsigned kGets = kList | kRead | kDiscovery;

FaultParam integer(std::string_view name, std::int64_t min, std::int64_t max,
                   std::int64_t fallback) {
  return {.name = name, .type = Type::Integer, .min = min, .max = max, .default_integer = fallback};
}

FaultParam requiredInteger(std::string_view name, std::int64_t min, std::int64_t max) {
  FaultParam p = integer(name, min, max, 0);
  p.required = true;
  return p;
}

// An HTTP status limited to the ones the kind can send.
FaultParam status(std::vector<std::string_view> allowed, std::int64_t fallback) {
  return {.name = "status",
          .type = Type::Integer,
          .min = 100,
          .max = 599,
          .default_integer = fallback,
          .choices = std::move(allowed)};
}

FaultParam choice(std::string_view name, std::vector<std::string_view> choices,
                  std::string_view fallback) {
  return {
      .name = name, .type = Type::Choice, .default_text = fallback, .choices = std::move(choices)};
}

FaultParam text(std::string_view name, bool required, std::string_view fallback = "") {
  return {.name = name, .type = Type::Text, .default_text = fallback, .required = required};
}

FaultParam announce() {
  return {.name = "announce", .type = Type::Boolean};
}

void readStatus(FaultParamReader& p, FaultRule& f) {
  f.status = static_cast<int>(p.integer("status"));
}

std::vector<FaultKindInfo> buildKinds() {
  using K = FaultKind;
  using F = FaultFamily;
  using P = FaultPhase;
  auto none = [](FaultParamReader&, FaultRule&) {};
  std::vector<FaultKindInfo> kinds = {
      {K::RateLimit,
       "rate_limit",
       F::RateLimit,
       P::BeforeHandler,
       kApi,
       false,
       {status({"429", "503"}, 429), integer("retry_after_seconds", 0, 3600, 1),
        choice("retry_after_format", {"seconds", "http-date"}, "seconds")},
       [](FaultParamReader& p, FaultRule& f) {
         readStatus(p, f);
         f.retry_after_seconds = static_cast<int>(p.integer("retry_after_seconds"));
         f.retry_after_http_date = p.text("retry_after_format") == "http-date";
       }},
      {K::ServerError,
       "server_error",
       F::Server,
       P::BeforeHandler,
       kApi,
       false,
       {status({"500", "502", "503", "504"}, 503),
        choice("body", {"json", "html", "empty"}, "json")},
       [](FaultParamReader& p, FaultRule& f) {
         readStatus(p, f);
         f.body = p.text("body");
       }},
      {K::RevokeToken, "revoke_token", F::Auth, P::BeforeHandler, kApi, false, {}, none},
      {K::TokenEndpointError,
       "token_endpoint_error",
       F::Auth,
       P::BeforeHandler,
       kToken,
       false,
       {status({"400", "401", "500", "503"}, 401), text("error", false, "invalid_client")},
       [](FaultParamReader& p, FaultRule& f) {
         readStatus(p, f);
         f.error = p.text("error");
       }},
      {K::ShortPage,
       "short_page",
       F::Paging,
       P::ResponseRewrite,
       kList,
       false,
       {integer("drop", 1, 10'000, 1)},
       [](FaultParamReader& p, FaultRule& f) { f.drop = static_cast<int>(p.integer("drop")); }},
      {K::EmptyPage, "empty_page", F::Paging, P::ResponseRewrite, kList, false, {}, none},
      {K::TotalResultsLie,
       "total_results_lie",
       F::Paging,
       P::ResponseRewrite,
       kList,
       false,
       {requiredInteger("total_results", 0, 1'000'000'000)},
       [](FaultParamReader& p, FaultRule& f) { f.total_results = p.integer("total_results"); }},
      {K::TruncateBody, "truncate_body", F::Transport, P::ResponseRewrite, kApi, false, {}, none},
      {K::RenameAttribute,
       "rename_attribute",
       F::Schema,
       P::ResponseRewrite,
       kApi,
       true,
       {text("from", true), text("to", true), announce()},
       [](FaultParamReader& p, FaultRule& f) {
         f.from = p.text("from");
         f.to = p.text("to");
         if (p.has("from") && p.has("to") && f.from == f.to)
           p.fail("to", "must differ from \"from\"");
         f.announce = p.boolean("announce");
       }},
      {K::RetypeAttribute,
       "retype_attribute",
       F::Schema,
       P::ResponseRewrite,
       kApi,
       true,
       {text("from", true), announce()},
       [](FaultParamReader& p, FaultRule& f) {
         f.from = p.text("from");
         f.announce = p.boolean("announce");
       }},
      {K::RemoveAttribute,
       "remove_attribute",
       F::Schema,
       P::ResponseRewrite,
       kApi,
       true,
       {text("from", true), announce()},
       [](FaultParamReader& p, FaultRule& f) {
         f.from = p.text("from");
         f.announce = p.boolean("announce");
       }},
      {K::MoveAttribute,
       "move_attribute",
       F::Schema,
       P::ResponseRewrite,
       kApi,
       true,
       {text("from", true), {.name = "to", .type = Type::Pointer, .required = true}, announce()},
       [](FaultParamReader& p, FaultRule& f) {
         f.from = p.text("from");
         f.to = p.text("to");
         f.announce = p.boolean("announce");
       }},
      {K::WriteNotApplied, "write_not_applied", F::Write, P::WriteEffect, kWrite, false, {}, none},
      {K::WriteDelayed,
       "write_delayed",
       F::Write,
       P::WriteEffect,
       kWrite,
       false,
       {integer("after_requests", 1, 100'000, 1)},
       [](FaultParamReader& p, FaultRule& f) {
         f.after_requests = static_cast<int>(p.integer("after_requests"));
       }},
      {K::WriteReverted,
       "write_reverted",
       F::Write,
       P::WriteEffect,
       kWrite,
       false,
       {integer("after_requests", 1, 100'000, 1)},
       [](FaultParamReader& p, FaultRule& f) {
         f.after_requests = static_cast<int>(p.integer("after_requests"));
       }},
      {K::PartialApply, "partial_apply", F::Write, P::WriteEffect, kWrite, false, {}, none},
      {K::StaleRead,
       "stale_read",
       F::Staleness,
       P::HandlerView,
       kGets,
       true,
       {integer("lag_writes", 1, 100'000, 1)},
       [](FaultParamReader& p, FaultRule& f) {
         f.lag_writes = static_cast<int>(p.integer("lag_writes"));
       }},
      {K::LostScope,
       "lost_scope",
       F::Staleness,
       P::BeforeHandler,
       kGets,
       false,
       {choice("mode", {"forbidden", "empty"}, "forbidden")},
       [](FaultParamReader& p, FaultRule& f) { f.silent = p.text("mode") == "empty"; }},
      {K::Latency,
       "latency",
       F::Transport,
       P::Transport,
       kApi,
       true,
       {integer("delay_ms", 0, 60'000, 0), integer("jitter_ms", 0, 60'000, 0)},
       [](FaultParamReader& p, FaultRule& f) {
         f.delay_ms = static_cast<int>(p.integer("delay_ms"));
         f.jitter_ms = static_cast<int>(p.integer("jitter_ms"));
         if (p.valid() && f.delay_ms + f.jitter_ms == 0)
           p.fail("delay_ms", "delay_ms or jitter_ms must be above 0");
       }},
      {K::GarbageBody, "garbage_body", F::Transport, P::BeforeHandler, kApi, false, {}, none},
      {K::DropConnection, "drop_connection", F::Transport, P::BeforeHandler, kApi, false, {}, none},
      {K::LostResponse, "lost_response", F::Transport, P::WriteEffect, kWrite, false, {}, none},
      {K::ShiftedPage,
       "shifted_page",
       F::Paging,
       P::HandlerView,
       kList,
       false,
       {requiredInteger("shift", -10'000, 10'000)},
       [](FaultParamReader& p, FaultRule& f) {
         f.shift = static_cast<int>(p.integer("shift"));
         if (p.has("shift") && f.shift == 0) p.fail("shift", "must not be 0");
       }},
      {K::CursorError,
       "cursor_error",
       F::Paging,
       P::BeforeHandler,
       kList,
       false,
       {choice("mode", {"expired", "invalid"}, "expired")},
       [](FaultParamReader& p, FaultRule& f) { f.error = p.text("mode"); }},
      {K::AddAttribute,
       "add_attribute",
       F::Schema,
       P::ResponseRewrite,
       kApi,
       true,
       {text("to", true), {.name = "value", .type = Type::Json}, announce()},
       [](FaultParamReader& p, FaultRule& f) {
         f.to = p.text("to");
         if (p.has("to") && (f.to.empty() || f.to.find_first_of("/.[]\"") != std::string::npos))
           p.fail("to", "must be a plain attribute name, got \"" + f.to + "\"");
         if (const nlohmann::json* value = p.json("value")) f.value_json = value->dump();
         f.announce = p.boolean("announce");
       }},
      {K::Throttle,
       "throttle",
       F::RateLimit,
       P::BeforeHandler,
       kApi,
       false,
       {status({"429", "503"}, 429), requiredInteger("capacity", 1, 1'000'000),
        integer("retry_after_seconds", 1, 3600, 1)},
       [](FaultParamReader& p, FaultRule& f) {
         readStatus(p, f);
         f.capacity = static_cast<int>(p.integer("capacity"));
         f.retry_after_seconds = static_cast<int>(p.integer("retry_after_seconds"));
       }},
      {K::SlowBody,
       "slow_body",
       F::Transport,
       P::Transport,
       kApi,
       true,
       {integer("chunk_bytes", 1, 1 << 20, 1024), integer("delay_ms", 1, 60'000, 100)},
       [](FaultParamReader& p, FaultRule& f) {
         f.chunk_bytes = static_cast<int>(p.integer("chunk_bytes"));
         f.delay_ms = static_cast<int>(p.integer("delay_ms"));
       }},
      {K::ChangeIdFormat,
       "change_id_format",
       F::Identity,
       P::ResponseRewrite,
       kApi,
       true,
       {choice("style", {"compact", "uppercase"}, "compact")},
       [](FaultParamReader& p, FaultRule& f) { f.style = p.text("style"); }},
      {K::KillConnector,
       "kill_connector",
       F::Process,
       P::ConnectorProcess,
       kApi,
       false,
       {integer("after_matches", 0, 1'000'000, 0)},
       [](FaultParamReader& p, FaultRule& f) {
         f.after_matches = static_cast<int>(p.integer("after_matches"));
         // One death per rule unless the plan asks for more: a rule that
         // matched every restart would kill the connector for good.
         if (!p.has("max_fires")) f.max_fires = 1;
       }},
  };
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (static_cast<std::size_t>(kinds[i].kind) != i)
      throw std::logic_error("fault kind rows must follow the enum's order");
  }
  return kinds;
}

}  // namespace

std::string_view requestKindName(unsigned bit) {
  switch (bit) {
    case kList:
      return "list";
    case kRead:
      return "read";
    case kWrite:
      return "write";
    case kToken:
      return "token";
    case kDiscovery:
      return "discovery";
    default:
      return "";
  }
}

std::string describeRequestKinds(unsigned bits) {
  std::vector<std::string_view> names;
  for (unsigned bit = 1; bit <= kDiscovery; bit <<= 1) {
    if ((bits & bit) != 0) names.push_back(requestKindName(bit));
  }
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

const FaultParam& FaultParamReader::param(std::string_view name, FaultParam::Type type) const {
  for (const FaultParam& p : info_.params) {
    const bool textual = type == Type::Text && (p.type == Type::Choice || p.type == Type::Pointer ||
                                                p.type == Type::Text);
    if (p.name == name && (p.type == type || textual)) return p;
  }
  throw std::logic_error("fault kind " + std::string(info_.name) + " reads an undeclared " +
                         "parameter " + std::string(name));
}

std::int64_t FaultParamReader::integer(std::string_view name) {
  const FaultParam& p = param(name, Type::Integer);
  const std::string key(name);
  const std::int64_t value = r_.integer(key, p.default_integer, p.min, p.max, p.required);
  if (p.choices.empty() || !r_.has(key)) return value;
  std::string list;
  for (std::string_view c : p.choices) {
    if (c == std::to_string(value)) return value;
    list += (list.empty() ? "" : ", ") + std::string(c);
  }
  r_.fail(key, "must be one of " + list + ", got " + std::to_string(value));
  return value;
}

std::string FaultParamReader::text(std::string_view name) {
  const FaultParam& p = param(name, Type::Text);
  const std::string key(name);
  const std::string value =
      p.required ? r_.string(key, true).value_or("") : r_.string(key, std::string(p.default_text));
  if (!r_.has(key)) return value;
  if (p.type == Type::Choice &&
      std::find(p.choices.begin(), p.choices.end(), value) == p.choices.end()) {
    std::string list;
    for (std::size_t i = 0; i < p.choices.size(); ++i) {
      if (i > 0) list += i + 1 == p.choices.size() ? " or " : ", ";
      list += "\"" + std::string(p.choices[i]) + "\"";
    }
    r_.fail(key, "must be " + list + ", got \"" + value + "\"");
  }
  if (p.type == Type::Pointer) {
    bool ok = value.size() >= 2 && value[0] == '/';
    try {
      if (ok) nlohmann::json::json_pointer parsed(value);
    } catch (const nlohmann::json::exception&) {
      ok = false;
    }
    if (!ok)
      r_.fail(key, "must be a JSON pointer such as \"/urn:example:ext:User/login\", got \"" +
                       value + "\"");
  }
  return value;
}

bool FaultParamReader::boolean(std::string_view name) {
  param(name, Type::Boolean);
  return r_.boolean(std::string(name), false);
}

const nlohmann::json* FaultParamReader::json(std::string_view name) {
  param(name, Type::Json);
  return r_.anyValue(std::string(name));
}

bool FaultParamReader::has(std::string_view name) const {
  return r_.has(std::string(name));
}

void FaultParamReader::fail(std::string_view name, std::string message) {
  r_.fail(std::string(name), std::move(message));
}

bool FaultParamReader::valid() const {
  return r_.valid();
}

const std::vector<FaultKindInfo>& faultKinds() {
  static const std::vector<FaultKindInfo> kKinds = buildKinds();
  return kKinds;
}

const FaultKindInfo& faultKindInfo(FaultKind kind) {
  return faultKinds().at(static_cast<std::size_t>(kind));
}

const FaultKindInfo* findFaultKind(std::string_view name) {
  for (const FaultKindInfo& info : faultKinds()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

const char* faultKindName(FaultKind kind) {
  return faultKindInfo(kind).name.data();
}

}  // namespace faultline::scenarios
