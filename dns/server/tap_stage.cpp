// One record per answered query: the clock, the client, the bytes, the region chosen (by
// number: the writer names it, so a worker copies no name).
#include "dns/server/tap_stage.hpp"

#include <time.h>

#include <cstring>

#include "zones/view.hpp"

namespace lodestar::server {

void TapStage::afterFinish(const engine::AnswerContext& a, const zones::View& view) noexcept {
  using dnstap::TapRecord;
  if (a.size > TapRecord::kBytes) return;  // not a query anyone sends; not worth a slot
  TapRecord* rec = ring_.claim();
  if (!rec) return;  // full: counted by the ring
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  rec->sec = now.tv_sec;
  rec->nsec = static_cast<uint32_t>(now.tv_nsec);
  rec->client = a.client->source;
  rec->clientPort = a.client->port;
  rec->tcp = tcp_;
  rec->queryLength = static_cast<uint16_t>(a.size);
  std::memcpy(rec->bytes, a.data, a.size);
  rec->responseKept = a.size + a.length <= TapRecord::kBytes;
  rec->responseLength = rec->responseKept ? static_cast<uint16_t>(a.length) : 0;
  if (rec->responseLength) std::memcpy(rec->bytes + a.size, a.out, a.length);
  const bool steered = a.kind == engine::AnswerKind::Steered && a.steering.record && a.steering.regionCount;
  rec->regionId = steered ? a.steering.regions[0] : TapRecord::kNoRegion;
  rec->viewSerial = view.serial();
  ring_.publish();
}

}  // namespace lodestar::server
