// Compression at load time: the same choices the answer writer makes (the longest suffix
// already in the message, first written first), limited to what is known at load: the owner,
// which every answer holds before the set, and the set's own names.
#include "zones/wire_record.hpp"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "dns/wire/constants.hpp"
#include "dns/wire/name_text.hpp"
#include "dns/wire/rdata_names.hpp"

namespace lodestar::zones {

namespace {

// Pointers carry 14 bits: a set longer than this could not point into itself anywhere.
constexpr size_t kMaxRendered = 0x3FFF;

// Do the names at a[i..] and b[j..] spell the same labels (ASCII case folded)?
bool sameSuffix(std::string_view a, size_t i, std::string_view b, size_t j) {
  return a.size() - i == b.size() - j &&
         std::equal(a.begin() + static_cast<long>(i), a.end(), b.begin() + static_cast<long>(j),
                    [](char x, char y) { return wire::asciiLower(static_cast<uint8_t>(x)) == wire::asciiLower(static_cast<uint8_t>(y)); });
}

// At most 128 labels fit a name of 255 bytes.
struct LabelStarts {
  uint8_t at[128];
  size_t count = 0;
  const uint8_t* begin() const noexcept { return at; }
  const uint8_t* end() const noexcept { return at + count; }
};

LabelStarts labelStarts(std::string_view name) {
  LabelStarts out;
  for (size_t at = 0; at < name.size() && name[at] != 0 && out.count < 128 && at < 256;
       at += 1 + static_cast<uint8_t>(name[at]))
    out.at[out.count++] = static_cast<uint8_t>(at);
  return out;
}

// A set as it is rendered, before it is kept: reused from set to set, so that rendering a
// million sets allocates nothing but the arena's chunks.
struct Draft {
  std::string bytes;
  std::vector<WireRecord::Patch> patches;
  std::vector<uint16_t> names;
  uint16_t records = 0;
  WireRecord::Patch lastRdataName;
  bool intoOwner = false;

  void clear() {
    bytes.clear();
    patches.clear();
    names.clear();
    records = 0;
    lastRdataName = {};
    intoOwner = false;
  }
};

// A name already in the message that a later name may point into.
struct Target {
  std::string_view name;  // its whole uncompressed form
  size_t literal;         // how many of its bytes are labels (the rest is a pointer)
  bool owner;             // the owner, else a name of the set at `at` in `bytes`
  uint16_t at;
};

void put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xFF);
}

class Renderer {
 public:
  Renderer(std::string_view apex, std::string_view owner, uint16_t type, Draft& out, std::vector<Target>& targets)
      : apex_(apex), owner_(owner), type_(type), out_(out), targets_(targets),
        wildcard_(owner.size() >= 2 && owner[0] == 1 && owner[1] == '*') {
    targets_.clear();
    targets_.push_back({owner, owner.size(), true, 0});
  }

  void pointer(WireRecord::Base base, size_t add) {
    // The first record's owner pointer is written by the answer without a patch.
    if (!out_.bytes.empty())
      out_.patches.push_back({static_cast<uint16_t>(out_.bytes.size()), static_cast<uint16_t>(add), base});
    out_.bytes += "\xC0";
    out_.bytes += '\0';
  }

  // A pointer to label `j` of the owner: into the apex where that suffix is the apex's.
  void ownerPointer(size_t j) {
    const size_t apexStart = owner_.size() - apex_.size();
    if (j == 0) return pointer(WireRecord::Owner, 0);
    if (j >= apexStart) return pointer(WireRecord::Apex, j - apexStart);
    out_.intoOwner = true;
    pointer(WireRecord::Owner, j);
  }

  void name(std::string_view name) {
    const size_t start = out_.bytes.size();
    for (size_t i : labelStarts(name)) {
      for (const Target& t : targets_) {
        for (size_t j : labelStarts(t.name)) {
          if (j >= t.literal || !sameSuffix(name, i, t.name, j)) continue;
          // A wildcard's sets are written under the qname (RFC 4592): of its owner's labels
          // only the apex's are in every answer, at the apex's place.
          if (t.owner && wildcard_ && j < owner_.size() - apex_.size()) continue;
          out_.bytes.append(name.substr(0, i));
          if (t.owner) ownerPointer(j);
          else pointer(WireRecord::Self, t.at + j);
          // A name that is only a pointer is found where that pointer leads.
          nameAt_ = {0, static_cast<uint16_t>(start), WireRecord::Self};
          if (i == 0) nameAt_ = {0, out_.patches.back().add, out_.patches.back().base};
          remember(name, i, start);
          return;
        }
      }
    }
    out_.bytes.append(name);
    nameAt_ = {0, static_cast<uint16_t>(start), WireRecord::Self};
    remember(name, name.size(), start);
  }

