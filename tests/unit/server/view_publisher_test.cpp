// ViewPublisher's protocol: a view is freed only once no worker can hold it; a worker that
// is offline or has announced the new epoch never delays a publish; and many workers
// reading while views are published (run under TSan and ASan in CI) touch no freed view.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "dns/server/view_publisher.hpp"
#include "zones/admin_cells.hpp"

using namespace lodestar;
using server::ViewPublisher;

namespace {

// A view whose destruction sets `freed` (through the database handle it owns), named by its
// one region so a reader can look at the view it holds.
std::unique_ptr<const zones::View> trackedView(std::atomic<bool>* freed, const std::string& name = "v") {
  auto v = std::make_unique<zones::View>();
  if (freed) v->setDatabase(std::shared_ptr<const geo::Database>(nullptr, [freed](const geo::Database*) { *freed = true; }));
  auto admin = std::make_shared<zones::AdminCells>();
  admin->setRegionCount(1);
  v->setRegions({zones::Region{name}}, admin);
  return v;
}

}  // namespace

TEST_CASE("view publisher: offline readers never hold a view, so the old one is freed at publish", "[server][publisher]") {
  std::atomic<bool> firstFreed{false};
  ViewPublisher p(trackedView(&firstFreed, "first"), 2);
  CHECK(p.current()->regions()[0].name == "first");
  p.publish(trackedView(nullptr, "second"));
  CHECK(firstFreed);
  CHECK(p.current()->regions()[0].name == "second");
}

TEST_CASE("view publisher: a reader inside an older epoch delays the free until it moves on", "[server][publisher]") {
  std::atomic<bool> firstFreed{false};
  ViewPublisher p(trackedView(&firstFreed, "first"), 2);
  ViewPublisher::Reader& worker = p.reader(0);
  const zones::View* held = p.enter(worker);
  REQUIRE(held->regions()[0].name == "first");

  std::atomic<bool> published{false};
  std::thread control([&] {
    p.publish(trackedView(nullptr, "second"));
    published = true;
  });
  // The new view is visible at once; the old one stays until the worker moves on.
  while (p.current()->regions()[0].name != "second") std::this_thread::yield();
  for (int i = 0; i < 50 && !published; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  CHECK_FALSE(published);
  CHECK_FALSE(firstFreed);
  CHECK(held->regions()[0].name == "first");  // still readable

  SECTION("by entering again") {
    CHECK(p.enter(worker)->regions()[0].name == "second");
  }
  SECTION("by leaving") {
    ViewPublisher::leave(worker);
  }
  control.join();
  CHECK(published);
  CHECK(firstFreed);
}

TEST_CASE("view publisher: workers reading while views are published never see a freed one",
          "[server][publisher][threads]") {
  constexpr unsigned kWorkers = 3;
  ViewPublisher p(trackedView(nullptr, "view-0"), kWorkers);
  std::atomic<bool> stop{false};
  std::atomic<unsigned> started{0};
  std::vector<uint64_t> reads(kWorkers, 0);
  std::vector<std::thread> workers;
  for (unsigned w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      ViewPublisher::Reader& r = p.reader(w);
      while (!stop.load(std::memory_order_relaxed)) {
        const zones::View* v = p.enter(r);
        // Read the view as the answer path does: ASan and TSan see a use after free.
        if (v->regions()[0].name.rfind("view-", 0) == 0 && ++reads[w] == 1) ++started;
        if (reads[w] % 64 == 0) ViewPublisher::leave(r);  // as a worker does before blocking
      }
      ViewPublisher::leave(r);
    });
  while (started < kWorkers) std::this_thread::yield();  // each reads while views change
  for (int i = 1; i <= 300; ++i) p.publish(trackedView(nullptr, "view-" + std::to_string(i)));
  stop = true;
  for (auto& t : workers) t.join();
  CHECK(p.current()->regions()[0].name == "view-300");
  for (unsigned w = 0; w < kWorkers; ++w) CHECK(reads[w] > 0);
}
