#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace faultline::mocks {

// Appends JSON text directly to a string: the hot response path, where
// building nlohmann::json trees costs ~50x more (see CPP_HTTPLIB_NOTES). The
// caller keeps the structure valid; the writer only escapes and places commas.
// Not thread-safe; one per response.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view k);
  JsonWriter& value(std::string_view v);
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(bool v);
  JsonWriter& value(std::int64_t v);
  JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
  JsonWriter& value(std::uint64_t v);
  JsonWriter& null();
  // Inserts already-serialised JSON as one value.
  JsonWriter& raw(std::string_view json);

  template <typename T>
  JsonWriter& field(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  void separate();

  std::string& out_;
  bool need_comma_ = false;
};

// Appends `s` as a JSON string literal (with quotes) to `out`. Escapes
// quotes, backslashes and control characters; passes well-formed UTF-8
// through and replaces each ill-formed subsequence with U+FFFD, so the result
// is valid UTF-8 whatever bytes `s` holds.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace faultline::mocks
