// The MaxMind DB format: a binary search tree over 128 address bits, a 16-byte separator,
// a data section of typed values, then "\xAB\xCD\xEFMaxMind.com" and the metadata map.
#include "geo/mmdb_writer.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <map>
#include <stdexcept>

namespace lodestar::geo {

namespace {

// Data section field types (MaxMind DB spec, "Output Data Section").
enum Type : uint8_t { Utf8 = 2, Double = 3, Uint16 = 5, Uint32 = 6, Map = 7, Uint64 = 9, Array = 11 };

class Encoder {
 public:
  std::string out;

  void control(uint8_t type, size_t size) {
    uint8_t first = static_cast<uint8_t>((type <= 7 ? type : 0) << 5);
    std::string extra;
    if (size < 29) {
      first |= static_cast<uint8_t>(size);
    } else if (size < 285) {
      first |= 29;
      extra += static_cast<char>(size - 29);
    } else if (size < 65821) {
      first |= 30;
      size -= 285;
      extra += static_cast<char>(size >> 8);
      extra += static_cast<char>(size);
    } else {
      first |= 31;
      size -= 65821;
      extra += static_cast<char>(size >> 16);
      extra += static_cast<char>(size >> 8);
      extra += static_cast<char>(size);
    }
    out += static_cast<char>(first);
    if (type > 7) out += static_cast<char>(type - 7);
    out += extra;
  }
  void string(const std::string& s) {
    control(Utf8, s.size());
    out += s;
  }
  void unsignedInt(uint8_t type, uint64_t v) {
    std::string bytes;
    while (v) {
      bytes.insert(bytes.begin(), static_cast<char>(v & 0xFF));
      v >>= 8;
    }
    control(type, bytes.size());
    out += bytes;
  }
  void dbl(double d) {
    control(Double, 8);
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((bits >> shift) & 0xFF);
  }
  void map(size_t pairs) { control(Map, pairs); }
  void array(size_t items) { control(Array, items); }
};

std::string encodeFacts(const GeoFacts& f) {
  Encoder e;
  size_t pairs = !f.continent.empty() + !f.country.empty() + f.hasLocation + !f.subdivision.empty() + (f.asn != 0);
  e.map(pairs);
  if (f.asn) {
    e.string("autonomous_system_number");
    e.unsignedInt(Uint32, f.asn);
  }
  if (!f.continent.empty()) {
    e.string("continent");
    e.map(1);
    e.string("code");
    e.string(f.continent);
  }
  if (!f.country.empty()) {
    e.string("country");
    e.map(1);
    e.string("iso_code");
    e.string(f.country);
  }
  if (f.hasLocation) {
    e.string("location");
    e.map(2);
    e.string("latitude");
    e.dbl(f.latitude);
    e.string("longitude");
    e.dbl(f.longitude);
  }
  if (!f.subdivision.empty()) {
    e.string("subdivisions");
    e.array(1);
    e.map(1);
    e.string("iso_code");
    e.string(f.subdivision);
  }
  return e.out;
}

// Address bits as in a 128-bit IPv6 tree: IPv4 a.b.c.d is ::a.b.c.d.
bool bitAt(const wire::Prefix& p, unsigned depth) {
  if (p.address.family == wire::Family::IPv4) {
    if (depth < 96) return false;
    depth -= 96;
  }
  return (p.address.bytes[depth / 8] >> (7 - depth % 8)) & 1;
}

unsigned treeLength(const wire::Prefix& p) { return p.address.family == wire::Family::IPv4 ? 96u + p.length : p.length; }

}  // namespace

void MmdbWriter::insert(const wire::Prefix& network, const GeoFacts& facts) {
  data_.push_back(facts);
  entries_.push_back({network, data_.size() - 1});
}

std::string MmdbWriter::serialize(const std::string& databaseType, const std::string& description) const {
  // The tree: child 0 = empty, top bit = data index, else a node index (the root is 0).
  constexpr uint32_t kData = 0x80000000u;
  std::vector<std::array<uint32_t, 2>> nodes(1, {0, 0});
  std::vector<const Entry*> order;
  for (const auto& e : entries_) order.push_back(&e);
  // Wider networks first: a more specific one then splits them and overrides its part.
  std::stable_sort(order.begin(), order.end(),
                   [](const Entry* a, const Entry* b) { return treeLength(a->network) < treeLength(b->network); });
  for (const Entry* e : order) {
    unsigned len = treeLength(e->network);
    if (len == 0) throw std::runtime_error("a network of length 0 covers everything; use a default instead");
    uint32_t cur = 0;
    for (unsigned d = 0; d < len; ++d) {
      bool b = bitAt(e->network, d);
      if (d + 1 == len) {
        nodes[cur][b] = kData | static_cast<uint32_t>(e->data);
        break;
      }
      uint32_t c = nodes[cur][b];
      if (c != 0 && !(c & kData)) {
        cur = c;
        continue;
      }
      nodes.push_back({c, c});  // both halves inherit what covered the whole
      uint32_t fresh = static_cast<uint32_t>(nodes.size() - 1);
      nodes[cur][b] = fresh;
      cur = fresh;
    }
  }

  // Identical facts share one data record.
  std::string dataSection;
  std::map<std::string, uint32_t> offsets;
  std::vector<uint32_t> dataOffset(data_.size());
  for (size_t i = 0; i < data_.size(); ++i) {
    std::string enc = encodeFacts(data_[i]);
    auto [it, fresh] = offsets.try_emplace(enc, static_cast<uint32_t>(dataSection.size()));
    if (fresh) dataSection += enc;
    dataOffset[i] = it->second;
  }

  const uint32_t nodeCount = static_cast<uint32_t>(nodes.size());
  std::string out;
  out.reserve(nodes.size() * 8 + 16 + dataSection.size() + 512);
  auto record = [&](uint32_t v) {
    uint32_t value = v == 0 ? nodeCount : (v & kData) ? nodeCount + 16 + dataOffset[v & ~kData] : v;
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
  };
  for (const auto& n : nodes) {
    record(n[0]);
    record(n[1]);
  }
  out.append(16, '\0');
  out += dataSection;

  out += "\xAB\xCD\xEFMaxMind.com";
  Encoder m;
  m.map(9);
  m.string("binary_format_major_version");
  m.unsignedInt(Uint16, 2);
  m.string("binary_format_minor_version");
  m.unsignedInt(Uint16, 0);
  m.string("build_epoch");
  m.unsignedInt(Uint64, static_cast<uint64_t>(std::time(nullptr)));
  m.string("database_type");
  m.string(databaseType);
  m.string("description");
  m.map(1);
  m.string("en");
  m.string(description);
  m.string("ip_version");
  m.unsignedInt(Uint16, 6);
  m.string("languages");
  m.array(1);
  m.string("en");
  m.string("node_count");
  m.unsignedInt(Uint32, nodeCount);
  m.string("record_size");
  m.unsignedInt(Uint16, 32);
  out += m.out;
  return out;
}

}  // namespace lodestar::geo
