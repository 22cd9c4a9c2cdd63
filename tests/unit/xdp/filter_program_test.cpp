// The XDP filter, run by the kernel itself (BPF_PROG_TEST_RUN) on crafted frames. Built with
// "drop when the queue has no socket" so that a frame it takes (drop: no socket here) is
// told apart from one it passes to the kernel. Needs root (CAP_BPF); CI runs as root.
#include <catch2/catch.hpp>
#include <linux/bpf.h>
#include <unistd.h>

#include "dns/xdp/filter_program.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/udp_frames.hpp"

using lodestar::test::FrameSpec;
using lodestar::test::udpFrame;
using namespace lodestar;

namespace {
constexpr int kTaken = XDP_DROP, kPassed = XDP_PASS;

bool loaded(xdp::FilterProgram& p, xdp::FilterSpec spec, const std::vector<std::string>& addresses = {}) {
  spec.dropWithoutSocket = true;
  std::vector<wire::Address> list;
  for (const auto& a : addresses) list.push_back(*wire::Address::parse(a));
  std::string error;
  bool ok = p.load(spec, list, 4, error);
  if (!ok && geteuid() != 0) {
    WARN("SKIPPED: not root, the kernel filter is not tested here (" << error << ")");
    test::markSkipped();
    return false;  // the caller returns: a skip, reported to ctest as one
  }
  INFO(error);
  REQUIRE(ok);
  return true;
}

int verdict(const xdp::FilterProgram& p, const std::vector<uint8_t>& frame) {
  std::string error;
  int v = p.testRun(frame.data(), frame.size(), error);
  INFO(error);
  REQUIRE(v >= 0);
  return v;
}

std::vector<uint8_t> edit(std::vector<uint8_t> f, size_t at, uint8_t value) {
  f[at] = value;
  return f;
}
}  // namespace

TEST_CASE("xdp filter: takes UDP to its port and passes everything else to the kernel") {
  xdp::FilterProgram p;
  if (!loaded(p, {5353})) return;
  FrameSpec v4;
  v4.destinationPort = 5353;
  FrameSpec v6{"2001:db8::1", "2001:db8::53", 40000, 5353};
  CHECK(verdict(p, udpFrame(v4)) == kTaken);
  CHECK(verdict(p, udpFrame(v6)) == kTaken);

  FrameSpec otherPort = v4;
  otherPort.destinationPort = 53;
  CHECK(verdict(p, udpFrame(otherPort)) == kPassed);
  FrameSpec tcp = v4;
  tcp.protocol = 6;
  CHECK(verdict(p, udpFrame(tcp)) == kPassed);
  FrameSpec tcp6 = v6;
  tcp6.protocol = 6;
  CHECK(verdict(p, udpFrame(tcp6)) == kPassed);

  auto f4 = udpFrame(v4);
  CHECK(verdict(p, edit(f4, 13, 0x06)) == kPassed);                   // ARP
  CHECK(verdict(p, edit(edit(f4, 12, 0x81), 13, 0x00)) == kPassed);  // a VLAN tag
  CHECK(verdict(p, edit(f4, 14, 0x46)) == kPassed);                   // IPv4 options
  CHECK(verdict(p, edit(f4, 14 + 6, 0x20)) == kPassed);               // first fragment
  CHECK(verdict(p, edit(f4, 14 + 7, 0x10)) == kPassed);               // a later fragment
  CHECK(verdict(p, std::vector<uint8_t>(f4.begin(), f4.begin() + 41)) == kPassed);  // too short to read
  auto f6 = udpFrame(v6);
  CHECK(verdict(p, edit(f6, 14 + 6, 0)) == kPassed);                  // an extension header
  CHECK(verdict(p, std::vector<uint8_t>(f6.begin(), f6.begin() + 61)) == kPassed);
}

TEST_CASE("xdp filter: with listed addresses it takes only queries to them") {
  xdp::FilterProgram p;
  if (!loaded(p, {53, xdp::Take::Listed, xdp::Take::Listed}, {"198.51.100.53", "2001:db8::53"})) return;
  CHECK(verdict(p, udpFrame({"192.0.2.1", "198.51.100.53"})) == kTaken);
  CHECK(verdict(p, udpFrame({"192.0.2.1", "198.51.100.54"})) == kPassed);
  CHECK(verdict(p, udpFrame({"192.0.2.1", "0.0.0.0"})) == kPassed);
  CHECK(verdict(p, udpFrame({"2001:db8::1", "2001:db8::53"})) == kTaken);
  CHECK(verdict(p, udpFrame({"2001:db8::1", "2001:db8::54"})) == kPassed);
  CHECK(verdict(p, udpFrame({"2001:db8::1", "::ffff:198.51.100.53"})) == kTaken);  // the same key, by design
}

TEST_CASE("xdp filter: a family not listened on is left to the kernel") {
  xdp::FilterProgram p;
  if (!loaded(p, {53, xdp::Take::Any, xdp::Take::None})) return;
  CHECK(verdict(p, udpFrame({"192.0.2.1", "198.51.100.53"})) == kTaken);
  CHECK(verdict(p, udpFrame({"2001:db8::1", "2001:db8::53"})) == kPassed);
  xdp::FilterProgram q;
  if (!loaded(q, {53, xdp::Take::None, xdp::Take::Listed}, {"2001:db8::53"})) return;
  CHECK(verdict(q, udpFrame({"192.0.2.1", "198.51.100.53"})) == kPassed);
  CHECK(verdict(q, udpFrame({"2001:db8::1", "2001:db8::53"})) == kTaken);
}

TEST_CASE("xdp filter: in production a query whose queue has no socket goes to the kernel") {
  xdp::FilterProgram p;
  std::string error;
  if (!p.load({53}, {}, 4, error)) {
    INFO(error);
    REQUIRE(geteuid() != 0);
    LODESTAR_SKIP("not root, the kernel filter is not tested here (" << error << ")");
  }
  CHECK(verdict(p, udpFrame({})) == kPassed);
}
