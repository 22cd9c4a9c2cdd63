// PacketErrorLog on its own: one line for many bad packets, what each count means, nothing
// for a quiet interval, and at most one line per interval however many packets come.
#include <catch2/catch.hpp>

#include "dns/server/packet_error_log.hpp"
#include "dns/wire/constants.hpp"

using namespace lodestar;
using server::PacketErrorLog;
using namespace std::chrono_literals;

namespace {

void formErrs(engine::StatsTotals& t, uint64_t n) { t.byRcode[static_cast<size_t>(wire::Rcode::FormErr)] += n; }

bool has(const std::string& line, const std::string& part) { return line.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("packet errors are one line with each count since the last line") {
  PacketErrorLog log(10s);
  engine::StatsTotals t;
  t.dropped = 500;  // before the first look: not told (stats has them)
  const auto t0 = PacketErrorLog::Clock::time_point{} + 1000s;
  bool warning = true;
  CHECK(log.observe(t, t0, warning).empty());
  CHECK_FALSE(warning);
  CHECK(log.observe(t, t0 + 1s, warning).empty());  // nothing new
  t.dropped += 7;
  formErrs(t, 3);
  t.byRcode[static_cast<size_t>(wire::Rcode::NotImp)] += 2;
  t.byRcode[static_cast<size_t>(wire::Rcode::BadVers)] += 1;
  t.received += 1000;  // good queries are no error
  const std::string line = log.observe(t, t0 + 2s, warning);
  CHECK(has(line, "packets: in the last 2 s: "));
  CHECK(has(line, "7 dropped (not a query"));
  CHECK(has(line, "3 answered FORMERR"));
  CHECK(has(line, "2 answered NOTIMP"));
  CHECK(has(line, "1 answered BADVERS"));
  CHECK_FALSE(has(line, "not sent"));
  CHECK_FALSE(warning);  // clients' malformed packets: not this server's fault
}

TEST_CASE("a flood of bad packets is one line per interval and nothing is lost between lines") {
  PacketErrorLog log(10s);
  engine::StatsTotals t;
  const auto t0 = PacketErrorLog::Clock::time_point{} + 1000s;
  bool warning = false;
  CHECK(log.observe(t, t0, warning).empty());
  int lines = 0;
  uint64_t told = 0;
  for (int s = 1; s <= 30; ++s) {  // a tick a second, 100 malformed queries each
    formErrs(t, 100);
    const std::string line = log.observe(t, t0 + std::chrono::seconds(s), warning);
    if (line.empty()) continue;
    ++lines;
    told += std::stoull(line.substr(line.find(": ", line.find("last")) + 2));
  }
  CHECK(lines == 3);  // at 1 s, 11 s and 21 s
  CHECK(told == 2100);  // every FORMERR up to the third line, none twice
  CHECK(has(log.observe(t, t0 + 31s, warning), "900 answered FORMERR"));  // the rest, 10 s after
}

TEST_CASE("answers the socket did not take are a warning") {
  PacketErrorLog log(10s);
  engine::StatsTotals t;
  const auto t0 = PacketErrorLog::Clock::time_point{} + 1000s;
  bool warning = false;
  CHECK(log.observe(t, t0, warning).empty());
  t.unsent = 4;
  const std::string line = log.observe(t, t0 + 1s, warning);
  CHECK(has(line, "4 answers not sent (the socket did not take them)"));
  CHECK(warning);
}
