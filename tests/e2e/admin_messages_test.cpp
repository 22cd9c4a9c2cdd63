// What lodestarctl says about admin commands is what the daemon does (issue 25, "messages and
// small truths"): a dry run of a refused change is refused, refused attempts are in the history,
// `auto` is called auto, availability keeps planned drains apart, status has its documented shape.
#include <catch2/catch.hpp>

#include <cctype>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <memory>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/command.hpp"
#include "tests/support/demo_fixture.hpp"

using namespace lodestar::test;

namespace {

CommandResult ctl(DemoFixture& demo, const std::string& args) {
  return runCommand(std::string(LODESTARCTL_BINARY) + " -c " + demo.dir().path() + "/lodestar.yaml " + args);
}

nlohmann::json statusJson(DemoFixture& demo, const std::string& extra = "") {
  auto r = ctl(demo, "--json status " + extra);
  auto j = nlohmann::json::parse(r.output, nullptr, false);
  REQUIRE(!j.is_discarded());
  return j["result"];
}

const nlohmann::json& regionOf(const nlohmann::json& status, const std::string& name) {
  for (const auto& r : status["regions"])
    if (r["region"] == name) return r;
  FAIL("no region " << name << " in status");
  static const nlohmann::json none;
  return none;
}

}  // namespace

TEST_CASE("a dry run of a refused change is refused with the same reason and the same exit code", "[e2e][admin][regression]") {
  DemoFixture demo;
  REQUIRE(ctl(demo, "drain us-east").status == 0);
  REQUIRE(ctl(demo, "drain eu-west").status == 0);
  auto dry = ctl(demo, "drain ap-northeast --dry-run");
  auto real = ctl(demo, "drain ap-northeast");
  INFO("dry run:\n" << dry.output << "real:\n" << real.output);
  CHECK(real.status == 1);
  CHECK(dry.status == real.status);
  CHECK_THAT(dry.output, Catch::Contains("the command would be refused: this would leave www.gtm.example.test. "
                                         "(clients of NA, default)"));
  // The same reason, word for word.
  const auto from = real.output.find("refused: ");
  REQUIRE(from != std::string::npos);
  CHECK_THAT(dry.output, Catch::Contains(real.output.substr(from)));
  CHECK_THAT(dry.output, !Catch::Contains("to apply it"));
  CHECK_THAT(dry.output, Catch::Contains("[FAIL OPEN: no usable region left]"));  // what it would do, still shown
  auto json = nlohmann::json::parse(ctl(demo, "--json drain ap-northeast --dry-run").output);
  CHECK(json["ok"] == false);
  CHECK(json["result"]["dry_run"] == true);
  CHECK(json["records"].size() == 6);  // www and api, three client groups each
  // With --force the real command is done: so is the dry run, and it says how to apply it.
  auto forced = ctl(demo, "drain ap-northeast --dry-run --force");
  CHECK(forced.status == 0);
  CHECK_THAT(forced.output, Catch::Contains("to apply it, run the same command without --dry-run"));
  // Nothing changed.
  CHECK(regionOf(statusJson(demo), "ap-northeast")["drained"] == false);
}

TEST_CASE("refused attempts are in the history with their reason and dry runs are not", "[e2e][admin][regression]") {
  DemoFixture demo;
  REQUIRE(ctl(demo, "drain us-east").status == 0);
  REQUIRE(ctl(demo, "drain eu-west").status == 0);
  REQUIRE(ctl(demo, "force-down ap-northeast --reason 'last one'").status == 1);
  ctl(demo, "drain ap-northeast --dry-run");
  auto history = ctl(demo, "history");
  INFO(history.output);
  CHECK(history.status == 0);
  CHECK_THAT(history.output, Catch::Contains("force ap-northeast down  by uid ") &&
                                 Catch::Contains("\"last one\"  refused: this would leave www.gtm.example.test. "
                                                 "(clients of NA, default)"));
  CHECK_THAT(history.output, !Catch::Contains("drain ap-northeast"));
  auto audit = runCommand("cat " + demo.dir().path() + "/state/audit.log").output;
  CHECK_THAT(audit, Catch::Contains("\"result\":\"refused: this would leave"));
}

