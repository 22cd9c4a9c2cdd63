// Builds a Tree from libyaml's events: containers take their children, in order, from one
// stack of finished nodes when they end, so every child list is contiguous.
#include "zones/yaml/node.hpp"

#include <yaml.h>

#include <unordered_map>

namespace lodestar::yaml {

namespace {
const std::string kEmpty;
}  // namespace

NodeKind Node::kind() const noexcept { return tree_ ? tree_->nodes_[index_].kind : NodeKind::Undefined; }

const std::string& Node::scalar() const noexcept {
  if (!isScalar()) return kEmpty;
  return tree_->scalars_[tree_->nodes_[index_].first];
}

size_t Node::size() const noexcept {
  switch (kind()) {
    case NodeKind::Sequence: return tree_->nodes_[index_].count;
    case NodeKind::Map: return tree_->nodes_[index_].count / 2;
    default: return 0;
  }
}

Node Node::operator[](std::string_view key) const noexcept {
  if (!isMap()) return {};
  const auto& me = tree_->nodes_[index_];
  for (uint32_t i = 0; i < me.count; i += 2) {
    Node k(tree_, tree_->kids_[me.first + i]);
    if (k.isScalar() && k.scalar() == key) return {tree_, tree_->kids_[me.first + i + 1]};
  }
  return {};
}

Node Node::item(size_t i) const noexcept {
  if (!isSequence() || i >= size()) return {};
  return {tree_, tree_->kids_[tree_->nodes_[index_].first + i]};
}

uint32_t Node::line() const noexcept { return tree_ ? tree_->nodes_[index_].line : 0; }
uint32_t Node::column() const noexcept { return tree_ ? tree_->nodes_[index_].column : 0; }

const NodeEntry& NodeIterator::operator*() {
  const Tree* t = owner_.tree_;
  const auto& me = t->nodes_[owner_.index_];
  if (owner_.isMap()) {
    entry_.first = Node(t, t->kids_[me.first + 2 * i_]);
    entry_.second = Node(t, t->kids_[me.first + 2 * i_ + 1]);
  } else {
    static_cast<Node&>(entry_) = Node(t, t->kids_[me.first + i_]);
  }
  return entry_;
}

class TreeBuilder {
 public:
  explicit TreeBuilder(Tree& t) : t_(t) {}

  // One event; false when the first document has ended (the rest of the text is not read).
  bool take(const yaml_event_t& e, ParseError& error) {
    const uint32_t line = static_cast<uint32_t>(e.start_mark.line + 1);
    const uint32_t column = static_cast<uint32_t>(e.start_mark.column + 1);
    switch (e.type) {
      case YAML_DOCUMENT_END_EVENT: return false;
      case YAML_SCALAR_EVENT: {
        std::string_view text(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
        const bool plainNull = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                               (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL");
        uint32_t at = add(plainNull ? NodeKind::Null : NodeKind::Scalar, line, column);
        if (!plainNull) {
          t_.nodes_[at].first = static_cast<uint32_t>(t_.scalars_.size());
          t_.scalars_.emplace_back(text);
        }
        name(e.data.scalar.anchor, at);
        finished_.push_back(at);
        return true;
      }
      case YAML_ALIAS_EVENT: {
        // The node the anchor names, shared: a finished node, so an alias never makes a cycle.
        auto it = anchors_.find(reinterpret_cast<const char*>(e.data.alias.anchor));
        if (it == anchors_.end()) {
          error = {line, column, "unknown anchor '" + std::string(reinterpret_cast<const char*>(e.data.alias.anchor)) + "'"};
          return false;
        }
        finished_.push_back(it->second);
        return true;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool map = e.type == YAML_MAPPING_START_EVENT;
        uint32_t at = add(map ? NodeKind::Map : NodeKind::Sequence, line, column);
        const yaml_char_t* anchor = map ? e.data.mapping_start.anchor : e.data.sequence_start.anchor;
        open_.push_back({at, finished_.size(), anchor ? reinterpret_cast<const char*>(anchor) : std::string()});
        return true;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Open o = std::move(open_.back());
        open_.pop_back();
        auto& n = t_.nodes_[o.node];
        n.first = static_cast<uint32_t>(t_.kids_.size());
        n.count = static_cast<uint32_t>(finished_.size() - o.firstChild);
        t_.kids_.insert(t_.kids_.end(), finished_.begin() + static_cast<std::ptrdiff_t>(o.firstChild), finished_.end());
        finished_.resize(o.firstChild);
        if (!o.anchor.empty()) anchors_[o.anchor] = o.node;
        finished_.push_back(o.node);
        return true;
      }
      default: return true;
    }
  }

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
  void name(const yaml_char_t* anchor, uint32_t node) {
    if (anchor) anchors_[reinterpret_cast<const char*>(anchor)] = node;
  }

  Tree& t_;
  std::vector<Open> open_;
  std::vector<uint32_t> finished_;
  std::unordered_map<std::string, uint32_t> anchors_;
};

std::unique_ptr<Tree> Tree::parse(std::string_view text, ParseError& error) {
  auto tree = std::make_unique<Tree>();
  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) {
    error = {0, 0, "cannot start the YAML parser (out of memory)"};
    return nullptr;
  }
  // libyaml asserts on a null input even when it is empty (an empty string_view may hold one).
  const char* bytes = text.empty() ? "" : text.data();
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(bytes), text.size());
  TreeBuilder builder(*tree);
  bool ok = true;
  for (bool more = true; more;) {
    yaml_event_t event;
    if (!yaml_parser_parse(&parser, &event)) {
      std::string message = parser.problem ? parser.problem : "malformed YAML";
      if (parser.context) message += std::string(" (") + parser.context + ")";
      error = {static_cast<uint32_t>(parser.problem_mark.line + 1), static_cast<uint32_t>(parser.problem_mark.column + 1),
               message};
      ok = false;
      break;
    }
    more = event.type != YAML_STREAM_END_EVENT && builder.take(event, error);
    yaml_event_delete(&event);
    if (!error.message.empty()) ok = false;
  }
  yaml_parser_delete(&parser);
  if (!ok) {
    ParseError second;
    if (auto yaml12 = parseYaml12(text, second)) return yaml12;
    error = second;
    return nullptr;
  }
  if (tree->nodes_.empty()) tree->nodes_.push_back({NodeKind::Null, 0, 0, 0, 0});  // no document: no place
  return tree;
}

}  // namespace lodestar::yaml
