// An RRset rendered once, at load, in wire form: written into an answer with one copy and a
// few two-byte fix-ups instead of a name-compression search per name. Its names are
// compressed against the owner's labels (which hold the apex's) and against each other, and
// those pointers are patched to where the owner, the apex and the set itself land in the
// message.
#pragma once

#include <cstdint>
#include <string_view>

#include "zones/arena.hpp"

namespace lodestar::zones {

// One per RRset of every zone: its lists are kept as a pointer and a 16-bit count each (a
// rendered set is at most 16 KiB), 40 bytes in all.
struct WireRecord {
  enum Base : uint8_t { Owner = 0, Apex = 1, Self = 2 };
  struct Patch {
    uint16_t at = 0;   // where in `bytes` the pointer goes
    uint16_t add = 0;  // added to the base's offset in the message
    Base base = Owner;
  };
  /// Each record: owner pointer, type, class, TTL, RDLENGTH, RDATA.
  std::string_view bytes() const noexcept { return {bytes_, size_}; }
  /// Every pointer but the first record's owner, which is always at the start.
  Span<Patch> patches() const noexcept { return {patches_, patchCount_}; }
  /// Where an NS set's target names with labels of their own start in `bytes`: the owners
  /// of its glue, written after it, point there. (Other sets' names are not written again.)
  Span<uint16_t> names() const noexcept { return {names_, nameCount_}; }

 private:
  const char* bytes_ = nullptr;
  const Patch* patches_ = nullptr;
  const uint16_t* names_ = nullptr;
  uint16_t size_ = 0, patchCount_ = 0, nameCount_ = 0;

 public:
  uint16_t records = 0;
  /// Where the name starting the last record's RDATA (a CNAME's target) can be pointed at:
  /// its first label, or where its pointer leads.
  Patch lastRdataName;
  /// Some pointer leads into the owner's labels below the apex: the owner must be written
  /// as labels (the question), not as a pointer, for them to be right.
  bool intoOwner = false;

  /// Every record of an RRset of `owner` (lowercase wire, at or below `apex`), with `ttl`,
  /// kept in `arena`. Empty when the set is too large for its pointers to reach (it is
  /// written field by field).
  static WireRecord render(std::string_view apex, std::string_view owner, uint16_t type, uint32_t ttl,
                           Span<std::string_view> rdata, Arena& arena);
};

static_assert(sizeof(WireRecord) == 40, "one per RRset: keep it small");

}  // namespace lodestar::zones
