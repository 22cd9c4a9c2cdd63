// Compilation: a depth-first walk of the MMDB search tree that classifies every data record
// once, applies custom networks on top, and merges sibling leaves with equal decisions.
#include "geo/decision_tree.hpp"

#include <algorithm>
#include <unordered_map>

namespace lodestar::geo {

class DecisionTreeBuilder {
 public:
  DecisionTreeBuilder(const Database* db, const std::function<uint32_t(const GeoFacts&)>& classify,
                      uint32_t unknown, const std::vector<CustomNetwork>& custom, DecisionTree& out)
      : db_(db), classify_(classify), unknown_(unknown), custom_(custom), out_(out) {}

  bool build(std::string& error) {
    for (wire::Family family : {wire::Family::IPv4, wire::Family::IPv6}) {
      family_ = family;
      wire::Address path;
      path.family = family;
      Database::Record root = db_ ? db_->root(family) : Database::Record{};
      uint32_t ref = visit(root, path, 0, kNoOverride);
      if (failed_) {
        error = db_->path() + ": the geo database is corrupt (" + failure_ + ")";
        return false;
      }
      (family == wire::Family::IPv4 ? out_.root4_ : out_.root6_) = ref;
    }
    out_.buildBlocks();
    out_.buildJumps();
    return true;
  }

 private:
  static constexpr uint32_t kLeaf = DecisionTree::kLeaf;
  static constexpr uint32_t kUnplaced = DecisionTree::kUnplaced;
  static constexpr uint64_t kNoOverride = ~0ull;

  static bool bit(const wire::Address& a, unsigned depth) { return (a.bytes[depth >> 3] >> (7 - (depth & 7))) & 1; }
  static void setBit(wire::Address& a, unsigned depth, bool v) {
    uint8_t mask = static_cast<uint8_t>(0x80 >> (depth & 7));
    if (v) a.bytes[depth >> 3] |= mask;
    else a.bytes[depth >> 3] &= static_cast<uint8_t>(~mask);
  }
  // Does `network` contain the prefix (path, depth)? (Same family assumed.)
  static bool covers(const wire::Prefix& network, const wire::Address& path, unsigned depth) {
    if (network.length > depth) return false;
    for (unsigned i = 0; i < network.length; ++i)
      if (bit(network.address, i) != bit(path, i)) return false;
    return true;
  }

  // The custom network of exactly this prefix, and whether any lies strictly inside it.
  void customsAt(const wire::Address& path, unsigned depth, uint64_t& exact, bool& below) const {
    below = false;
    for (const auto& c : custom_) {
      if (c.network.address.family != family_) continue;
      if (c.network.length == depth && covers(c.network, path, depth)) exact = c.decision;
      if (c.network.length > depth) {
        wire::Prefix p{path, static_cast<uint8_t>(depth)};
        if (covers(p, c.network.address, depth)) below = true;
      }
    }
  }

  uint32_t leafFor(const Database::Record& r, uint64_t override) {
    if (override != kNoOverride) return kLeaf | static_cast<uint32_t>(override);
    if (r.kind != Database::Record::Kind::Data) return kLeaf | kUnplaced | unknown_;
    auto it = byOffset_.find(r.value);
    if (it != byOffset_.end()) return kLeaf | it->second;
    const GeoFacts* f = db_->facts(r.value);
    if (!f) {
      failed_ = true;
      failure_ = "unreadable data record at offset " + std::to_string(r.value);
      return kLeaf | unknown_;
    }
    uint32_t d = classify_(*f);
    byOffset_.emplace(r.value, d);
    return kLeaf | d;
  }

