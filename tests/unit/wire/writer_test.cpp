// The writer: compression against earlier names, limits, reserve and rollback.
#include <catch2/catch.hpp>

#include "dns/wire/writer.hpp"

using namespace lodestar::wire;

namespace {
std::string_view bytesOf(const char* s, size_t n) { return {s, n}; }
}  // namespace

TEST_CASE("names compress against earlier names, case-insensitively", "[wire][writer]") {
  uint8_t buf[512] = {};
  Writer w(buf, sizeof buf);
  w.bytes("\0\0\0\0\0\0\0\0\0\0\0\0", 12);
  w.name(bytesOf("\3www\7Example\4test\0", 18));
  CHECK(w.size() == 30);
  w.name(bytesOf("\4mail\7example\4TEST\0", 19));  // suffix example.test → pointer to 16
  CHECK(w.size() == 30 + 5 + 2);
  CHECK(buf[35] == 0xC0);
  CHECK(buf[36] == 16);
  w.name(bytesOf("\3www\7example\4test\0", 18));  // whole name → pointer to 12
  CHECK(w.size() == 39);
  CHECK(buf[37] == 0xC0);
  CHECK(buf[38] == 12);
  w.name(bytesOf("\4mail\7example\4test\0", 19));  // compressed earlier name is a target too
  CHECK(buf[39] == 0xC0);
  CHECK(buf[40] == 30);
}

TEST_CASE("writes past the limit fail, reserve keeps room, rollback restores", "[wire][writer]") {
  uint8_t buf[64];
  Writer w(buf, sizeof buf);
  w.setLimit(20);
  w.reserve(8);
  w.bytes("0123456789", 10);
  auto m = w.mark();
  w.bytes("0123", 4);
  CHECK(w.overflowed());  // 10 + 4 + 8 reserved > 20
  w.rollback(m);
  CHECK_FALSE(w.overflowed());
  CHECK(w.size() == 10);
  w.releaseReserve();
  w.bytes("01234567", 8);
  CHECK_FALSE(w.overflowed());
  CHECK(w.size() == 18);
}

TEST_CASE("names remembered for later survive a rollback past where they were used", "[wire][writer]") {
  uint8_t buf[512] = {};
  Writer w(buf, sizeof buf);
  w.bytes("\0\0\0\0\0\0\0\0\0\0\0\0", 12);
  w.bytes("\3www\7example\4test\0", 18);  // written as is, like the question
  w.rememberNameLater(12);
  auto m = w.mark();
  w.name(bytesOf("\4mail\7example\4test\0", 19));  // uses the pending name: pointer to 16
  CHECK(buf[35] == 0xC0);
  w.bytes("\5other\4test\0", 12);
  w.rememberNameLater(37);  // a later one, appended after the mark
  w.rollback(m);
  // The question is pending again, the later name is not: the same pointer as before.
  w.name(bytesOf("\4mail\7example\4test\0", 19));
  CHECK(w.size() == 30 + 5 + 2);
  CHECK(buf[35] == 0xC0);
  CHECK(buf[36] == 16);
  w.name(bytesOf("\5other\4test\0", 12));  // "other.test" was rolled back: only "test" matches
  CHECK(w.size() == 37 + 6 + 2);
  CHECK(buf[43] == 0xC0);
  CHECK(buf[44] == 24);
}
