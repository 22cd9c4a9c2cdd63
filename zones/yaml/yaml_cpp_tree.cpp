// The second reading of a text libyaml refused: yaml-cpp parses it (YAML 1.2) and its tree is
// copied into a Tree, so the readers see one kind of node whichever parser read the file.
#include <yaml-cpp/yaml.h>

#include <optional>

#include "zones/yaml/node.hpp"

namespace lodestar::yaml {

namespace {

constexpr int kMaxDepth = 1000;  // an alias inside its own anchor makes a cycle in yaml-cpp's tree

}  // namespace

std::unique_ptr<Tree> Tree::parseYaml12(std::string_view text, ParseError& error) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    error = {static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1), e.msg};
    return nullptr;
  } catch (const YAML::Exception& e) {
    error = {0, 0, e.what()};
    return nullptr;
  }
  auto tree = std::make_unique<Tree>();
  // yaml-cpp shares an aliased node: copying expands it, so the copy is bounded by the text.
  size_t budget = 4 * text.size() + 1024;
  auto copy = [&](auto& self, const YAML::Node& n, int depth) -> std::optional<uint32_t> {
    if (depth > kMaxDepth || budget == 0) return std::nullopt;
    --budget;
    const YAML::Mark m = n.Mark();
    Item item;
    item.line = m.is_null() ? 0 : static_cast<uint32_t>(m.line + 1);
    item.column = m.is_null() ? 0 : static_cast<uint32_t>(m.column + 1);
    const auto at = static_cast<uint32_t>(tree->nodes_.size());
    if (n.IsScalar()) {
      item.kind = NodeKind::Scalar;
      item.first = static_cast<uint32_t>(tree->scalars_.size());
      tree->scalars_.push_back(n.Scalar());
      tree->nodes_.push_back(item);
      return at;
    }
    if (!n.IsMap() && !n.IsSequence()) {
      item.kind = NodeKind::Null;
      tree->nodes_.push_back(item);
      return at;
    }
    item.kind = n.IsMap() ? NodeKind::Map : NodeKind::Sequence;
    tree->nodes_.push_back(item);
    std::vector<uint32_t> kids;
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (n.IsMap()) {
        auto k = self(self, it->first, depth + 1);
        auto v = k ? self(self, it->second, depth + 1) : std::nullopt;
        if (!v) return std::nullopt;
        kids.push_back(*k);
        kids.push_back(*v);
      } else {
        auto v = self(self, *it, depth + 1);
        if (!v) return std::nullopt;
        kids.push_back(*v);
      }
    }
    tree->nodes_[at].first = static_cast<uint32_t>(tree->kids_.size());
    tree->nodes_[at].count = static_cast<uint32_t>(kids.size());
    tree->kids_.insert(tree->kids_.end(), kids.begin(), kids.end());
    return at;
  };
  if (!copy(copy, root, 0)) {
    const YAML::Mark m = root.Mark();
    error = {m.is_null() ? 0u : static_cast<uint32_t>(m.line + 1), m.is_null() ? 0u : static_cast<uint32_t>(m.column + 1),
             "aliases nest or repeat too deeply"};
    return nullptr;
  }
  return tree;
}

}  // namespace lodestar::yaml
