// The AF_XDP path (`xdp:`): the kernel filter on one interface and a thread per receive
// queue answering through its AF_XDP socket with the same engine as the sockets. Optional
// and never fatal: when the kernel refuses any part, the path is off, the error is kept for
// `stats` and the log, and the sockets (always open) answer every query.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/config/server_config.hpp"
#include "dns/engine/stats.hpp"
#include "dns/cookies/cookie_secrets.hpp"
#include "dns/rrl/rate_limiter.hpp"
#include "dns/server/tap_recorder.hpp"
#include "dns/server/view_publisher.hpp"
#include "zones/yaml/diagnostics.hpp"

namespace lodestar::xdp {
class FilterProgram;
}
namespace lodestar::server {

class XdpPath {
 public:
  /// `readers` holds one reader of `views` per configured queue; `taps`, with dnstap, one
  /// recorder per queue (empty: no dnstap); `rateLimit`, each queue's share of response
  /// rate limiting (null: off). Starts the threads.
  XdpPath(const config::XdpConfig& config, const std::vector<config::ListenAddress>& listen, ViewPublisher& views,
          std::vector<ViewPublisher::Reader*> readers, uint16_t maxPayload, bool detailedStats = true,
          std::vector<std::unique_ptr<TapRecorder>> taps = {},
          std::shared_ptr<const rrl::RateSettings> rateLimit = nullptr,
          const cookies::CookieSecrets* cookies = nullptr, bool requireCookies = false);
  ~XdpPath();
  XdpPath(const XdpPath&) = delete;
  XdpPath& operator=(const XdpPath&) = delete;

  bool on() const noexcept { return error_.empty(); }
  /// Why the path is off (empty when on).
  const std::string& error() const noexcept { return error_; }
  /// What part of the traffic it leaves to the sockets although it is on, and why (or empty).
  const std::string& note() const noexcept { return note_; }
  /// What the log says at start: where it serves and how, or why it does not.
  std::string describe() const;
  /// Stops the threads and detaches the filter (the kernel's sockets get every query again).
  void stop();
  void addStatsTo(engine::StatsTotals& total) const noexcept;
  /// For `stats` and `status`: interface, mode, on or why not, per queue its counters.
  nlohmann::json status() const;

 private:
  struct Queue;
  bool start(const std::vector<config::ListenAddress>& listen, ViewPublisher& views,
             const std::vector<ViewPublisher::Reader*>& readers, uint16_t maxPayload, bool detailedStats,
             std::vector<std::unique_ptr<TapRecorder>>& taps, const rrl::RateSettings* rateLimit,
             const cookies::CookieSecrets* cookies, bool requireCookies);
  void run(Queue& q);

  config::XdpConfig config_;
  std::string error_, note_;
  std::unique_ptr<xdp::FilterProgram> filter_;  // reset: detached from the interface
  std::vector<std::unique_ptr<Queue>> queues_;
  std::atomic<bool> stopping_{false};
};

/// For `--check`: a warning at `xdp.interface` when that interface exists on this machine and
/// the path could not answer there (the daemon would start with it off), or not over IPv4.
void checkXdpLink(const config::ServerConfig& config, yaml::Diagnostics& diags);

}  // namespace lodestar::server
