// The load thread touches only what it builds, the registry (locked) and the served view
// (read-only, and kept alive: nothing else publishes while a load runs).
#include "dns/server/background_load.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>

namespace lodestar::server {

BackgroundLoad::BackgroundLoad(loop::EventLoop& loop, std::string configPath, health::Registry& registry,
                               Current current, Finish finish)
    : loop_(loop),
      configPath_(std::move(configPath)),
      registry_(registry),
      current_(std::move(current)),
      finish_(std::move(finish)) {
  doneFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (doneFd_ < 0) throw std::runtime_error("cannot create the reload eventfd");
  loop_.watch(doneFd_, EPOLLIN, [this](uint32_t) { onDone(); });
}

BackgroundLoad::~BackgroundLoad() {
  if (thread_.joinable()) thread_.join();  // a load cannot be cut short; it ends by itself
  loop_.unwatch(doneFd_);
  close(doneFd_);
}

void BackgroundLoad::request(Request r) {
  waiting_.push_back(std::move(r));
  if (!running()) start();
}

void BackgroundLoad::start() {
  running_ = std::move(waiting_);
  waiting_.clear();
  bool publish = false;
  for (const auto& r : running_) publish = publish || r.publish;
  const zones::View* previous = current_();
  // Health cells are shared with the served view only by a load that will be published.
  health::Registry* registry = publish ? &registry_ : nullptr;
  thread_ = std::thread([this, previous, registry] {
    auto result = std::make_unique<Result>();
    result->loaded = loadConfiguration(configPath_, previous, result->diags, registry);
    {
      std::lock_guard<std::mutex> guard(lock_);
      result_ = std::move(result);
    }
    uint64_t one = 1;
    (void)!write(doneFd_, &one, sizeof one);
  });
}

void BackgroundLoad::onDone() {
  uint64_t count;
  (void)!read(doneFd_, &count, sizeof count);
  if (!thread_.joinable()) return;
  thread_.join();
  std::unique_ptr<Result> result;
  {
    std::lock_guard<std::mutex> guard(lock_);
    result = std::move(result_);
  }
  auto requests = std::move(running_);
  running_.clear();
  if (result) finish_(*result, requests);
  if (!waiting_.empty()) start();
}

}  // namespace lodestar::server
