// Three threads, each with its own etcd clients (a watch holds its connection for as long as
// it lasts).
#include "dns/cluster/cluster_link.hpp"

#include <pthread.h>

#include <cstdio>
#include <ctime>

#include "dns/cluster/base64.hpp"

namespace lodestar::cluster {

namespace {
// Sleeps up to `d`, waking early when `stop` is set.
void pause(std::chrono::milliseconds d, const std::atomic<bool>& stop) {
  for (auto until = std::chrono::steady_clock::now() + d; !stop && std::chrono::steady_clock::now() < until;)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}
}  // namespace

ClusterLink::ClusterLink(loop::EventLoop& loop, LinkOptions options, Handlers handlers)
    : loop_(loop), options_(std::move(options)), handlers_(std::move(handlers)), inbox_(loop) {
  watcher_ = std::thread([this] { watchLoop(); });
  requester_ = std::thread([this] { requestLoop(); });
  prober_ = std::thread([this] { probeLoop(); });
  pthread_setname_np(watcher_.native_handle(), "etcd-watch");
  pthread_setname_np(requester_.native_handle(), "etcd-request");
  pthread_setname_np(prober_.native_handle(), "etcd-probe");
}

ClusterLink::~ClusterLink() {
  stop_ = true;
  wake_.notify_all();
  watcher_.join();
  requester_.join();
  prober_.join();
}

void ClusterLink::setState(bool* flag, bool value, const std::string& why) {
  *flag = value;
  const bool now = watching_ && requestsOk_;
  // Unreachable from the start is said once, at the first failure: there is no change to tell.
  if (now == reachable_ && (now || value || told_)) return;
  told_ = true;
  reachable_ = now;
  handlers_.reachability(now, why);
}

void ClusterLink::watchLoop() {
  EtcdClient client(options_.etcd);
  auto backoff = std::chrono::milliseconds(100);
  int64_t resumeFrom = 0;  // > 0: watch from there (a stalled or gone member was left), no full read
  std::chrono::steady_clock::time_point lastBreak{};
  std::string goneFrom, goneWhy;  // a member that went away under the watch, told once the next one took it
  while (!stop_) {
    try {
      if (!resumeFrom) {
        RangeResult all = client.rangePrefix(options_.prefix);
        delivered_ = all.revision;
        inbox_.post([this, all] {
          watchInfo_.delivered = all.revision;
          handlers_.snapshot(all.revision, all.kvs);
        });
        resumeFrom = all.revision + 1;
      }
      client.watch(
          options_.prefix, resumeFrom, stop_,
          [&] {
            leave_ = false;
            watchMember_ = static_cast<int>(client.memberIndex());
            inbox_.post([this, member = client.endpoint()] {
              watchInfo_.member = member;
              setState(&watching_, true, "");
            });
            if (goneFrom.empty()) return;
            const std::string message = "cluster: etcd member " + goneFrom + " went away under the watch (" + goneWhy +
                                        "); the watch goes on through " + client.endpoint() + " from revision " +
                                        std::to_string(resumeFrom) + ": etcd answers through the other members";
            inbox_.post([this, message, from = goneFrom, why = goneWhy] {
              watchInfo_.lastMove = "left " + from + ": it went away (" + why + ")";
              watchInfo_.lastMoveAt = std::time(nullptr);
              handlers_.watchMoved(message);
            });
            goneFrom.clear();
          },
          [&](int64_t revision, const std::vector<WatchEvent>& events) {
            // Events carry their own revisions; a progress notification (no events) says
            // every change up to its revision was sent.
            int64_t upTo = events.empty() ? revision : delivered_.load();
            for (const auto& e : events) upTo = std::max(upTo, e.kv.modRevision);
            delivered_ = std::max(delivered_.load(), upTo);
            resumeFrom = delivered_ + 1;
            inbox_.post([this, revision, events, upTo] {
              watchInfo_.delivered = std::max(watchInfo_.delivered, upTo);
              if (!events.empty()) handlers_.events(revision, events);
            });
          },
          &leave_);
      backoff = std::chrono::milliseconds(100);
    } catch (const EtcdClient::CompactedError&) {
      resumeFrom = 0;
      continue;  // read everything again, then watch from there
    } catch (const EtcdClient::StalledError&) {
      // The probe saw newer revisions than this member sent for stallAfter: the member is
      // left for the next one, and the watch goes on from the last revision delivered.
      const std::string from = client.endpoint();
      watchMember_ = -1;
      leave_ = false;  // the probe waits for the next member's watch before judging again
      client.moveOn();
      char text[320];
      std::snprintf(text, sizeof text,
                    "cluster: the watch through etcd member %s delivered nothing up to revision %lld for %lld ms "
                    "(another member has it; this one is stalled); watching through the next member from revision %lld",
                    from.c_str(), static_cast<long long>(behindBy_.load()),
                    static_cast<long long>(options_.stallAfter.count()), static_cast<long long>(resumeFrom));
      inbox_.post([this, message = std::string(text), from] {
        watchInfo_.member.clear();
        watchInfo_.lastMove = "left " + from + ": it delivered nothing for " + std::to_string(options_.stallAfter.count()) +
                              " ms while another member had newer revisions";
        watchInfo_.lastMoveAt = std::time(nullptr);
        handlers_.watchMoved(message);
      });
    } catch (const EtcdClient::BrokenError& e) {
      // The member went away under the watch (stopped, restarted, its connection cut): the
      // next member takes it from the last revision delivered (and the move is logged then, as
      // a warning), and etcd is unreachable only when no member does (below). One member of
      // three going is never an outage.
      goneFrom = client.endpoint();
      goneWhy = e.what();
      watchMember_ = -1;
      client.moveOn();
      const auto now = std::chrono::steady_clock::now();
      if (now - lastBreak < std::chrono::seconds(1)) {  // members that take the watch and drop it: not a busy loop
        pause(backoff, stop_);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
      }
      lastBreak = now;
      inbox_.post([this] { watchInfo_.member.clear(); });
    } catch (const EtcdError& e) {
      goneFrom.clear();  // no member took the watch: etcd is unreachable, and that is what is told
      watchMember_ = -1;
      resumeFrom = 0;
      std::string why = e.what();
      inbox_.post([this, why] {
        watchInfo_.member.clear();
        setState(&watching_, false, why);
      });
      pause(backoff, stop_);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
  }
}

// The watch's liveness, without relying on the member's progress notifications (etcd 3.4
// sends them every 10 minutes unless its operator set --experimental-watch-progress-notify-
// interval, and through the JSON gateway a progress request is answered only when the request
// body ends): every probeEvery, one linearizable read through another member of the newest
// revision of P/admin and of P/nodes/ (every node's heartbeat lands there). When it is newer
// than what the watch delivered, for stallAfter, the watch's member is stalled.
void ClusterLink::probeLoop() {
  const size_t n = options_.etcd.endpoints.size();
  std::vector<std::unique_ptr<EtcdClient>> clients;  // one per member: the probe picks its member
  for (const auto& endpoint : options_.etcd.endpoints) {
    EtcdOptions o = options_.etcd;
    o.endpoints = {endpoint};
    o.timeout = options_.probeEvery * 2;
    o.explainFailures = false;  // a member that fails the probe is simply passed over
    clients.push_back(std::make_unique<EtcdClient>(o));
  }
  const std::string adminKey = options_.prefix + "admin", nodes = options_.prefix + "nodes/";
  const nlohmann::json readAdmin = {{"request_range", {{"key", base64Encode(adminKey)}, {"keys_only", true}}}};
  const nlohmann::json readNewestNode = {{"request_range",
                                          {{"key", base64Encode(nodes)},
                                           {"range_end", base64Encode(prefixEnd(nodes))},
                                           {"keys_only", true},
                                           {"limit", "1"},
                                           {"sort_order", "DESCEND"},
                                           {"sort_target", "MOD"}}}};
  size_t probe = n > 1 ? 1 : 0;
  int64_t lastAdmin = -1;
  std::chrono::steady_clock::time_point behindSince{};
  while (!stop_) {
    pause(options_.probeEvery, stop_);
    const int watching = watchMember_;
    if (stop_ || watching < 0) {
      behindSince = {};
      continue;
    }
    if (n > 1 && probe == static_cast<size_t>(watching)) probe = (probe + 1) % n;
    try {
      auto r = clients[probe]->transaction({}, {readAdmin, readNewestNode}, {});
      auto newest = [&](size_t i) {
        return i < r.ranges.size() && !r.ranges[i].kvs.empty() ? r.ranges[i].kvs[0].modRevision : 0;
      };
      const int64_t admin = newest(0), latest = std::max(admin, newest(1));
      if (admin != lastAdmin) {
        lastAdmin = admin;
        inbox_.post([this, admin] { watchInfo_.clusterAdmin = admin; });
      }
      if (latest <= delivered_ || watchMember_ != watching) {
        behindSince = {};
      } else if (behindSince == std::chrono::steady_clock::time_point{}) {
        behindSince = std::chrono::steady_clock::now();
      } else if (std::chrono::steady_clock::now() - behindSince >= options_.stallAfter) {
        behindBy_ = latest;
        leave_ = true;
        behindSince = {};
      }
    } catch (const EtcdError&) {
      probe = (probe + 1) % n;  // this member does not answer: the next one is asked
    }
  }
}

void ClusterLink::run(std::function<void(EtcdClient&)> request, std::function<void(const std::string&)> done) {
  {
    std::lock_guard<std::mutex> hold(lock_);
    requests_.emplace_back(std::move(request), std::move(done));
  }
  wake_.notify_all();
}

void ClusterLink::publish(const std::string& key, const std::string& value) {
  {
    std::lock_guard<std::mutex> hold(lock_);
    published_[key] = value;
    unsent_[key] = value;
  }
  wake_.notify_all();
}

void ClusterLink::requestLoop() {
  EtcdClient client(options_.etcd);
  const auto renewEvery = options_.lease / 3;
  const int64_t ttl = std::max<int64_t>(1, (options_.lease.count() + 999) / 1000);
  int64_t lease = 0;
  auto nextRenewal = std::chrono::steady_clock::now();
  auto report = [this](bool ok, const std::string& why) {
    inbox_.post([this, ok, why] { setState(&requestsOk_, ok, why); });
  };
  while (!stop_) {
    std::pair<std::function<void(EtcdClient&)>, std::function<void(const std::string&)>> job;
    std::map<std::string, std::string> toSend;
    {
      std::unique_lock<std::mutex> hold(lock_);
      wake_.wait_until(hold, nextRenewal, [&] { return stop_ || !requests_.empty() || (!unsent_.empty() && lease); });
      if (stop_) break;
      if (!requests_.empty()) {
        job = std::move(requests_.front());
        requests_.pop_front();
      }
    }
    // The lease: renewed a third of its life ahead; a lost one is replaced and every
    // published key written again under the new one.
    if (std::chrono::steady_clock::now() >= nextRenewal || !lease) {
      try {
        if (!lease || !client.keepAlive(lease)) {
          lease = client.grantLease(ttl);
          std::lock_guard<std::mutex> hold(lock_);
          unsent_ = published_;
        }
        nextRenewal = std::chrono::steady_clock::now() + renewEvery;
        report(true, "");
      } catch (const EtcdError& e) {
        nextRenewal = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
        report(false, e.what());
      }
    }
    if (lease) {
      std::lock_guard<std::mutex> hold(lock_);
      toSend.swap(unsent_);
    }
    for (auto it = toSend.begin(); it != toSend.end(); ++it) {
      try {
        client.put(it->first, it->second, lease);
      } catch (const EtcdError& e) {
        // Keep what was not written (unless a newer value came meanwhile); the lease renewal
        // finds out whether etcd is gone.
        std::lock_guard<std::mutex> hold(lock_);
        for (auto rest = it; rest != toSend.end(); ++rest) unsent_.try_emplace(rest->first, rest->second);
        nextRenewal = std::chrono::steady_clock::now();
        break;
      }
    }
    if (job.first) {
      std::string error;
      try {
        job.first(client);
      } catch (const EtcdError& e) {
        error = e.what();
      }
      report(error.empty(), error);
      inbox_.post([done = std::move(job.second), error] { done(error); });
    }
  }
  if (lease) {
    try {
      client.revokeLease(lease);  // a clean stop: this node's reports go at once
    } catch (const EtcdError&) {
    }
  }
}

}  // namespace lodestar::cluster
