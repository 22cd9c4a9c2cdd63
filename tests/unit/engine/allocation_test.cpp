// Proves the answer path allocates nothing: every operator new in this binary is counted.
// A binary of its own, since replacing the global allocator must not disturb other tests.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

#include "dns/engine/answer.hpp"
#include "tests/support/daemon_process.hpp"
#include "tests/support/test_view.hpp"

using namespace lodestar;
using test::Bytes;
using test::QueryBuilder;

namespace {
std::atomic<uint64_t> gAllocations{0};

void* counted(std::size_t n, std::size_t align = 0) {
  gAllocations.fetch_add(1, std::memory_order_relaxed);
  if (n == 0) n = 1;
  if (align > alignof(std::max_align_t)) return std::aligned_alloc(align, (n + align - 1) / align * align);
  return std::malloc(n);
}
void* checked(void* p) {
  if (!p) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(std::size_t n) { return checked(counted(n)); }
void* operator new[](std::size_t n) { return checked(counted(n)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted(n); }
void* operator new(std::size_t n, std::align_val_t a) { return checked(counted(n, static_cast<std::size_t>(a))); }
void* operator new[](std::size_t n, std::align_val_t a) { return checked(counted(n, static_cast<std::size_t>(a))); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {
const zones::View& testView() { return test::e2eView(); }
}  // namespace

TEST_CASE("the answer path allocates nothing across 100,000 queries", "[engine][alloc]") {
  std::vector<Bytes> queries;
  for (const char* name : {"www.example.test.", "missing.example.test.", "chain1.example.test.",
                           "host.deleg.example.test.", "www.example.com.", "big.example.test."}) {
    queries.push_back(QueryBuilder().name(name).bytes());
    queries.push_back(QueryBuilder().name(name).ecs("198.51.100.0/24").bytes());
  }
  const zones::View& view = testView();
  engine::QueryStats stats;
  const engine::Pipeline pipeline(stats);
  engine::Client client{*wire::Address::parse("127.0.0.1"), engine::Transport::Udp};
  static uint8_t out[65535];
  uint64_t before = gAllocations.load();
  size_t bytes = 0;
  for (int i = 0; i < 100'000; ++i) {
    const Bytes& q = queries[static_cast<size_t>(i) % queries.size()];
    engine::AnswerContext ctx(q.data(), q.size(), client, out, sizeof out);
    bytes += engine::answerQuery(ctx, view, pipeline);
  }
  CHECK(gAllocations.load() - before == 0);
  CHECK(stats.received.value() == 100'000);
  CHECK(bytes > 0);
}

