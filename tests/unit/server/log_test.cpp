// Log lines as written: text with a UTC time, journald's priority prefix, or one JSON object.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "dns/server/log.hpp"

using namespace lodestar::server;

TEST_CASE("log lines: text, journald's priorities, and JSON that escapes what a message holds", "[log]") {
  const int64_t at = 1796337794123;  // 2026-12-03T22:43:14.123Z
  CHECK(formatLogLine(LogFormat::Text, LogLevel::Warning, "health: x", at, false) ==
        "2026-12-03T22:43:14.123Z warning: health: x\n");
  CHECK(formatLogLine(LogFormat::Text, LogLevel::Error, "bad", at, true) == "<3>error: bad\n");
  CHECK(formatLogLine(LogFormat::Text, LogLevel::Info, "ok", at, true) == "<6>info: ok\n");
  const std::string line = formatLogLine(LogFormat::Json, LogLevel::Info, "a \"quoted\"\nline \xff", at, false);
  REQUIRE(line.back() == '\n');
  CHECK(line.find('\n') == line.size() - 1);  // one line, whatever the message holds
  const auto j = nlohmann::json::parse(line);
  CHECK(j["time"] == "2026-12-03T22:43:14.123Z");
  CHECK(j["level"] == "info");
  CHECK(j["message"].get<std::string>().rfind("a \"quoted\"\nline ", 0) == 0);
}
