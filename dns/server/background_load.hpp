// Loads the configuration on a thread of its own, so a reload of thousands of zones never
// delays a probe, a withdrawal, a drain or a status answer on the control loop. Requests made
// while a load runs wait for the next load (the files may have changed since the running one
// read them), and every request waiting then is answered by that one load.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/server/loaded_config.hpp"
#include "health/loop/event_loop.hpp"

namespace lodestar::server {

class BackgroundLoad {
 public:
  struct Result {
    std::optional<LoadedConfig> loaded;  // null when the files have errors
    yaml::Diagnostics diags;
  };
  struct Request {
    bool publish = false;  // a reload; otherwise a check that changes nothing
    bool force = false;    // publish even when it drops most zones
    std::function<void(const nlohmann::json& response)> reply;  // may be empty (SIGHUP)
  };
  /// Runs on the loop with a finished load and the requests it answers: publishes when one
  /// asked to, and replies to each.
  using Finish = std::function<void(Result& result, std::vector<Request>& requests)>;
  /// The view loads are compared with (serials): the one being served when a load starts.
  using Current = std::function<const zones::View*()>;

  BackgroundLoad(loop::EventLoop& loop, std::string configPath, health::Registry& registry, Current current,
                 Finish finish);
  ~BackgroundLoad();
  BackgroundLoad(const BackgroundLoad&) = delete;
  BackgroundLoad& operator=(const BackgroundLoad&) = delete;

  void request(Request r);
  bool running() const noexcept { return thread_.joinable(); }

 private:
  void start();
  void onDone();

  loop::EventLoop& loop_;
  std::string configPath_;
  health::Registry& registry_;
  Current current_;
  Finish finish_;
  int doneFd_ = -1;                   // an eventfd the load thread writes when it is finished
  std::thread thread_;
  std::vector<Request> running_, waiting_;
  std::mutex lock_;
  std::unique_ptr<Result> result_;    // guarded by lock_: handed from the thread to the loop
};

}  // namespace lodestar::server
