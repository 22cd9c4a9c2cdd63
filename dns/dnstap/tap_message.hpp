// TapRecord → dnstap protobuf frames (AUTH_QUERY, AUTH_RESPONSE), written by the writer
// thread only: this is where the allocation and the encoding happen, never on a worker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dns/dnstap/tap_record.hpp"

namespace lodestar::dnstap {

struct TapIdentity {
  std::string identity;  // dnstap's identity field: the node's name
  std::string version;   // its version field
};

/// The AUTH_QUERY frame of `rec` into `out` (replacing what it held). `region`: the name of
/// the region that answered, written into the extra field as "region=NAME" ("" none).
void encodeQuery(const TapRecord& rec, const TapIdentity& who, std::string_view region, std::vector<uint8_t>& out);
/// The AUTH_RESPONSE frame (the query's time and bytes beside the response's, as dnstap
/// readers expect); `rec.responseKept` must be true.
void encodeResponse(const TapRecord& rec, const TapIdentity& who, std::string_view region, std::vector<uint8_t>& out);

}  // namespace lodestar::dnstap
