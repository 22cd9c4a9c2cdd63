// The thread touches only what start() handed it: the zones (shared, read-only) and a copy of
// the view's basis; the result comes back to the loop through an eventfd.
#include "dns/server/background_resign.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>

namespace lodestar::server {

BackgroundResign::BackgroundResign(loop::EventLoop& loop, Finish finish) : loop_(loop), finish_(std::move(finish)) {
  doneFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (doneFd_ < 0) throw std::runtime_error("cannot create the re-signing eventfd");
  loop_.watch(doneFd_, EPOLLIN, [this](uint32_t) { onDone(); });
}

BackgroundResign::~BackgroundResign() {
  if (thread_.joinable()) thread_.join();  // signing cannot be cut short; it ends by itself
  loop_.unwatch(doneFd_);
  close(doneFd_);
}

void BackgroundResign::start(const zones::View& view, uint64_t generation, uint32_t now) {
  // Taken here, on the loop: the thread never reads the served view itself.
  std::vector<std::shared_ptr<zones::Zone>> zones = view.zones();
  zones::View::Basis basis = view.basis();
  thread_ = std::thread([this, zones = std::move(zones), basis = std::move(basis), generation, now]() mutable {
    auto result = std::make_unique<Result>();
    result->basedOn = generation;
    try {
      result->view = dnssec::resignView(std::move(zones), std::move(basis), now, result->diags, result->resigned);
    } catch (const std::exception& e) {  // no memory: the served view keeps serving
      result->view.reset();
      result->resigned.clear();
      result->diags.error({}, std::string("re-signing in place failed: ") + e.what());
    }
    {
      std::lock_guard<std::mutex> guard(lock_);
      result_ = std::move(result);
    }
    uint64_t one = 1;
    (void)!write(doneFd_, &one, sizeof one);
  });
}

void BackgroundResign::onDone() {
  uint64_t count;
  (void)!read(doneFd_, &count, sizeof count);
  if (!thread_.joinable()) return;
  thread_.join();
  std::unique_ptr<Result> result;
  {
    std::lock_guard<std::mutex> guard(lock_);
    result = std::move(result_);
  }
  if (result) finish_(*result);
}

}  // namespace lodestar::server
