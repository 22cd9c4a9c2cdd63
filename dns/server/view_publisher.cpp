// The grace period: wait until each worker is offline or has announced the new epoch.
#include "dns/server/view_publisher.hpp"

#include <thread>

namespace lodestar::server {

ViewPublisher::ViewPublisher(std::unique_ptr<const zones::View> initial, unsigned readers)
    : current_(initial.get()), owned_(std::move(initial)), readers_(readers) {}

void ViewPublisher::publish(std::unique_ptr<const zones::View> next) {
  current_.store(next.get(), std::memory_order_seq_cst);
  const uint64_t epoch = epoch_.fetch_add(1, std::memory_order_seq_cst) + 1;
  for (auto& r : readers_) {
    // A worker that announced an older epoch may still hold the previous view.
    for (;;) {
      uint64_t seen = r.seen.load(std::memory_order_seq_cst);
      if (seen == kOffline || seen >= epoch) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  }
  owned_ = std::move(next);  // frees the previous view
}

}  // namespace lodestar::server