TEST_CASE("the force commands and auto each answer with the command the operator ran", "[e2e][admin][regression]") {
  DemoFixture demo;
  auto down = ctl(demo, "force-down eu-west/web");
  auto up = ctl(demo, "force-up eu-west/web");
  auto back = ctl(demo, "auto eu-west/web");
  auto again = ctl(demo, "auto eu-west/web");
  CHECK(down.output == "force-down eu-west/web: done\n");
  CHECK(up.output == "force-up eu-west/web: done\n");
  CHECK(back.output == "auto eu-west/web: done\n");
  CHECK(again.output == "auto eu-west/web: nothing to do (that was its state already)\n");
}

TEST_CASE("availability counts a drained region's time as planned apart from unplanned downtime",
          "[e2e][admin][regression]") {
  DemoFixture demo;
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  REQUIRE(ctl(demo, "drain eu-west --reason upgrade").status == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  const auto status = statusJson(demo);
  const auto& west = regionOf(status, "eu-west")["pools"][0]["availability"];
  const auto& asia = regionOf(status, "ap-northeast")["pools"][0]["availability"];
  INFO(status.dump(2));
  REQUIRE(west.contains("planned"));
  REQUIRE(west.contains("unplanned"));
  CHECK(west["planned"]["last_hour"].get<double>() > 0);
  CHECK(west["planned"]["last_day"].get<double>() > 0);
  // Serving, planned and unplanned are the whole.
  CHECK(west["last_hour"].get<double>() + west["planned"]["last_hour"].get<double>() +
            west["unplanned"]["last_hour"].get<double>() ==
        Approx(100));
  CHECK(west["unplanned"]["last_hour"].get<double>() < west["planned"]["last_hour"].get<double>());
  CHECK(asia["planned"]["last_hour"].get<double>() == 0);
  auto text = ctl(demo, "status").output;
  CHECK_THAT(text, Catch::Contains("drained (planned) ") && Catch::Contains("down (unplanned) "));
}

namespace {

// The shape docs/control-protocol.md gives a result, read from its table row: `{a, b: {c},
// d: [{e}]}` with words and (parenthesised notes) between the fields ignored.
struct Shape {
  std::map<std::string, std::shared_ptr<Shape>> fields;  // a field with no shape: a value
};

class ShapeReader {
 public:
  explicit ShapeReader(std::string text) : text_(std::move(text)) {}
  std::shared_ptr<Shape> object() {
    expect('{');
    auto shape = std::make_shared<Shape>();
    while (true) {
      std::string key = word();
      if (key.empty()) throw std::runtime_error("a field name expected at " + std::to_string(at_) + ": " + rest());
      std::shared_ptr<Shape> inner;
      if (peek() == ':') {
        ++at_;
        if (peek() == '{') inner = object();
        else if (peek() == '[') inner = array();
      }
      shape->fields[key] = inner;
      // Words and notes up to the next field or the end.
      while (peek() != ',' && peek() != '}') {
        if (peek() == 0) throw std::runtime_error("unterminated object");
        if (peek() == '(') skipNote();
        else if (word().empty()) ++at_;
      }
      if (text_[at_++] == '}') return shape;
    }
  }

 private:
  std::shared_ptr<Shape> array() {
    expect('[');
    std::shared_ptr<Shape> inner = peek() == '{' ? object() : nullptr;
    for (int depth = 1; depth > 0; ++at_) {
      if (at_ >= text_.size()) throw std::runtime_error("unterminated array");
      depth += text_[at_] == '[' ? 1 : text_[at_] == ']' ? -1 : 0;
    }
    return inner;
  }
  void skipNote() {
    for (int depth = 0; at_ < text_.size(); ++at_) {
      depth += text_[at_] == '(' ? 1 : text_[at_] == ')' ? -1 : 0;
      if (depth == 0) {
        ++at_;
        return;
      }
    }
  }
  char peek() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
    return at_ < text_.size() ? text_[at_] : 0;
  }
  void expect(char c) {
    if (peek() != c) throw std::runtime_error(std::string("'") + c + "' expected at: " + rest());
    ++at_;
  }
  std::string word() {
    peek();
    const bool quoted = at_ < text_.size() && text_[at_] == '"';
    if (quoted) ++at_;
    std::string w;
    while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_' || text_[at_] == '-'))
      w += text_[at_++];
    if (quoted && at_ < text_.size() && text_[at_] == '"') ++at_;
    return w;
  }
  std::string rest() const { return text_.substr(at_, 60); }
  std::string text_;
  size_t at_ = 0;
};

std::shared_ptr<Shape> documentedStatus() {
  std::ifstream in(std::string(LODESTAR_SOURCE_DIR) + "/docs/control-protocol.md");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("| `status` |", 0) == 0) {
      const auto from = line.find("`{", 12), to = line.rfind("}`");
      REQUIRE(from != std::string::npos);
      REQUIRE(to != std::string::npos);
      return ShapeReader(line.substr(from + 1, to - from)).object();
    }
  FAIL("docs/control-protocol.md has no status row");
  return nullptr;
}

