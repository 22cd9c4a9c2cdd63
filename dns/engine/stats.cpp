// Summing per-worker counters.
#include "dns/engine/stats.hpp"

#include <bit>

namespace lodestar::engine {

const char* queryPathName(QueryPath path) noexcept {
  switch (path) {
    case QueryPath::Udp: return "udp";
    case QueryPath::Tcp: return "tcp";
    case QueryPath::Xdp: return "xdp";
  }
  return "?";
}

void QueryStats::countTime(uint64_t ns) noexcept {
  // Up to 500 ns: 0; up to 1 us: 1; up to 2 us: 2; ... (the bucket of ceil(ns / 500) - 1).
  const uint64_t halves = (ns + kTimeBucketBaseNs - 1) / kTimeBucketBaseNs;
  const size_t bucket = halves == 0 ? 0 : static_cast<size_t>(std::bit_width(halves - 1));
  ++answerTime[bucket < kTimeBuckets ? bucket : kTimeBuckets - 1];
  answerTimeSumNs += ns;
}

void StatsTotals::add(const QueryStats& s, QueryPath path) noexcept {
  const uint64_t got = s.received.value();
  received += got;
  byPath[static_cast<size_t>(path)] += got;
  dropped += s.dropped.value();
  truncated += s.truncated.value();
  withEcs += s.withEcs.value();
  failOpen += s.failOpen.value();
  unsent += s.unsent.value();
  signatureHits += s.signatureHits.value();
  signaturesMade += s.signaturesMade.value();
  signingFailures += s.signingFailures.value();
  for (size_t i = 0; i < rateLimited.size(); ++i) {
    rateLimited[i] += s.rateLimited[i].value();
    rateSlipped[i] += s.rateSlipped[i].value();
  }
  for (size_t i = 0; i < cookies.size(); ++i) cookies[i] += s.cookies[i].value();
  for (size_t i = 0; i < byRcode.size(); ++i) byRcode[i] += s.byRcode[i].value();
  for (size_t i = 0; i < byQtype.size(); ++i) byQtype[i] += s.byQtype[i].value();
  for (size_t i = 0; i < byRegion.size(); ++i) byRegion[i] += s.byRegion[i].value();
  for (size_t i = 0; i < byZone.size(); ++i) byZone[i] += s.byZone[i].value();
  for (size_t i = 0; i < bySteered.size(); ++i) bySteered[i] += s.bySteered[i].value();
  for (size_t i = 0; i < answerTime.size(); ++i) answerTime[i] += s.answerTime[i].value();
  answerTimeSumNs += s.answerTimeSumNs.value();
}

}  // namespace lodestar::engine
