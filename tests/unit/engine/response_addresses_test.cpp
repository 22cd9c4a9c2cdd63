// A run of address records written at once must be byte for byte what writing them one by
// one gives, including the truncation when they do not all fit.
#include <catch2/catch.hpp>

#include <vector>

#include "dns/engine/response.hpp"
#include "dns/wire/query.hpp"
#include "tests/support/dns_message.hpp"

using namespace lodestar;

namespace {

std::vector<wire::Address> addresses(unsigned n, bool v6) {
  std::vector<wire::Address> out;
  for (unsigned i = 0; i < n; ++i)
    out.push_back(*wire::Address::parse(v6 ? "2001:db8::" + std::to_string(i + 1) : "192.0.2." + std::to_string(i + 1)));
  return out;
}

// The answer to `query` with `list` written as one run, or one record at a time.
test::Bytes render(const test::Bytes& query, const std::vector<wire::Address>& list, uint16_t type, size_t limit,
                   bool asRun) {
  wire::Query q{};
  REQUIRE(wire::parseQuery(query.data(), query.size(), q) == wire::ParseResult::Ok);
  std::vector<uint8_t> out(4096);
  engine::Response r(out.data(), out.size(), q);
  r.begin(limit);
  r.setAuthoritative();
  const std::string_view owner = q.qnameLower.view();
  if (asRun) {
    r.addresses(engine::kQuestionOffset, owner, type, 30, static_cast<unsigned>(list.size()),
                [&](unsigned i) -> const wire::Address& { return list[i]; });
  } else {
    for (const auto& a : list) r.address(engine::kQuestionOffset, owner, type, 30, a);
  }
  out.resize(r.finish());
  return out;
}

}  // namespace

TEST_CASE("a run of address records equals the records written one by one", "[engine][response]") {
  for (bool v6 : {false, true}) {
    const uint16_t type = v6 ? 28 : 1;
    for (bool edns : {false, true}) {
      test::QueryBuilder qb;
      qb.name("www.example.test.").type(type);
      if (edns) qb.withEdns(1232).ecs("198.51.100.0/24");
      const auto query = qb.bytes();
      for (unsigned n : {0u, 1u, 2u, 7u, 40u}) {
        for (size_t limit : {size_t(512), size_t(1232)}) {
          INFO("v6 " << v6 << " edns " << edns << " n " << n << " limit " << limit);
          const auto list = addresses(n, v6);
          const auto run = render(query, list, type, limit, true);
          CHECK(run == render(query, list, type, limit, false));
          auto parsed = test::parseAnswer(run);
          REQUIRE(parsed);
          // 40 AAAA records (28 bytes each) overflow 512 and 1232 bytes: truncated, no answers.
          const bool fits = 12 + 22 + n * (v6 ? 28u : 16u) + (edns ? 11 + 11 : 0) <= limit;
          CHECK(parsed->tc == !fits);
          CHECK(parsed->answer.size() == (fits ? n : 0));
        }
      }
    }
  }
}
