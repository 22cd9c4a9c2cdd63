// The daemon's table of control commands: a row's arguments are type-checked before its
// handler runs, arguments it does not take are ignored, an unknown command names the known.
#include <catch2/catch.hpp>

#include "dns/server/control_commands.hpp"

using namespace lodestar;

namespace {

nlohmann::json run(const std::vector<server::ControlCommand>& table, const std::string& command, const nlohmann::json& args) {
  nlohmann::json out;
  server::dispatchControl(table, command, args, 0, [&](const nlohmann::json& r) { out = r; });
  return out;
}

}  // namespace

TEST_CASE("a control command runs only with its arguments' types right", "[server][control]") {
  int ran = 0;
  std::vector<server::ControlCommand> table = {
      {"wait", {{"limit", control::ArgumentType::Integer}, {"why", control::ArgumentType::String}},
       [&](const nlohmann::json&, uid_t, const server::ControlServer::Reply& reply) {
         ++ran;
         reply(control::success({}));
       }},
      {"go", {}, [&](const nlohmann::json&, uid_t, const server::ControlServer::Reply& reply) { reply(control::success({})); }}};
  CHECK(run(table, "wait", {{"limit", 3}, {"why", "x"}, {"other", true}})["ok"] == true);
  CHECK(ran == 1);
  auto typed = run(table, "wait", {{"limit", "soon"}});
  CHECK(typed["ok"] == false);
  CHECK(typed["error"] == "argument \"limit\" must be an integer, not string");
  CHECK(run(table, "wait", {{"why", 5}})["error"] == "argument \"why\" must be a string, not number");
  // A time says what its integer counts; a plain count does not (it said "seconds since 1970").
  std::vector<server::ControlCommand> timed = {{"at", {{"start", control::ArgumentType::Time}}, table[1].handler}};
  CHECK(run(timed, "at", {{"start", "noon"}})["error"] == "argument \"start\" must be an integer (seconds since 1970), not string");
  CHECK(ran == 1);
  CHECK(run(table, "go", {{"limit", "not its argument"}})["ok"] == true);
  CHECK(run(table, "go", nlohmann::json::array())["error"] == "\"args\" must be a JSON object");
  CHECK(run(table, "explode", nlohmann::json::object())["error"] == "unknown command 'explode' (known: go, wait)");
}
