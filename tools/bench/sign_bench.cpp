// The cold cost of online signing: signatures per second on one core, for each algorithm, over
// what a steered answer signs (two A records of a 4-label owner), as the signing stage makes
// them (canonical form, then OpenSSL). docs/benchmarks.md, "DNSSEC".
//
//   sign_bench [SECONDS]   (default 3 per algorithm)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dns/dnssec/key_pair.hpp"
#include "dns/dnssec/rrsig.hpp"

using namespace lodestar;

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  if (seconds <= 0 || seconds > 60) {
    std::fprintf(stderr, "usage: sign_bench [SECONDS from 0 to 60]\n");
    return 2;
  }
  const std::string apex("\x03gtm\x07" "example\x04test", 18);
  const std::string owner = std::string("\x03www", 4) + apex;
  const std::string_view rdata[] = {std::string_view("\x7f\x00\x02\x01", 4), std::string_view("\x7f\x00\x02\x02", 4)};
  for (uint8_t alg : {dnssec::algorithm::EcdsaP256Sha256, dnssec::algorithm::Ed25519}) {
    auto key = dnssec::KeyPair::generate(alg, 256, apex);
    if (!key) {
      std::fprintf(stderr, "sign_bench: OpenSSL made no key of algorithm %u\n", alg);
      return 1;
    }
    dnssec::SigningScratch scratch;
    uint8_t out[dnssec::kMaxRrsigRdata];
    const auto start = std::chrono::steady_clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    uint64_t made = 0;
    // Bounded by the clock, checked every 64 signatures.
    while (std::chrono::steady_clock::now() < until)
      for (int i = 0; i < 64; ++i) {
        const dnssec::SignatureWindow window{1'700'000'000u, 1'700'000'000u + static_cast<uint32_t>(made)};
        if (!dnssec::signRrset(*key, apex, {owner, 1, 30, rdata}, window, out, scratch)) return 1;
        ++made;
      }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("algorithm %u (%s): %.0f signatures/s on one core (%llu in %.2f s)\n", alg,
                alg == dnssec::algorithm::Ed25519 ? "ED25519" : "ECDSAP256SHA256", double(made) / elapsed,
                static_cast<unsigned long long>(made), elapsed);
  }
  return 0;
}
