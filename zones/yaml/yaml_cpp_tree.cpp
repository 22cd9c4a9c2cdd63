// The second reading, of what libyaml refuses or counts otherwise: yaml-cpp's parser (YAML 1.2)
// and its events into the same Tree, so the readers see one kind of node whichever parser read
// the file, an alias stays one shared node here too, and a mistake reads in yaml-cpp's words.
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <optional>
#include <sstream>

#include "zones/yaml/tree_builder.hpp"

namespace lodestar::yaml {

namespace {

uint32_t lineOf(const YAML::Mark& m) { return m.is_null() ? 0 : static_cast<uint32_t>(m.line + 1); }
uint32_t columnOf(const YAML::Mark& m) { return m.is_null() ? 0 : static_cast<uint32_t>(m.column + 1); }
std::string anchorName(YAML::anchor_t a) { return a == YAML::NullAnchor ? std::string() : std::to_string(a); }

class Copy : public YAML::EventHandler {
 public:
  explicit Copy(TreeBuilder& b) : b_(b) {}
  // The first bad alias, if any: yaml-cpp would have made a cycle of it.
  std::optional<YAML::Mark> cycle;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t a) override {
    if (!cycle) b_.scalar(true, {}, lineOf(m), columnOf(m), anchorName(a));
  }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t a) override {
    if (!cycle && !b_.alias(anchorName(a))) cycle = m;
  }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string& value) override {
    if (!cycle) b_.scalar(false, value, lineOf(m), columnOf(m), anchorName(a));
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    if (!cycle) b_.open(NodeKind::Sequence, lineOf(m), columnOf(m), anchorName(a));
  }
  void OnSequenceEnd() override {
    if (!cycle) b_.close();
  }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override {
    if (!cycle) b_.open(NodeKind::Map, lineOf(m), columnOf(m), anchorName(a));
  }
  void OnMapEnd() override {
    if (!cycle) b_.close();
  }

 private:
  TreeBuilder& b_;
};

}  // namespace

std::unique_ptr<Tree> Tree::parseYaml12(std::string_view text, ParseError& error) {
  auto tree = std::make_unique<Tree>();
  TreeBuilder builder(*tree);
  Copy copy(builder);
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    parser.HandleNextDocument(copy);  // the first document only, as YAML::Load reads
  } catch (const YAML::ParserException& e) {
    error = {lineOf(e.mark), columnOf(e.mark), e.msg};
    return nullptr;
  } catch (const YAML::Exception& e) {
    error = {0, 0, e.what()};
    return nullptr;
  }
  if (copy.cycle) {
    error = {lineOf(*copy.cycle), columnOf(*copy.cycle), "an alias inside the node its anchor names"};
    return nullptr;
  }
  if (tree->nodes_.empty()) tree->nodes_.push_back({NodeKind::Null, 0, 0, 0, 0});  // no document: no place
  return tree;
}

}  // namespace lodestar::yaml
