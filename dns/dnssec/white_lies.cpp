#include "dns/dnssec/white_lies.hpp"

#include <cstdint>
#include <cstring>

#include "zones/zone.hpp"

namespace lodestar::dnssec {

namespace {

// Names are compared in canonical order, lower case (RFC 4034 6.1): a byte made here never
// lands on an upper-case letter, which would sort as its lower-case self.
uint8_t below(uint8_t b) noexcept { return b > 'A' && b <= 'Z' + 1 ? uint8_t{'A' - 1} : uint8_t(b - 1); }
uint8_t above(uint8_t b) noexcept { return b >= 'A' - 1 && b < 'Z' ? uint8_t{'Z' + 1} : uint8_t(b + 1); }

// `out` = `label` (length byte and bytes) then the rest of `name` after its first label.
bool compose(const uint8_t* label, size_t labelSize, std::string_view parent, wire::WireName& out) noexcept {
  if (labelSize > 63 || 1 + labelSize + parent.size() > wire::kMaxNameLength) return false;
  out.bytes[0] = static_cast<uint8_t>(labelSize);
  std::memcpy(out.bytes + 1, label, labelSize);
  std::memcpy(out.bytes + 1 + labelSize, parent.data(), parent.size());
  out.length = static_cast<uint8_t>(1 + labelSize + parent.size());
  return true;
}

}  // namespace

size_t closestEncloserAt(const zones::Zone& zone, std::string_view name) noexcept {
  for (int at = wire::parentOffset(name, 0); at >= 0; at = wire::parentOffset(name, static_cast<size_t>(at)))
    if (zone.find(name.substr(static_cast<size_t>(at)))) return static_cast<size_t>(at);
  return name.size();
}

bool siblingRange(std::string_view name, wire::WireName& owner, wire::WireName& next) noexcept {
  if (name.empty() || name[0] == 0) return false;  // the root has no siblings
  const size_t size = static_cast<uint8_t>(name[0]);
  const auto* first = reinterpret_cast<const uint8_t*>(name.data() + 1);
  const std::string_view parent = name.substr(1 + size);
  uint8_t label[64];
  // Before: the label with its last byte one less, then 0xff ("b" → "a\255"), which sorts
  // after every name under "a" that a zone holds. A last byte of 0 is dropped instead, and
  // 0xff goes first ("a\000" → "\255.a"): between the two lie only names with 0xff bytes.
  std::memcpy(label, first, size);
  if (first[size - 1] != 0) {
    label[size - 1] = below(first[size - 1]);
    size_t n = size;
    if (n < 63) {
      label[n++] = 0xff;
      if (!compose(label, n, parent, owner)) return false;
    } else {
      // No room for the 0xff byte: the lowered label's own names would lie in the range, so
      // the owner is the greatest of them a zone holds in practice, "\255." before it.
      const uint8_t top = 0xff;
      wire::WireName lowered;
      if (!compose(label, n, parent, lowered) || !compose(&top, 1, lowered.view(), owner)) return false;
    }
  } else {
    if (size == 1) return false;  // "\000.P" follows P itself, which exists
    const uint8_t top = 0xff;
    wire::WireName shorter;
    if (!compose(first, size - 1, parent, shorter) || !compose(&top, 1, shorter.view(), owner)) return false;
  }
  // After: the label with a 0 byte added ("b" → "b\000"): only names under "b" lie between.
  // A label of 63 bytes instead takes its last byte below 0xff one higher and ends there.
  size_t n = size;
  std::memcpy(label, first, size);
  if (n < 63) {
    label[n++] = 0;
  } else {
    while (n && label[n - 1] == 0xff) --n;
    if (!n) return false;
    label[n - 1] = above(label[n - 1]);
  }
  return compose(label, n, parent, next);
}

}  // namespace lodestar::dnssec
