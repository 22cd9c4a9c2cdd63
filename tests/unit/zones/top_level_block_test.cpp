// The view loader's first pass cuts each zone file's `regions:` block out instead of parsing
// the whole file: what it cuts must parse to the same regions at the same lines, and
// whatever it cannot be sure of is left to the whole parse.
#include <catch2/catch.hpp>

#include "zones/yaml/node.hpp"
#include "zones/yaml/top_level_block.hpp"

using lodestar::yaml::topLevelBlock;
namespace yaml = lodestar::yaml;

TEST_CASE("a zone file's regions block is cut out with its lines where they were", "[zones][yaml][regions]") {
  const std::string text =
      "zone: a.test\n"
      "# a comment\n"
      "soa: {serial: 1}\n"
      "regions:\n"
      "  us-east: {latitude: 40, longitude: -75}\n"
      "\n"
      "# a comment inside, after a blank line\n"
      "  eu-west: {latitude: 53, longitude: -6}\n"
      "\n"
      "  ap-south: {latitude: 19, longitude: 72}\n"
      "pools:\n"
      "  web:\n"
      "    regions:\n"
      "      us-east: [192.0.2.1]\n";
  const auto block = topLevelBlock(text, "regions");
  REQUIRE(block);
  yaml::ParseError e;
  const auto cutTree = yaml::Tree::parse(*block, e);
  const auto wholeTree = yaml::Tree::parse(text, e);
  REQUIRE(cutTree);
  REQUIRE(wholeTree);
  const yaml::Node cut = cutTree->root(), whole = wholeTree->root();
  REQUIRE(cut["regions"].isMap());
  CHECK(cut["regions"].size() == 3);  // the blank lines inside do not end the block
  CHECK(cut["regions"]["eu-west"]["latitude"].scalar() == "53");
  CHECK(cut["regions"]["eu-west"].line() == whole["regions"]["eu-west"].line());
  CHECK(cut["regions"]["eu-west"].column() == whole["regions"]["eu-west"].column());
  CHECK_FALSE(cut["pools"]);

  // A block at the end of the file, a value on the key's own line, no such key.
  const auto atEnd = yaml::Tree::parse(*topLevelBlock("zone: a\nregions: {x: {latitude: 1, longitude: 2}}", "regions"), e);
  REQUIRE(atEnd);
  CHECK(atEnd->root()["regions"]["x"]);
  CHECK(topLevelBlock("zone: a\npools: {}\n", "regions") == std::string());
  CHECK(topLevelBlock("zone: a\nregionsx: 1\n", "regions") == std::string());
}

TEST_CASE("a zone file not plain enough to cut is left to the whole parse", "[zones][yaml][regions]") {
  for (const char* text : {
           "{zone: a, regions: {x: {latitude: 1, longitude: 2}}}\n",        // flow style at the top
           "---\nzone: a\nregions:\n  x: {latitude: 1, longitude: 2}\n",    // a document marker
           "%YAML 1.2\n---\nregions: {}\n",                                 // a directive
           "zone: a\nregions: {}\nregions: {}\n",                           // the key twice
           "zone: a\n\"regions\":\n  x: {latitude: 1, longitude: 2}\n",     // the key quoted
           "zone: a\nregions:\n  x: &here {latitude: 1, longitude: 2}\n",   // an anchor in the block
           "base: &b {latitude: 1, longitude: 2}\nregions:\n  x: *b\n",     // an alias into the rest
           "- zone: a\n",                                                   // a sequence at the top
           "zone: a\nregions :\n  x: {latitude: 1, longitude: 2}\n",        // a blank before the colon
           "  zone: a\n  regions:\n    x: {latitude: 1, longitude: 2}\n",   // the root map indented
           "# c\n\n  zone: a\n  regions: {}\n",                             // the same after a comment
           "\xEF\xBB\xBFregions:\n  x: {latitude: 1, longitude: 2}\n",      // a byte order mark
       }) {
    INFO(text);
    CHECK_FALSE(topLevelBlock(text, "regions"));
  }
}
