// Builds a Tree from a parser's events in document order: libyaml's (node.cpp) or yaml-cpp's
// (yaml_cpp_tree.cpp). Internal to zones/yaml: the readers see only node.hpp.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zones/yaml/node.hpp"

namespace lodestar::yaml {

class TreeBuilder {
 public:
  explicit TreeBuilder(Tree& t) : t_(t) {}

  /// A scalar, or a null (`null`).
  void scalar(bool null, std::string_view text, uint32_t line, uint32_t column, std::string_view anchor) {
    const uint32_t at = add(null ? NodeKind::Null : NodeKind::Scalar, line, column);
    if (!null) {
      t_.nodes_[at].first = static_cast<uint32_t>(t_.scalars_.size());
      t_.scalars_.emplace_back(text);
    }
    if (!anchor.empty()) anchors_[std::string(anchor)] = at;
    finished_.push_back(at);
  }

  /// The node an anchor names, shared. False when no finished node has that anchor: an alias
  /// inside its own anchor would make a cycle, which no reader could walk to its end.
  bool alias(std::string_view anchor) {
    auto it = anchors_.find(std::string(anchor));
    if (it == anchors_.end()) return false;
    finished_.push_back(it->second);
    return true;
  }

  void open(NodeKind kind, uint32_t line, uint32_t column, std::string_view anchor) {
    const uint32_t at = add(kind, line, column);
    open_.push_back({at, finished_.size(), std::string(anchor)});
  }

  /// Ends the innermost open container: its children, in order, become one run of kids_.
  void close() {
    Open o = std::move(open_.back());
    open_.pop_back();
    auto& n = t_.nodes_[o.node];
    n.first = static_cast<uint32_t>(t_.kids_.size());
    n.count = static_cast<uint32_t>(finished_.size() - o.firstChild);
    t_.kids_.insert(t_.kids_.end(), finished_.begin() + static_cast<std::ptrdiff_t>(o.firstChild), finished_.end());
    finished_.resize(o.firstChild);
    if (!o.anchor.empty()) anchors_[o.anchor] = o.node;
    finished_.push_back(o.node);
  }

  size_t depth() const noexcept { return open_.size(); }

 private:
  struct Open {
    uint32_t node;
    size_t firstChild;  // in finished_
    std::string anchor;
  };

  uint32_t add(NodeKind kind, uint32_t line, uint32_t column) {
    t_.nodes_.push_back({kind, line, column, 0, 0});
    return static_cast<uint32_t>(t_.nodes_.size() - 1);
  }

  Tree& t_;
  std::vector<Open> open_;
  std::vector<uint32_t> finished_;
  std::unordered_map<std::string, uint32_t> anchors_;
};

}  // namespace lodestar::yaml
