// One record per answered query: the clock, the client, the bytes, the region chosen.
#include "dns/server/tap_stage.hpp"

#include <time.h>

#include <cstring>

namespace lodestar::server {

void TapStage::afterFinish(const engine::AnswerContext& a) noexcept {
  using dnstap::TapRecord;
  if (a.size > TapRecord::kBytes) return;  // not a query anyone sends; not worth a slot
  TapRecord* rec = ring_.claim();
  if (!rec) return;  // full: counted by the ring
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  rec->sec = now.tv_sec;
  rec->nsec = static_cast<uint32_t>(now.tv_nsec);
  rec->client = a.client->source;
  rec->clientPort = 0;  // the answer path does not carry it
  rec->tcp = tcp_;
  rec->queryLength = static_cast<uint16_t>(a.size);
  std::memcpy(rec->bytes, a.data, a.size);
  rec->responseKept = a.size + a.length <= TapRecord::kBytes;
  rec->responseLength = rec->responseKept ? static_cast<uint16_t>(a.length) : 0;
  if (rec->responseLength) std::memcpy(rec->bytes + a.size, a.out, a.length);
  rec->regionLength = 0;
  if (a.kind == engine::AnswerKind::Steered && a.steering.record && a.steering.regionCount) {
    const zones::View* view = views_.current();
    const uint16_t id = a.steering.regions[0];
    if (view && id < view->regions().size()) {
      const std::string& name = view->regions()[id].name;
      rec->regionLength = static_cast<uint8_t>(name.size() < TapRecord::kRegionBytes ? name.size() : TapRecord::kRegionBytes);
      std::memcpy(rec->region, name.data(), rec->regionLength);
    }
  }
  ring_.publish();
}

}  // namespace lodestar::server