  uint32_t visit(const Database::Record& r, wire::Address& path, unsigned depth, uint64_t override) {
    if (failed_) return kLeaf | unknown_;
    bool below = false;
    customsAt(path, depth, override, below);
    const unsigned maxDepth = family_ == wire::Family::IPv4 ? 32 : 128;
    bool descend = below || (r.kind == Database::Record::Kind::Node && override == kNoOverride);
    if (!descend || depth == maxDepth) {
      if (r.kind == Database::Record::Kind::Node && override == kNoOverride) {
        failed_ = true;
        failure_ = "search tree deeper than the address";
      }
      return leafFor(r, override);
    }
    Database::Record left = r, right = r;  // a leaf split by a custom network keeps its data
    if (r.kind == Database::Record::Kind::Node && !db_->children(r.value, left, right)) {
      failed_ = true;
      failure_ = "unreadable search node " + std::to_string(r.value);
      return kLeaf | unknown_;
    }
    setBit(path, depth, false);
    uint32_t a = visit(left, path, depth + 1, override);
    setBit(path, depth, true);
    uint32_t b = visit(right, path, depth + 1, override);
    setBit(path, depth, false);
    if (a == b && (a & kLeaf)) return a;  // neighbours with one decision become one network
    out_.nodes_.push_back(a);
    out_.nodes_.push_back(b);
    return static_cast<uint32_t>(out_.nodes_.size() / 2 - 1);
  }

  const Database* db_;
  const std::function<uint32_t(const GeoFacts&)>& classify_;
  uint32_t unknown_;
  const std::vector<CustomNetwork>& custom_;
  DecisionTree& out_;
  wire::Family family_ = wire::Family::IPv4;
  std::unordered_map<uint32_t, uint32_t> byOffset_;
  bool failed_ = false;
  std::string failure_;
};

uint32_t DecisionTree::block(uint32_t node, unsigned depth) {
  const uint32_t b = static_cast<uint32_t>(slots_.size() / kFanout);
  slots_.resize(slots_.size() + kFanout);
  depths_.resize(depths_.size() + kFanout);
  for (unsigned bits = 0; bits < kFanout; ++bits) {
    uint32_t r = node;
    unsigned d = depth;
    for (unsigned k = 0; k < kStride && !(r & kLeaf); ++k, ++d) r = nodes_[2 * r + ((bits >> (kStride - 1 - k)) & 1)];
    if (!(r & kLeaf)) r = block(r, d);  // a node at the next block boundary
    slots_[size_t(b) * kFanout + bits] = r;
    depths_[size_t(b) * kFanout + bits] = static_cast<uint8_t>(d);
  }
  return b;
}

void DecisionTree::buildBlocks() {
  binaryNodes_ = nodes_.size() / 2;
  if (!(root4_ & kLeaf)) root4_ = block(root4_, 0);
  if (!(root6_ & kLeaf)) root6_ = block(root6_, 0);
  nodes_ = {};
}

void DecisionTree::buildJumps() {
  if (nodeCount() < kJumpMinNodes) return;
  for (bool v4 : {true, false}) {
    Jumps& j = v4 ? jumps4_ : jumps6_;
    j.refs.resize(65536);
    j.depths.resize(65536);
    for (unsigned top = 0; top < 65536; ++top) {
      uint32_t ref = v4 ? root4_ : root6_;
      unsigned depth = 0;
      descend<true>(ref, depth, uint64_t(top) << 48, 16);
      j.refs[top] = ref;
      j.depths[top] = static_cast<uint8_t>(depth);
    }
  }
}

bool compileDecisionTree(const Database* db, const std::function<uint32_t(const GeoFacts&)>& classify,
                         uint32_t unknownDecision, const std::vector<CustomNetwork>& custom, DecisionTree& out,
                         std::string& error) {
  out = DecisionTree{};
  return DecisionTreeBuilder(db, classify, unknownDecision, custom, out).build(error);
}

std::vector<uint32_t> DecisionTree::decisionsUsed() const {
  std::vector<uint32_t> used;
  auto note = [&](uint32_t ref) {
    if (ref & kLeaf) used.push_back(ref & kDecisionMask);
  };
  note(root4_);
  note(root6_);
  for (uint32_t ref : slots_) note(ref);
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  return used;
}

}  // namespace lodestar::geo
