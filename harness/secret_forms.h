#pragma once

#include <string>
#include <vector>

namespace faultline::harness {

// Every spelling of a drill's credentials that a connector can be foreseen to
// print, longest first so that redaction never leaves the tail of a longer
// one: each secret as is, percent-encoded (RFC 3986) and form-encoded
// (RFC 6749 appendix B), JSON-escaped, and base64; and the HTTP Basic
// credentials base64(client_id ":" client_secret), with and without the
// form-encoding RFC 6749 section 2.3.1 asks for. Base64 forms are listed
// without their padding, which finds (and redacts) padded and unpadded alike.
// Forms that coincide (a hex secret needs no escaping) are listed once, so a
// scan of a large output costs little more than the plain secrets did.
// `secrets` are the client secret and bearer tokens.
std::vector<std::string> secretForms(const std::vector<std::string>& secrets,
                                     const std::string& client_id,
                                     const std::string& client_secret);

std::string base64Encode(const std::string& bytes);

}  // namespace faultline::harness
