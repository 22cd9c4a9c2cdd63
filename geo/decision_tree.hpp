// A compiled prefix tree from client address to a policy's decision (a region order), with
// neighbours of equal decision merged, so one walk yields the decision and the ECS scope.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "dns/wire/address.hpp"
#include "geo/database.hpp"

namespace lodestar::geo {

class DecisionTree {
 public:
  struct Result {
    uint32_t decision = 0;
    uint8_t scope = 0;  // prefix length the decision holds for (RFC 7871 SCOPE PREFIX-LENGTH)
  };

  /// One walk over the address, four bits a step; the bits past the client's prefix are
  /// zero already. Always inlined: the answer path's copy of it is the one that counts, and
  /// one more caller elsewhere once made the compiler keep it out of line (+18 instructions
  /// a steered answer).
  [[gnu::always_inline]] Result find(const wire::Address& a) const noexcept {
    const bool v4 = a.family == wire::Family::IPv4;
    uint32_t ref = v4 ? root4_ : root6_;
    unsigned depth = 0;
    // The address as two big-endian words, consumed from the top bits down.
    uint64_t word = loadBigEndian(a.bytes.data());
    if (const Jumps& j = v4 ? jumps4_ : jumps6_; !j.refs.empty()) {
      // Large trees: the first 16 levels in one step.
      const unsigned top = unsigned(a.bytes[0]) << 8 | a.bytes[1];
      ref = j.refs[top];
      depth = j.depths[top];
      word <<= 16;  // a walk goes on only from a block at depth 16
    }
    // Every path ends in a leaf by the family's last bit (the builder makes sure), so only
    // IPv6 needs a depth test: where its first word runs out.
    if (a.family != wire::Family::IPv6) {
      descend<false>(ref, depth, word, 0);
    } else {
      descend<true>(ref, depth, word, 64);
      if (!(ref & kLeaf)) descend<false>(ref, depth, loadBigEndian(a.bytes.data() + 8), 0);
    }
    return {ref & kDecisionMask, static_cast<uint8_t>(depth)};
  }

  /// Nodes of the binary tree it was compiled from (merged neighbours counted once).
  size_t nodeCount() const noexcept { return binaryNodes_; }
  /// The decisions some address reaches, sorted: orders no client can get are left out.
  std::vector<uint32_t> decisionsUsed() const;
  /// Whether the first 16 levels are a table (large trees only).
  bool hasJumpTable() const noexcept { return !jumps4_.refs.empty(); }

 private:
  // Follows `word` four bits a step, top first, until a leaf (or, when `Bounded`, depth
  // `end`, a multiple of four). Each slot holds the depth its walk reaches, so a leaf met
  // part-way through its four bits still gives the exact prefix length. Blocks are stored
  // after their parents and the tree has no cycles (each block is built once, for one node).
  template <bool Bounded>
  void descend(uint32_t& ref, unsigned& depth, uint64_t word, unsigned end) const noexcept {
    const uint32_t* slots = slots_.data();
    const uint8_t* depths = depths_.data();
    unsigned d = depth;
    uint32_t r = ref;
    while ((!Bounded || d < end) && !(r & kLeaf)) {
      const size_t at = size_t(r) * kFanout + static_cast<size_t>(word >> (64 - kStride));
      r = slots[at];
      d = depths[at];
      word <<= kStride;
    }
    ref = r;
    depth = d;
  }
  static uint64_t loadBigEndian(const uint8_t* p) noexcept {
    uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    return v;
  }

  friend class DecisionTreeBuilder;
  static constexpr uint32_t kLeaf = 0x80000000u;
  // Address space the database does not cover is kept apart from covered networks with the
  // same decision, so a client's scope is the width of the network that placed it.
  static constexpr uint32_t kUnplaced = 0x40000000u;
  static constexpr uint32_t kDecisionMask = 0x3FFFFFFFu;
  // Where the walk stands after the first 16 bits of the address (or the leaf it met
  // sooner, and at which depth): 320 KiB a family, so only for trees larger than that.
  struct Jumps {
    std::vector<uint32_t> refs;
    std::vector<uint8_t> depths;
  };
  static constexpr size_t kJumpMinNodes = 65536;
  static constexpr unsigned kStride = 4, kFanout = 1u << kStride;
  // Turns the binary tree in nodes_ into blocks of kFanout slots, then frees it.
  void buildBlocks();
  uint32_t block(uint32_t node, unsigned depth);
  void buildJumps();

  std::vector<uint32_t> nodes_;  // while compiling: children of node i at 2i and 2i+1; kLeaf|decision for leaves
  size_t binaryNodes_ = 0;
  std::vector<uint32_t> slots_;  // block b's slots at kFanout*b: another block, or kLeaf|decision
  std::vector<uint8_t> depths_;  // for each slot, the depth its walk reaches
  Jumps jumps4_, jumps6_;
  uint32_t root4_ = kLeaf;
  uint32_t root6_ = kLeaf;
};

/// A network of the policy's own that overrides the database for its whole range.
struct CustomNetwork {
  wire::Prefix network;
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
