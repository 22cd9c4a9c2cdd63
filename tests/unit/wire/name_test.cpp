// Wire-name reading: compression, loops, label types and limits.
#include <catch2/catch.hpp>

#include "zones/name_index.hpp"

#include "dns/wire/name.hpp"

using namespace lodestar;
using Bytes = std::vector<uint8_t>;

namespace {
bool read(const Bytes& b, size_t at, wire::WireName& out, size_t* end = nullptr) {
  wire::Reader r(b.data(), b.size());
  r.skip(at);
  bool ok = wire::readName(r, out);
  if (end) *end = r.position();
  return ok;
}
}  // namespace

namespace {
struct ItsOwnName {
  std::string_view operator()(const std::string& s) const noexcept { return s; }
};
}  // namespace

TEST_CASE("readName copies an uncompressed name", "[wire][name]") {
  Bytes b = {3, 'w', 'w', 'w', 4, 'T', 'e', 's', 't', 0, 0xAA};
  wire::WireName n;
  size_t end = 0;
  REQUIRE(read(b, 0, n, &end));
  CHECK(n.length == 10);
  CHECK(end == 10);
  wire::WireName lower;
  wire::lowercaseName(n, lower);
  CHECK(lower.view() == std::string_view("\3www\4test\0", 10));
}

TEST_CASE("readName follows backward pointers and resumes after the first one", "[wire][name]") {
  Bytes b = {4, 't', 'e', 's', 't', 0, 3, 'w', 'w', 'w', 0xC0, 0x00, 0xEE};
  wire::WireName n;
  size_t end = 0;
  REQUIRE(read(b, 6, n, &end));
  CHECK(n.view() == std::string_view("\3www\4test\0", 10));
  CHECK(end == 12);
}

TEST_CASE("readName rejects loops, forward pointers, reserved label types and overlong names", "[wire][name]") {
  wire::WireName n;
  CHECK_FALSE(read({0xC0, 0x00}, 0, n));                   // points at itself
  CHECK_FALSE(read({1, 'a', 0xC0, 0x00}, 0, n));           // back to its own start: loop
  CHECK_FALSE(read({0xC0, 0x04, 0, 0, 0}, 0, n));           // forward
  CHECK_FALSE(read({0x41, 'a', 0}, 0, n));                  // 0x40 extended label type
  CHECK_FALSE(read({0x81, 'a', 0}, 0, n));                  // 0x80 reserved
  CHECK_FALSE(read({5, 'a', 'b'}, 0, n));                   // runs off the end
  CHECK_FALSE(read({3, 'a', 'b', 'c'}, 0, n));              // no terminating zero
  CHECK_FALSE(read({0xC0}, 0, n));                          // half a pointer

  Bytes longName;
  for (int i = 0; i < 4; ++i) {
    longName.push_back(63);
    longName.insert(longName.end(), 63, 'x');
  }
  longName.push_back(0);  // 4 * 64 + 1 = 257 bytes: over 255
  CHECK_FALSE(read(longName, 0, n));
  longName.erase(longName.begin() + 1, longName.begin() + 3);
  longName[0] = 61;  // 255 bytes exactly
  CHECK(read(longName, 0, n));
  CHECK(n.length == 255);
}

TEST_CASE("the root name is one zero byte", "[wire][name]") {
  wire::WireName n;
  REQUIRE(read({0}, 0, n));
  CHECK(n.length == 1);
}

TEST_CASE("readNameLowered agrees with readName and lowercaseName on every byte value and on bad names",
          "[wire][name]") {
  auto both = [](const Bytes& b, size_t at) {
    wire::WireName slow, slowLower, fast, fastLower;
    wire::Reader r1(b.data(), b.size()), r2(b.data(), b.size());
    r1.skip(at);
    r2.skip(at);
    bool ok1 = wire::readName(r1, slow);
    if (ok1) wire::lowercaseName(slow, slowLower);
    uint64_t hash = 0;
    bool ok2 = wire::readNameLowered(r2, fast, fastLower, hash);
    REQUIRE(ok1 == ok2);
    if (!ok1) return;
    CHECK(hash == lodestar::zones::NameIndex<const std::string, ItsOwnName>::hash(fastLower.view()));  // what the view's index would compute
    CHECK(r1.position() == r2.position());
    CHECK(slow.view() == fast.view());
    CHECK(slowLower.view() == fastLower.view());
  };
  for (int half = 0; half < 2; ++half) {  // every byte value, in two names of labels of 32
    Bytes name;
    for (int c = half * 128; c < half * 128 + 128; c += 32) {
      name.push_back(32);
      for (int k = c; k < c + 32; ++k) name.push_back(static_cast<uint8_t>(k));
    }
    name.push_back(0);
    both(name, 0);
  }
  both({3, 'W', 'w', 'W', 4, 'T', 'E', 'S', 'T', 0}, 0);
  for (uint8_t len = 0; len < 64; ++len) {  // every name length mod 8, short and long
    Bytes name{len};
    for (uint8_t k = 0; k < len; ++k) name.push_back(static_cast<uint8_t>('A' + k % 26));
    if (len) name.push_back(0);
    name.push_back(0xEE);  // a byte after the name, never part of it
    both(name, 0);
  }
  both({4, 'T', 'e', 's', 't', 0, 3, 'W', 'W', 'W', 0xC0, 0x00, 0xEE}, 6);  // a pointer mid-name
  both({0xC0, 0x00}, 0);
  both({5, 'a', 'b'}, 0);
  both({0x41, 'a', 0}, 0);
  both({3, 'a', 'b', 'c'}, 0);
  for (size_t total : {254, 255, 256, 257}) {  // around the 255-byte limit
    Bytes name;
    while (name.size() + 1 < total) {
      size_t len = std::min<size_t>(63, total - 1 - name.size() - 1);
      if (len == 0) break;
      name.push_back(static_cast<uint8_t>(len));
      name.insert(name.end(), len, 'Q');
    }
    name.push_back(0);
    both(name, 0);
    Bytes cut(name.begin(), name.end() - 1);  // the packet ends before the final zero
    both(cut, 0);
  }
}
