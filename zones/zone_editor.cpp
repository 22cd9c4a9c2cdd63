#include "zones/zone_editor.hpp"

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

}  // namespace lodestar::zones
