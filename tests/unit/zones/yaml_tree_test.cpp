// The YAML tree the readers walk: libyaml's parse must read every file as yaml-cpp (which
// read them before) did, node for node and place for place, and what libyaml refuses goes to
// yaml-cpp, so a file that loaded before still loads and a mistake reads as it did.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "zones/yaml/node.hpp"

namespace yaml = lodestar::yaml;

namespace {

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Where the two trees part, as a path; empty when they are the same.
std::string difference(const yaml::Node& a, const YAML::Node& b, const std::string& path) {
  const YAML::Mark m = b.Mark();
  const uint32_t line = m.is_null() ? 0 : static_cast<uint32_t>(m.line + 1);
  const uint32_t column = m.is_null() ? 0 : static_cast<uint32_t>(m.column + 1);
  auto at = [&](const std::string& what) { return path + ": " + what; };
  if (a.isScalar() != b.IsScalar() || a.isMap() != b.IsMap() || a.isSequence() != b.IsSequence() ||
      a.isNull() != b.IsNull())
    return at("kinds differ");
  if (a.line() != line || a.column() != column)
    return at("at " + std::to_string(a.line()) + ":" + std::to_string(a.column()) + ", yaml-cpp " +
              std::to_string(line) + ":" + std::to_string(column));
  if (a.isScalar() && a.scalar() != b.Scalar()) return at("'" + a.scalar() + "' against '" + b.Scalar() + "'");
  if (a.size() != b.size()) return at("sizes differ");
  auto ib = b.begin();
  for (auto ia = a.begin(); ia != a.end(); ++ia, ++ib) {
    std::string d;
    if (a.isMap()) {
      d = difference(ia->first, ib->first, path + ".key");
      if (d.empty()) d = difference(ia->second, ib->second, path + "." + ia->first.scalar());
    } else {
      d = difference(*ia, *ib, path + "[]");
    }
    if (!d.empty()) return d;
  }
  return {};
}

// Our reading of `text` against YAML::Load's: "" when the same, node for node and place for place.
std::string againstYamlCpp(const std::string& text) {
  const YAML::Node theirs = YAML::Load(text);
  yaml::ParseError e;
  auto ours = yaml::Tree::parse(text, e);
  if (!ours) return "refused: " + e.message;
  return difference(ours->root(), theirs, "root");
}

std::unique_ptr<yaml::Tree> parse(std::string_view text) {
  yaml::ParseError e;
  auto tree = yaml::Tree::parse(text, e);
  INFO(e.line << ":" << e.column << " " << e.message);
  REQUIRE(tree);
  return tree;
}

}  // namespace

TEST_CASE("yaml: every example, test and corpus file reads as yaml-cpp read it", "[zones][yaml]") {
  namespace fs = std::filesystem;
  const fs::path root = LODESTAR_SOURCE_DIR;
  std::vector<fs::path> files;
  for (const char* dir : {"examples", "tests/data", "tests/fuzz/corpus/yaml_zone", "tests/fuzz/corpus/server_config"})
    for (const auto& e : fs::recursive_directory_iterator(root / dir))
      if (e.is_regular_file()) files.push_back(e.path());
  REQUIRE(files.size() > 20);
  size_t compared = 0;
  for (const auto& f : files) {
    const std::string text = readFile(f);
    YAML::Node theirs;
    try {
      theirs = YAML::Load(text);
    } catch (const YAML::Exception&) {
      continue;  // a corpus file yaml-cpp refuses: refused below alike, by the same parser
    }
    yaml::ParseError e;
    auto ours = yaml::Tree::parse(text, e);
    INFO(f.string() << ": " << e.message);
    REQUIRE(ours);
    CHECK(difference(ours->root(), theirs, f.filename().string()) == "");
    ++compared;
  }
  CHECK(compared > 20);
}

TEST_CASE("yaml: empty values, tags, tabs, non-ASCII text and YAML 1.1's other line breaks read as yaml-cpp read them",
          "[zones][yaml]") {
  const std::vector<std::string> texts = {
      // An empty value is placed at what follows it, as yaml-cpp places it.
      "soa:\n  refresh:\n  retry: 1h\n",
      "a:\nb: 1\n",
      "a:\n  b:\nc: 1\n",
      "a:\n  b:\n",
      "a:",
      "a:\n",
      "a:\n  b:",
      "- ",
      "-\n# a comment\n  # another\n- x\n",
      "a: # a comment\nb: 1\n",
      "a: {b: , c: 1}\n",
      "- \n- x\n",
      "-\n",
      "a: [x, , y]\n",
      // A tag makes a plain null a string.
      "text: !!str null\nx: ! ~\nname: !!str\n",
      // Columns count bytes, not characters.
      "- {text: \"Z\xC3\xBCrich\", ttl: x}\n",
      "\xE6\x9D\xB1\xE4\xBA\xAC: {a: 1, b: [\xF0\x9F\x99\x82, z]}\n",
      // NEL, LS and PS are text in YAML 1.2; CRLF and a byte order mark.
      "a: \"x\xC2\x85y\"\nb: 1\n",
      "a: x\xE2\x80\xA8y\nb: 1\n",
      "a: 1\r\nb:\r\n  c: 2\r\n",
      "\xEF\xBB\xBF" "a: 1\nb: [1, 2]\n",
      // A tab after a colon (YAML 1.1 refuses it) and flow lists of IPv6 addresses.
      "ttl:\t300\nlisten: [::1, '[::1]:53']\n",
      // Anchors on every kind, aliases to each, and a second document that is never read.
      "a: &s x\nb: &q [1, {c: 2}]\nc: &m {d: *s}\nd: [*s, *q, *m]\n---\nignored: 1\n",
  };
  for (const std::string& text : texts) {
    INFO(text);
    CHECK(againstYamlCpp(text) == "");
  }
}

