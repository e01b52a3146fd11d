#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace faultline::mocks {

// Resource ids in another format, as when a vendor migrates its id scheme
// mid-life. The generator's ids are lowercase RFC 4122 UUIDs. `uppercase`
// sends them in capitals (RFC 4122 §3: UUIDs are case-insensitive on input,
// so a connector that compares them as plain strings splits every record in
// two); `compact` sends vendor-style ids, "00u" and the 32 hex digits. Both
// are bijections, so the mock takes either form on input.

bool isUuid(std::string_view text);  // 8-4-4-4-12 hex digits, either case
std::string formatId(std::string_view uuid, std::string_view style);

// Rewrites every resource id in `doc`: string values that are UUIDs or end in
// "/" and a UUID (meta.location, $ref). Returns how many strings changed.
std::size_t reformatIds(nlohmann::ordered_json& doc, std::string_view style);

// `text` with every compact or uppercase id replaced by its canonical
// lowercase UUID: request paths, queries and bodies, before routing.
std::string canonicalIds(std::string_view text);

}  // namespace faultline::mocks
