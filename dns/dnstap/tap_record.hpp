// One answered query as the dnstap writer needs it: a fixed-size value a worker fills and the
// writer thread encodes, so taking a copy costs no allocation and no lock.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dns/wire/address.hpp"

namespace lodestar::dnstap {

struct TapRecord {
  static constexpr size_t kBytes = 2048;  // query and response together
  static constexpr uint16_t kNoRegion = 0xffff;

  uint64_t ticks;     // when the query was answered: TapClock::now(), the writer's to convert
  wire::Address client;
  uint16_t clientPort;
  bool responseKept;  // false: the response did not fit beside the query (counted)
  uint16_t queryLength;
  uint16_t responseLength;  // 0: nothing was sent (a stage dropped it)
  uint16_t regionId;     // the RegionId that answered (kNoRegion: none); the writer names it
  uint64_t viewSerial;   // of the view that answered (zones::View::serial): whose names to use
  uint8_t bytes[kBytes];  // the query, then the response

  const uint8_t* query() const noexcept { return bytes; }
  const uint8_t* response() const noexcept { return bytes + queryLength; }
};

}  // namespace lodestar::dnstap
