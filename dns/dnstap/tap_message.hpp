// TapRecord → dnstap protobuf frames (AUTH_QUERY, AUTH_RESPONSE), written by the writer
// thread only: this is where the allocation and the encoding happen, never on a worker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dns/dnstap/tap_clock.hpp"
#include "dns/dnstap/tap_record.hpp"

namespace lodestar::dnstap {

struct TapIdentity {
  std::string identity;  // dnstap's identity field: the node's name
  std::string version;   // its version field
};

/// What the writer knows of a record beside what the worker put in it.
struct TapFrame {
  TapTime when;             // its ticks as the time of day
  bool tcp = false;         // from its ring
  std::string_view region;  // the region that answered ("" none): the extra field says "region=NAME"
};

/// The AUTH_QUERY frame of `rec` into `out` (replacing what it held).
void encodeQuery(const TapRecord& rec, const TapFrame& frame, const TapIdentity& who, std::vector<uint8_t>& out);
/// The AUTH_RESPONSE frame (the query's time and bytes beside the response's, as dnstap
/// readers expect); `rec.responseKept` must be true.
void encodeResponse(const TapRecord& rec, const TapFrame& frame, const TapIdentity& who, std::vector<uint8_t>& out);

}  // namespace lodestar::dnstap
