// Two threads, two etcd clients (a watch holds its connection for as long as it lasts).
#include "dns/cluster/cluster_link.hpp"

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
}

ClusterLink::~ClusterLink() {
  stop_ = true;
  wake_.notify_all();
  watcher_.join();
  requester_.join();
}

void ClusterLink::setState(bool* flag, bool value, const std::string& why) {
  *flag = value;
  bool now = watching_ && requestsOk_;
  if (now == reachable_) return;
  reachable_ = now;
  handlers_.reachability(now, why);
}

void ClusterLink::watchLoop() {
  EtcdClient client(options_.etcd);
  auto backoff = std::chrono::milliseconds(100);
  while (!stop_) {
    try {
      RangeResult all = client.rangePrefix(options_.prefix);
      inbox_.post([this, all] { handlers_.snapshot(all.revision, all.kvs); });
      client.watch(
          options_.prefix, all.revision + 1, stop_,
          [this] { inbox_.post([this] { setState(&watching_, true, ""); }); },
          [this](int64_t revision, const std::vector<WatchEvent>& events) {
            inbox_.post([this, revision, events] { handlers_.events(revision, events); });
          });
      backoff = std::chrono::milliseconds(100);
    } catch (const EtcdClient::CompactedError&) {
      continue;  // read everything again, then watch from there
    } catch (const EtcdError& e) {
      std::string why = e.what();
      inbox_.post([this, why] { setState(&watching_, false, why); });
      pause(backoff, stop_);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
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