TEST_CASE("yaml: nulls, quoted nulls, duplicate keys and aliases", "[zones][yaml]") {
  auto t = parse("a:\nb: ~\nc: null\nd: 'null'\ne: \"\"\nf: 1\nf: 2\ng: &x [1, 2]\nh: *x\n");
  auto r = t->root();
  CHECK(r["a"].isNull());
  CHECK(r["b"].isNull());
  CHECK(r["c"].isNull());
  CHECK(r["d"].isScalar());
  CHECK(r["d"].scalar() == "null");
  CHECK(r["e"].isScalar());
  CHECK(r["e"].scalar().empty());
  CHECK(r.size() == 9);  // both f: kept, in order, for the duplicate-key check
  CHECK(r["f"].scalar() == "1");
  CHECK(r["h"].isSequence());
  CHECK(r["h"].item(1).scalar() == "2");
  CHECK(r["h"].line() == 8);  // an alias is the node it names, where it was written
  CHECK_FALSE(r["missing"]);
  CHECK_FALSE(r["f"]["x"]);  // a scalar has no keys
  CHECK_FALSE(r["g"].item(2));
}

TEST_CASE("yaml: an empty text is a null node with no place", "[zones][yaml]") {
  for (std::string_view text : {std::string_view(), std::string_view(""), std::string_view("# only a comment\n")}) {
    auto t = parse(text);
    CHECK(t->root().isNull());
    CHECK(t->root().line() == 0);
  }
}

TEST_CASE("yaml: what YAML 1.1 refuses and 1.2 reads still loads", "[zones][yaml]") {
  // libyaml reads ':' opening a plain scalar in a flow list as a mapping's value.
  auto t = parse("listen: [::1, 127.0.0.2:8000]\nns: {ns2: ::1}\n");
  auto r = t->root();
  REQUIRE(r["listen"].isSequence());
  CHECK(r["listen"].item(0).scalar() == "::1");
  CHECK(r["listen"].item(0).line() == 1);
  CHECK(r["listen"].item(0).column() == 10);
  CHECK(r["ns"]["ns2"].scalar() == "::1");
}

TEST_CASE("yaml: a mistake reads in yaml-cpp's words at its place, and hostile nesting is refused", "[zones][yaml]") {
  yaml::ParseError e;
  CHECK_FALSE(yaml::Tree::parse("a: [1, 2\nb: 3\n", e));
  CHECK(e.line > 0);
  CHECK_FALSE(e.message.empty());
  YAML::Mark theirs;
  try {
    YAML::Load("a: [1, 2\nb: 3\n");
  } catch (const YAML::ParserException& x) {
    theirs = x.mark;
    CHECK(e.message == x.msg);
  }
  CHECK(e.line == static_cast<uint32_t>(theirs.line + 1));
  CHECK(e.column == static_cast<uint32_t>(theirs.column + 1));

  // An alias inside its own anchor: neither reading makes a cycle of it.
  e = {};
  CHECK_FALSE(yaml::Tree::parse("a: &x [1, *x]\n", e));
  CHECK(e.line == 1);

  // Deep nesting: past a zone policy's depth yaml-cpp reads it, and refuses what it always
  // refused (its depth guard: "bad file"); libyaml's scanner costs depth × tokens, so it never
  // goes that deep.
  for (size_t depth : {100u, 400u}) {
    e = {};
    auto nested = yaml::Tree::parse(std::string(depth, '[') + std::string(depth, ']'), e);
    INFO(depth << " levels: " << e.message);
    REQUIRE(nested);
    yaml::Node n = nested->root();
    for (size_t i = 1; i < depth; ++i) n = n.item(0);
    CHECK(n.isSequence());
    CHECK(n.size() == 0);
  }
  for (const std::string& deep : {std::string(100000, '['), std::string(1000, '[') + std::string(1000, ']')}) {
    e = {};
    CHECK_FALSE(yaml::Tree::parse(deep, e));
    CHECK_FALSE(e.message.empty());
  }

  // An alias inside its own anchor, on yaml-cpp's reading (the tab sends the text there).
  e = {};
  CHECK_FALSE(yaml::Tree::parse("t:\t1\na: &x [1, *x]\n", e));
  CHECK(e.line == 2);

  // Aliases doubling forty times stay one node each: the tree is as big as the text.
  std::string laughs = "a0: &a0 [x, x]\n";
  for (int i = 1; i < 40; ++i)
    laughs += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + ", *a" +
              std::to_string(i - 1) + "]\n";
  auto big = parse(laughs);
  CHECK(big->root()["a39"].item(0).item(1).size() == 2);
  // The same on yaml-cpp's reading: one shared node per alias there too, never a copy.
  auto big12 = parse("t:\t1\n" + laughs);
  CHECK(big12->root()["a39"].item(0).item(1).size() == 2);
}
