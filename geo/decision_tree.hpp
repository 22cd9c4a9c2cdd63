// A compiled prefix tree from client address to a policy's decision (a region order), with
// neighbours of equal decision merged, so one walk yields the decision and the ECS scope.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "geo/address.hpp"
#include "geo/database.hpp"

namespace lodestar::geo {

class DecisionTree {
 public:
  struct Result {
    uint32_t decision = 0;
    uint8_t scope = 0;  // prefix length the decision holds for (RFC 7871 SCOPE PREFIX-LENGTH)
  };

  /// One walk over the address bits; the bits past the client's prefix are zero already.
  Result find(const Address& a) const noexcept {
    uint32_t ref = a.family == Family::IPv4 ? root4_ : root6_;
    const unsigned bits = a.bits();
    unsigned depth = 0;
    while (!(ref & kLeaf) && depth < bits) {
      unsigned bit = (a.bytes[depth >> 3] >> (7 - (depth & 7))) & 1u;
      ref = nodes_[2 * ref + bit];
      ++depth;
    }
    return {ref & kDecisionMask, static_cast<uint8_t>(depth)};
  }

  size_t nodeCount() const noexcept { return nodes_.size() / 2; }

 private:
  friend class DecisionTreeBuilder;
  static constexpr uint32_t kLeaf = 0x80000000u;
  // Address space the database does not cover is kept apart from covered networks with the
  // same decision, so a client's scope is the width of the network that placed it.
  static constexpr uint32_t kUnplaced = 0x40000000u;
  static constexpr uint32_t kDecisionMask = 0x3FFFFFFFu;
  std::vector<uint32_t> nodes_;  // children of node i at 2i and 2i+1; kLeaf|decision for leaves
  uint32_t root4_ = kLeaf;
  uint32_t root6_ = kLeaf;
};

/// A network of the policy's own that overrides the database for its whole range.
struct CustomNetwork {
  Prefix network;
  uint32_t decision;
};

/// Compiles the decision tree of one policy. `db` may be null (custom networks only).
/// Decisions must be below 2^30.
/// `classify` maps a network's facts to a decision; networks the database does not cover
/// get `unknownDecision`. Fails with `error` set when the database is corrupt.
bool compileDecisionTree(const Database* db, const std::function<uint32_t(const GeoFacts&)>& classify,
                         uint32_t unknownDecision, const std::vector<CustomNetwork>& custom, DecisionTree& out,
                         std::string& error);

}  // namespace lodestar::geo
