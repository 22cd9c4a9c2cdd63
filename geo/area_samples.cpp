#include "geo/area_samples.hpp"

#include <map>

namespace lodestar::geo {

namespace {

class Walk {
 public:
  Walk(const Database& db, size_t perArea, size_t maxNodes) : db_(db), perArea_(perArea), budget_(maxNodes) {}

  void family(wire::Family f) {
    const Database::Record root = db_.root(f);
    if (root.kind == Database::Record::Kind::Empty) return;
    wire::Address path;
    path.family = f;
    visit(root, path, 0);
  }

  AreaSampling result() {
    AreaSampling out;
    out.complete = complete_;
    for (auto& [country, area] : byCountry_) out.areas.push_back(std::move(area));
    return out;
  }

 private:
  void visit(const Database::Record& r, wire::Address& path, unsigned depth) {
    if (!complete_) return;
    if (r.kind == Database::Record::Kind::Data) return take(r.value, path);
    if (r.kind != Database::Record::Kind::Node) return;
    // IPv4 lives at ::/96 of an IPv6 tree: walked already as IPv4.
    if (path.family == wire::Family::IPv6 && depth == 96 && allZero(path)) return;
    if (depth >= path.bits() || budget_ == 0) {
      complete_ = false;
      return;
    }
    --budget_;
    Database::Record left, right;
    if (!db_.children(r.value, left, right)) {
      complete_ = false;
      return;
    }
    visit(left, path, depth + 1);
    setBit(path, depth);
    visit(right, path, depth + 1);
    clearBit(path, depth);
  }

  void take(uint32_t offset, const wire::Address& path) {
    const GeoFacts* f = db_.facts(offset);
    if (!f || f->country.empty()) return;
    AreaSample& a = byCountry_[f->country];
    if (a.country.empty()) {
      a.country = f->country;
      a.continent = f->continent;
    }
    ++a.networks;
    if (a.addresses.size() < perArea_) a.addresses.push_back(path);
  }

  static bool allZero(const wire::Address& a) {
    for (unsigned i = 0; i < 12; ++i)
      if (a.bytes[i]) return false;
    return true;
  }
  static void setBit(wire::Address& a, unsigned bit) { a.bytes[bit / 8] |= uint8_t(0x80u >> (bit % 8)); }
  static void clearBit(wire::Address& a, unsigned bit) { a.bytes[bit / 8] &= uint8_t(~(0x80u >> (bit % 8))); }

  const Database& db_;
  size_t perArea_, budget_;
  bool complete_ = true;
  std::map<std::string, AreaSample> byCountry_;
};

}  // namespace

AreaSampling sampleAreas(const Database& db, size_t perArea, size_t maxNodes) {
  Walk walk(db, perArea, maxNodes);
  walk.family(wire::Family::IPv4);
  walk.family(wire::Family::IPv6);
  return walk.result();
}

}  // namespace lodestar::geo