// Every field of `value` is documented where it is; nested objects and arrays of objects are
// followed where the doc gives their shape. Each field found undocumented is named in `wrong`.
void compare(const nlohmann::json& value, const Shape& doc, const std::string& path, std::set<std::string>& wrong) {
  if (value.is_array()) {
    for (const auto& item : value) compare(item, doc, path + "[]", wrong);
    return;
  }
  if (!value.is_object()) return;
  for (const auto& [key, inner] : value.items()) {
    auto it = doc.fields.find(key);
    if (it == doc.fields.end()) {
      wrong.insert(path + "." + key);
      continue;
    }
    if (it->second) compare(inner, *it->second, path + "." + key, wrong);
  }
}

}  // namespace

TEST_CASE("status --json has the shape docs/control-protocol.md gives it", "[e2e][admin][regression]") {
  const auto doc = documentedStatus();
  REQUIRE(doc);
  // The documented nesting: endpoints beside pools in each region, availability in each pool.
  REQUIRE(doc->fields.count("regions"));
  REQUIRE(doc->fields["regions"]);
  const Shape& region = *doc->fields["regions"];
  CHECK(region.fields.count("endpoints"));
  CHECK(region.fields.count("pools"));

  DemoFixture demo;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // availability sampled
  REQUIRE(ctl(demo, "drain us-east --reason 'every field'").status == 0);
  REQUIRE(ctl(demo, "drain eu-west --at +1h --for 10m --reason later").status == 0);
  REQUIRE(ctl(demo, "force-down 127.0.2.1 --reason disk").status == 0);
  std::set<std::string> wrong;
  const auto first = statusJson(demo, "--detail");
  compare(first, *doc, "result", wrong);
  // Every region drained: fail_open entries too.
  REQUIRE(ctl(demo, "drain eu-west --force").status == 0);
  REQUIRE(ctl(demo, "drain ap-northeast --force").status == 0);
  nlohmann::json failing;
  for (int i = 0; i < 30 && failing.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    failing = statusJson(demo)["fail_open"];
  }
  CHECK(!failing.empty());
  compare(statusJson(demo), *doc, "result", wrong);
  INFO(first.dump(2));
  for (const auto& w : wrong) UNSCOPED_INFO("not documented there: " << w);
  CHECK(wrong.empty());
  // And the fields the doc nests are where it says.
  const auto& r = first["regions"][0];
  CHECK(r["endpoints"].is_array());
  CHECK(r["pools"].is_array());
  CHECK(r["pools"][0].contains("availability"));
}
