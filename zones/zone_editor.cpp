// Adding sets to a built zone, and copying a signed zone without its signatures.
#include "zones/zone_editor.hpp"

#include <algorithm>
#include <vector>

#include "dns/wire/constants.hpp"

namespace lodestar::zones {

void ZoneEditor::append(const Node& node, std::span<const RRset> added) {
  if (added.empty()) return;
  Node& n = zone_.nodes_.at(static_cast<size_t>(&node - zone_.nodes_.data()));
  std::vector<RRset> sets(n.rrsets.begin(), n.rrsets.end());
  sets.insert(sets.end(), added.begin(), added.end());
  n.rrsets = zone_.arena_.copy(sets.data(), sets.size());
  if (&n == zone_.apexNode_) zone_.soa_ = n.find(wire::rrtype::SOA);  // the SOA set, now in the new span
}

std::unique_ptr<Zone> ZoneEditor::copyUnsigned(const Zone& from, bool (*addedBySigning)(uint16_t)) {
  auto copy = std::make_unique<Zone>();
  Zone& z = *copy;
  z.compiled_ = from.compiled_;
  z.apex_ = from.apex_;
  z.nodes_ = from.nodes_;
  z.index_ = from.index_;  // by place in the nodes, which the copy keeps
  const Node* base = from.nodes_.data();
  auto same = [&](const Node* n) -> const Node* { return n ? &z.nodes_[static_cast<size_t>(n - base)] : nullptr; };
  std::vector<const Node*> glue;
  std::vector<RRset> kept;
  for (size_t i = 0; i < z.nodes_.size(); ++i) {
    Node& n = z.nodes_[i];
    n.cut = same(n.cut);
    if (n.links != &NodeLinks::none) {
      NodeLinks links = *n.links;
      glue.clear();
      for (const Node* g : links.glue) glue.push_back(same(g));
      links.glue = z.arena_.copy(glue.data(), glue.size());
      links.cnameTarget = same(links.cnameTarget);
      links.wildcard = same(links.wildcard);
      n.links = z.arena_.copy(&links, 1).first;
    }
    // Signing appends its sets after the operator's: those are then the first of the node's,
    // read where they are until signing gives the node its own span (or detach() does).
    size_t own = 0;
    while (own < n.rrsets.size() && !addedBySigning(n.rrsets[own].type)) ++own;
    if (own == n.rrsets.size()) {
      // Nothing added here: the compile's own span, unless `from` had to copy it (detach()).
      if (own && std::binary_search(from.detached_.begin(), from.detached_.end(), static_cast<uint32_t>(i)))
        z.borrowed_.emplace_back(static_cast<uint32_t>(i), n.rrsets.first);
      continue;
    }
    bool prefix = true;
    for (size_t k = own; k < n.rrsets.size(); ++k) prefix = prefix && addedBySigning(n.rrsets[k].type);
    if (prefix) {
      n.rrsets = own ? Span<RRset>{n.rrsets.first, static_cast<uint32_t>(own)} : Span<RRset>{};
      if (own) z.borrowed_.emplace_back(static_cast<uint32_t>(i), n.rrsets.first);
    } else {
      kept.clear();
      for (const RRset& r : n.rrsets)
        if (!addedBySigning(r.type)) kept.push_back(r);
      n.rrsets = z.arena_.copy(kept.data(), kept.size());
    }
  }
  z.apexNode_ = same(from.apexNode_);
  z.soa_ = z.apexNode_->find(wire::rrtype::SOA);
  z.negativeTtl_ = from.negativeTtl_;
  z.serial_ = from.serial_;
  // Its counters are the original's: the view that takes it in its place keeps counting there.
  z.statsSlot_ = from.statsSlot_;
  z.numbered_ = from.numbered_;
  z.negativeSoa_ = from.negativeSoa_;
  z.origin_ = from.origin_;
  z.dnssec_ = from.dnssec_;
  return copy;
}

void ZoneEditor::detach() {
  zone_.detached_.clear();
  for (const auto& [at, borrowed] : zone_.borrowed_) {
    Node& n = zone_.nodes_[at];
    if (n.rrsets.first != borrowed) continue;  // signing gave it a span of its own
    n.rrsets = zone_.arena_.copy(n.rrsets.first, n.rrsets.size());
    zone_.detached_.push_back(at);  // in order: borrowed_ is
  }
  zone_.borrowed_.clear();
  zone_.borrowed_.shrink_to_fit();
  zone_.soa_ = zone_.apexNode_->find(wire::rrtype::SOA);
}

}  // namespace lodestar::zones