  /// Where the last name written by name() can be pointed at.
  WireRecord::Patch lastNameAt() const { return nameAt_; }

 private:
  void remember(std::string_view name, size_t literal, size_t start) {
    targets_.push_back({name, literal, false, static_cast<uint16_t>(std::min(start, kMaxRendered))});
    if (literal > 0 && type_ == wire::rrtype::NS) out_.names.push_back(static_cast<uint16_t>(std::min(start, kMaxRendered)));
  }

  std::string_view apex_, owner_;
  uint16_t type_;
  Draft& out_;
  std::vector<Target>& targets_;
  bool wildcard_;
  WireRecord::Patch nameAt_;
};

}  // namespace

WireRecord WireRecord::render(std::string_view apex, std::string_view owner, uint16_t type, uint32_t ttl,
                              Span<std::string_view> rdata, Arena& arena) {
  // One record without a name to compress (most of a big zone: one A per name) has no patch
  // and no name to point at: its bytes straight into the arena, the same bytes as below.
  if (rdata.count == 1 && wire::compressedNameLayout(type) == wire::NameLayout::None &&
      rdata.first[0].size() <= kMaxRendered - 12) {
    const std::string_view rd = rdata.first[0];
    unsigned char* p = arena.claimBytes(12 + rd.size());
    const uint16_t fields[] = {0xC000, type, wire::rrclass::IN, static_cast<uint16_t>(ttl >> 16),
                               static_cast<uint16_t>(ttl & 0xFFFF), static_cast<uint16_t>(rd.size())};
    for (size_t i = 0; i < 6; ++i) {
      p[2 * i] = static_cast<unsigned char>(fields[i] >> 8);
      p[2 * i + 1] = static_cast<unsigned char>(fields[i] & 0xFF);
    }
    if (!rd.empty()) std::memcpy(p + 12, rd.data(), rd.size());
    WireRecord out;
    out.bytes_ = reinterpret_cast<const char*>(p);
    out.size_ = static_cast<uint16_t>(12 + rd.size());
    out.records = 1;
    out.lastRdataName = {0, 12, Self};
    return out;
  }
  thread_local Draft r;
  thread_local std::vector<Target> targets;
  r.clear();
  Renderer renderer(apex, owner, type, r, targets);
  for (std::string_view rd : rdata) {
    renderer.pointer(Owner, 0);
    put16(r.bytes, type);
    put16(r.bytes, wire::rrclass::IN);
    put16(r.bytes, static_cast<uint16_t>(ttl >> 16));
    put16(r.bytes, static_cast<uint16_t>(ttl & 0xFFFF));
    const size_t rdlengthAt = r.bytes.size();
    put16(r.bytes, 0);
    const size_t rdataAt = r.bytes.size();
    r.lastRdataName = {0, static_cast<uint16_t>(std::min(rdataAt, kMaxRendered)), Self};
    const wire::RdataNames names = wire::compressibleNames(type, rd);
    size_t at = 0;
    for (unsigned i = 0; i < names.count; ++i) {
      r.bytes.append(rd, at, names.name[i].at - at);
      renderer.name(rd.substr(names.name[i].at, names.name[i].length));
      if (names.name[i].at == 0) r.lastRdataName = renderer.lastNameAt();
      at = names.name[i].at + names.name[i].length;
    }
    r.bytes.append(rd.substr(at));
    const size_t rdlength = r.bytes.size() - rdlengthAt - 2;
    r.bytes[rdlengthAt] = static_cast<char>(rdlength >> 8);
    r.bytes[rdlengthAt + 1] = static_cast<char>(rdlength & 0xFF);
    ++r.records;
    if (r.bytes.size() > kMaxRendered) return WireRecord{};
  }
  WireRecord out;
  const std::string_view bytes = arena.copy(r.bytes);
  out.bytes_ = bytes.data();
  out.size_ = static_cast<uint16_t>(bytes.size());
  const Span<Patch> patches = arena.copy(r.patches.data(), r.patches.size());
  out.patches_ = patches.first;
  out.patchCount_ = static_cast<uint16_t>(patches.count);
  const Span<uint16_t> names = arena.copy(r.names.data(), r.names.size());
  out.names_ = names.first;
  out.nameCount_ = static_cast<uint16_t>(names.count);
  out.records = r.records;
  out.lastRdataName = r.lastRdataName;
  out.intoOwner = r.intoOwner;
  return out;
}

}  // namespace lodestar::zones
