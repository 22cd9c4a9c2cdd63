// Compression at load time: the same choices the answer writer makes (the longest suffix
// already in the message), limited to what every negative answer holds before the SOA: the
// question, which ends with the apex.
#include "zones/wire_record.hpp"

#include <vector>

#include "dns/wire/constants.hpp"
#include "dns/wire/name_text.hpp"

namespace lodestar::zones {

namespace {

// Do the names at a[i..] and b[j..] spell the same labels (ASCII case folded)?
bool sameSuffix(std::string_view a, size_t i, std::string_view b, size_t j) {
  return a.size() - i == b.size() - j &&
         std::equal(a.begin() + static_cast<long>(i), a.end(), b.begin() + static_cast<long>(j),
                    [](char x, char y) { return wire::asciiLower(static_cast<uint8_t>(x)) == wire::asciiLower(static_cast<uint8_t>(y)); });
}

std::vector<size_t> labelStarts(std::string_view name) {
  std::vector<size_t> out;
  for (size_t at = 0; at < name.size() && name[at] != 0; at += 1 + static_cast<uint8_t>(name[at])) out.push_back(at);
  return out;
}

// A name already in the message that a later name may point into.
struct Target {
  std::string_view name;  // its whole uncompressed form
  size_t literal;         // how many of its bytes were written as labels (the rest is a pointer)
  bool apex;              // in the question
  uint16_t at;            // where its first byte is: in the apex, or in the record
};

void put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xFF);
}

}  // namespace

WireRecord WireRecord::soa(std::string_view apex, std::string_view rdata, uint32_t ttl) {
  WireRecord r;
  auto pointer = [&r](bool fromApex, size_t add) {
    r.patches[r.patchCount++] = {static_cast<uint16_t>(r.bytes.size()), static_cast<uint16_t>(add), fromApex};
    r.bytes += "\xC0";
    r.bytes += '\0';
  };
  pointer(true, 0);  // the owner: the apex
  put16(r.bytes, wire::rrtype::SOA);
  put16(r.bytes, wire::rrclass::IN);
  put16(r.bytes, static_cast<uint16_t>(ttl >> 16));
  put16(r.bytes, static_cast<uint16_t>(ttl & 0xFFFF));
  const size_t rdlengthAt = r.bytes.size();
  put16(r.bytes, 0);

  std::vector<Target> targets = {{apex, apex.size(), true, 0}};
  const size_t mnameLength = wire::wireNameLength(rdata);
  const size_t rnameLength = wire::wireNameLength(rdata.substr(mnameLength));
  for (std::string_view name : {rdata.substr(0, mnameLength), rdata.substr(mnameLength, rnameLength)}) {
    const size_t start = r.bytes.size();
    size_t written = name.size();  // all of it, unless a suffix is found
    bool pointed = false;
    for (size_t i : labelStarts(name)) {
      for (const Target& t : targets) {
        for (size_t j : labelStarts(t.name)) {
          if (j >= t.literal || !sameSuffix(name, i, t.name, j)) continue;
          r.bytes.append(name.substr(0, i));
          pointer(t.apex, t.at + j);
          written = i;
          pointed = true;
          break;
        }
        if (pointed) break;
      }
      if (pointed) break;
    }
    if (!pointed) r.bytes.append(name);
    targets.push_back({name, written, false, static_cast<uint16_t>(start)});
  }
  r.bytes.append(rdata.substr(mnameLength + rnameLength));
  const size_t rdlength = r.bytes.size() - rdlengthAt - 2;
  r.bytes[rdlengthAt] = static_cast<char>(rdlength >> 8);
  r.bytes[rdlengthAt + 1] = static_cast<char>(rdlength & 0xFF);
  return r;
}

}  // namespace lodestar::zones
