// One answered query as the dnstap writer needs it: a fixed-size value a worker fills and the
// writer thread encodes, so taking a copy costs no allocation and no lock.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dns/wire/address.hpp"

namespace lodestar::dnstap {

struct TapRecord {
  static constexpr size_t kBytes = 2048;       // query and response together
  static constexpr size_t kRegionBytes = 47;   // a region name longer than this is cut

  int64_t sec;        // when the query was answered (CLOCK_REALTIME)
  uint32_t nsec;
  wire::Address client;
  uint16_t clientPort;
  bool tcp;
  bool responseKept;  // false: the response did not fit beside the query (counted)
  uint16_t queryLength;
  uint16_t responseLength;  // 0: nothing was sent (a stage dropped it)
  uint8_t regionLength;  // 0: no region chose the answer
  char region[kRegionBytes];
  uint8_t bytes[kBytes];  // the query, then the response

  const uint8_t* query() const noexcept { return bytes; }
  const uint8_t* response() const noexcept { return bytes + queryLength; }
};

}  // namespace lodestar::dnstap
