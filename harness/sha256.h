#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace faultline::harness {

// SHA-256 (FIPS 180-4) of `data`, as 64 lowercase hex digits.
std::string sha256Hex(std::string_view data);

// SHA-256 of a file's bytes; nullopt when it cannot be read.
std::optional<std::string> sha256File(const std::string& path);

}  // namespace faultline::harness
