// dnstap on the answer path: each answering thread copies every query it answered, with the
// answer and the region chosen (by number: the writer names it), into its own ring; the
// writer thread encodes and writes them. The transport loops call it right after the answer,
// inline: as a pipeline stage, its virtual call and what answerInto kept for it cost a fifth
// of the log's budget (docs/benchmarks.md). With no `dnstap:` there is none.
//
// The UDP loop saves one copy more: it writes the answer straight into the ring's slot, after
// the query (begin(), then finish()), and sends it from there. That is safe because a slot
// is filled again only after the ring has gone round once, and the ring holds more records
// than a batch.
#pragma once

#include <cstdint>
#include <cstring>

#include "dns/dnstap/tap_clock.hpp"
#include "dns/dnstap/tap_ring.hpp"
#include "dns/engine/answer_context.hpp"

namespace lodestar::server {

class TapRecorder {
 public:
  TapRecorder(dnstap::TapRing& ring, dnstap::TapClock clock) noexcept : ring_(ring), clock_(clock) {}

  /// Where to write the answer to `query`: in the next slot, right after a copy of the query,
  /// with at least `answerRoom` bytes. Null when the ring is full (the drop is counted) or
  /// the two would not fit together: then answer elsewhere. Call finish() after the answer.
  /// `readable` bytes may be read at `query` (its buffer): a short query is copied as a
  /// whole kShortCopy bytes, a few instructions and no call (the answer covers the rest).
  [[gnu::always_inline]] uint8_t* begin(const uint8_t* query, size_t size, size_t readable, size_t answerRoom) noexcept {
    using dnstap::TapRecord;
    static_assert(kShortCopy < TapRecord::kBytes);
    apart_ = size + answerRoom > TapRecord::kBytes;
    if (apart_ || !ring_.claim()) return nullptr;
    rec_ = &ring_.slot();
    if (size <= kShortCopy && readable >= kShortCopy) std::memcpy(rec_->bytes, query, kShortCopy);
    else std::memcpy(rec_->bytes, query, size);
    return rec_->bytes + size;
  }
  /// After answerQuery() wrote where begin() said (`inSlot`: what it returned): the record is
  /// completed and published; or, when begin() gave no place because the two would not fit
  /// together, copied from where they are.
  [[gnu::always_inline]] void finish(const engine::AnswerContext& a, bool inSlot, uint64_t viewSerial) noexcept {
    if (inSlot) [[likely]] {
      rec_->responseKept = true;
      rec_->responseLength = static_cast<uint16_t>(a.length);
      publish(*rec_, a, viewSerial);
    } else if (apart_) {
      record(a, viewSerial);
    }
  }
  static constexpr size_t kShortCopy = 64;

  /// `a` as answerQuery() left it, the query and its answer wherever they are. A full ring
  /// drops the record (counted).
  [[gnu::always_inline]] void record(const engine::AnswerContext& a, uint64_t viewSerial) noexcept {
    using dnstap::TapRecord;
    if (a.size > TapRecord::kBytes || !ring_.claim()) return;  // a query that long: not worth a slot
    TapRecord& rec = ring_.slot();
    std::memcpy(rec.bytes, a.data, a.size);
    rec.responseKept = a.size + a.length <= TapRecord::kBytes;
    rec.responseLength = rec.responseKept ? static_cast<uint16_t>(a.length) : 0;
    if (rec.responseLength) std::memcpy(rec.bytes + a.size, a.out, a.length);
    publish(rec, a, viewSerial);
  }

 private:
  /// The rest of the record, then the writer may read it. `viewSerial` names the view that
  /// answered (its region table: a reload since would name the wrong regions). A query
  /// dropped unparsed is not logged (its slot is filled again next time).
  [[gnu::always_inline]] void publish(dnstap::TapRecord& rec, const engine::AnswerContext& a, uint64_t viewSerial) noexcept {
    if (a.parsed == wire::ParseResult::Drop) return;
    rec.ticks = clock_.now();
    rec.client = a.client->source;
    rec.clientPort = a.client->port;
    rec.queryLength = static_cast<uint16_t>(a.size);
    const bool steered = a.kind == engine::AnswerKind::Steered && a.steering.record && a.steering.regionCount;
    rec.regionId = steered ? a.steering.regions[0] : dnstap::TapRecord::kNoRegion;
    rec.viewSerial = viewSerial;
    ring_.publish();
  }

  dnstap::TapRing& ring_;
  dnstap::TapClock clock_;
  dnstap::TapRecord* rec_ = nullptr;  // begin()'s slot
  bool apart_ = false;                // begin() found query and answer too long for one slot
};

}  // namespace lodestar::server
