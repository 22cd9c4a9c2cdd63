// This node's link to the cluster's shared state in etcd. Three threads of its own talk to etcd
// (blocking calls never touch the control loop): one reads everything under the prefix and
// then watches it from that revision, reading again after any break; one runs requests in
// order and keeps this node's lease alive, rewriting its published keys under a new lease
// when the old one is gone; one probes another member than the watch's for the newest
// revision under the prefix, so that a watch whose member stalled (a stopped process keeps
// its TCP connections open and silent) is left for the next member, from the last revision
// it delivered. Every result comes back on the control loop.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dns/cluster/etcd_client.hpp"
#include "health/loop/event_loop.hpp"
#include "health/loop/loop_inbox.hpp"

namespace lodestar::cluster {

struct LinkOptions {
  EtcdOptions etcd;
  std::string prefix;  // every key of this cluster starts with it
  std::chrono::milliseconds lease{5000};
  std::chrono::milliseconds probeEvery{200};  // the watch's liveness probe, through another member
  std::chrono::milliseconds stallAfter{700};  // the watch behind the probe this long: its member is left
};

/// What the watch knows, for status (on the loop).
struct WatchInfo {
  std::string member;        // the member the watch runs through ("" while there is none)
  int64_t delivered = 0;     // every change under the prefix up to this revision has arrived
  int64_t clusterAdmin = 0;  // P/admin's revision as the probed member last said (0: not known)
  std::string lastMove;      // the last time the watch left a stalled member, for people ("" never)
  int64_t lastMoveAt = 0;    // unix time of that
};

class ClusterLink {
 public:
  /// All run on the control loop.
  struct Handlers {
    /// Everything under the prefix, read whole after (re)connecting, at `revision`.
    std::function<void(int64_t revision, const std::vector<KeyValue>& all)> snapshot;
    /// Changes since, in order.
    std::function<void(int64_t revision, const std::vector<WatchEvent>& events)> events;
    /// etcd became reachable (true) or not (false, with why); also once (false) when the
    /// first attempt fails. Reachable: the watch is in place and the last request and lease
    /// renewal worked.
    std::function<void(bool reachable, const std::string& why)> reachability;
    /// The watch left a stalled or gone member (the message says which, why, and where it went).
    std::function<void(const std::string& message)> watchMoved;
  };

  ClusterLink(loop::EventLoop& loop, LinkOptions options, Handlers handlers);
  ~ClusterLink();
  ClusterLink(const ClusterLink&) = delete;
  ClusterLink& operator=(const ClusterLink&) = delete;

  /// Runs `request` with the request thread's client, then `done` on the loop with its error
  /// ("" when it worked). Requests run one at a time, in the order given.
  void run(std::function<void(EtcdClient&)> request, std::function<void(const std::string& error)> done);
  /// Keeps `key` = `value` under this node's lease (gone when the node is): the latest value
  /// per key is written, as soon as the request thread is free.
  void publish(const std::string& key, const std::string& value);
  bool reachable() const noexcept { return reachable_; }
  /// On the loop: the watch's member, what it delivered, what the probe saw.
  const WatchInfo& watchInfo() const noexcept { return watchInfo_; }
  const std::string& prefix() const noexcept { return options_.prefix; }

 private:
  void watchLoop();
  void requestLoop();
  void probeLoop();
  void renewLease(EtcdClient& client);
  void setState(bool* flag, bool value, const std::string& why);  // on the loop

  loop::EventLoop& loop_;
  LinkOptions options_;
  Handlers handlers_;
  loop::LoopInbox inbox_;
  std::atomic<bool> stop_{false};
  // On the loop: the parts of reachability.
  bool watching_ = false, requestsOk_ = false, reachable_ = false;
  bool told_ = false;  // reachability was reported once (a link unreachable from the start is told so)
  WatchInfo watchInfo_;
  // Between the watch thread and the probe thread.
  std::atomic<int> watchMember_{-1};   // index of the watch's member, -1 while it has none
  std::atomic<int64_t> delivered_{0};  // as WatchInfo::delivered
  std::atomic<bool> leave_{false};     // set by the probe: the watch drops its member
  std::atomic<int64_t> behindBy_{0};   // the newest revision the probe saw past `delivered_`, for the message

  std::mutex lock_;  // guards what the request thread takes
  std::condition_variable wake_;
  std::deque<std::pair<std::function<void(EtcdClient&)>, std::function<void(const std::string&)>>> requests_;
  std::map<std::string, std::string> published_, unsent_;
  std::thread watcher_, requester_, prober_;
};

}  // namespace lodestar::cluster
