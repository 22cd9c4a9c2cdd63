// The shared state's meaning: how keys become overrides and views, how views combine, and
// how an admin change is written so that two nodes cannot both act on the same old state.
#include "dns/server/cluster_node.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "dns/control/history_entry.hpp"
#include "dns/control/protocol.hpp"
#include "dns/server/log.hpp"
#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

namespace {

constexpr int kCommitTries = 8;
constexpr size_t kHistoryKept = 1000;  // admin actions kept in etcd (older ones are pruned)
constexpr int kPruneEvery = 20;        // commits of this node between two prunings

using health::observedName;

int64_t nowSeconds() { return std::time(nullptr); }

cluster::LinkOptions linkOptions(const config::ClusterConfig& c) {
  cluster::LinkOptions o;
  o.etcd.endpoints = c.etcd;
  o.etcd.caFile = c.caFile;
  o.etcd.certFile = c.certFile;
  o.etcd.keyFile = c.keyFile;
  o.etcd.user = c.user;
  o.etcd.password = c.password;
  // A stalled member holds a request this long before the next member is tried: at most half
  // a lease, so the lease is renewed through another member before it ends.
  o.etcd.timeout = std::min(std::chrono::milliseconds(2000), c.lease / 2);
  o.prefix = c.prefix;
  o.lease = c.lease;
  return o;
}

// An error reply that lodestarctl turns into exit code 3.
nlohmann::json unreachable(const std::string& why) {
  auto r = control::failure("the cluster's etcd cannot be reached (" + why +
                            "); nothing was changed. Use --local to change this node only");
  r["code"] = "cluster_unreachable";
  return r;
}

// Config hashes by node: whether they differ, and for people ("ns1 1b9e33c0d5a2, ...").
bool differ(const std::map<std::string, std::string>& configs) {
  for (const auto& [node, hash] : configs)
    if (hash != configs.begin()->second) return true;
  return false;
}

std::string listConfigs(const std::map<std::string, std::string>& configs) {
  std::string out;
  for (const auto& [node, hash] : configs) out += (out.empty() ? "" : ", ") + node + " " + hash.substr(0, 12);
  return out;
}

// Writes `dir/name` whole or not at all: a temp file, fsync, rename, fsync of the folder.
bool writeWhole(const std::string& dir, const char* name, const std::string& text, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = dir + "/" + name, temp = path + ".tmp";
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    error = "cannot write " + temp + ": " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  for (ssize_t n = 0; done < text.size(); done += static_cast<size_t>(n))
    if ((n = write(fd, text.data() + done, text.size() - done)) <= 0) break;
  const bool ok = done == text.size() && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(temp.c_str(), path.c_str()) != 0) {
    error = "cannot save " + path + ": " + std::strerror(errno);
    unlink(temp.c_str());
    return false;
  }
  if (const int folder = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); folder >= 0) {
    fsync(folder);
    close(folder);
  }
  return true;
}

// 64 random bits as hex: this run of the node.
std::string newInstanceId() {
  std::random_device random;
  char text[17];
  std::snprintf(text, sizeof text, "%08x%08x", random(), random());
  return text;
}

}  // namespace

std::string endpointKey(const health::CheckSpec& check, const std::string& address) {
  // FNV-1a over the identity: the same on every node and every build, short in the reports.
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : check.identity()) h = (h ^ c) * 1099511628211ull;
  char digest[17];
  std::snprintf(digest, sizeof digest, "%016llx", static_cast<unsigned long long>(h));
  return std::string(digest) + "|" + address;
}

ClusterNode::ClusterNode(loop::EventLoop& loop, const config::ClusterConfig& config, std::string version,
                         std::string stateDir, std::function<void()> changed,
                         std::function<void(const std::string&)> refuse)
    : loop_(loop),
      config_(config),
      version_(std::move(version)),
      stateDir_(std::move(stateDir)),
      started_(nowSeconds()),
      changed_(std::move(changed)),
      degradedSince_(nowSeconds()),
      refuse_(std::move(refuse)),
      instance_(newInstanceId()),
      link_(loop, linkOptions(config),
            {[this](int64_t r, const std::vector<cluster::KeyValue>& all) { onSnapshot(r, all); },
             [this](int64_t r, const std::vector<cluster::WatchEvent>& e) { onEvents(r, e); },
             [this](bool ok, const std::string& why) { onReachability(ok, why); },
             [](const std::string& message) { logLine(LogLevel::Warning, message); }}) {
  heartbeatTimer_ = loop_.after(config_.lease, [this] { heartbeat(); });
  readCopy();
}

void ClusterNode::shareCookies(CookieKeeper& keeper) {
  const std::string key = config_.prefix + kCookieSecretsKey;
  cookies_ = std::make_unique<ClusterCookies>(loop_, link_, keeper, key, config_.node,
                                              [this, key](const std::string& why) { noteForeign(key, why); });
}

void ClusterNode::readCopy() {
  if (stateDir_.empty()) {
    savedCopy_ = "no copy of the cluster's overrides is kept (no state_dir)";
    return;
  }
  const std::string path = stateDir_ + "/" + kClusterAdminCache;
  struct stat file {};
  if (stat(path.c_str(), &file) != 0) {
    savedCopy_ = "no saved copy of the cluster's overrides (" + path + " does not exist)";
    return;
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> dropped;
  std::string error;
  auto cached = AdminState::parse(text.str(), dropped, error);
  if (!cached) {
    savedCopy_ = "no usable copy of the cluster's overrides (" + path + ": " + error + ")";
    logLine(LogLevel::Warning, "cluster: " + savedCopy_ + "; none apply until etcd answers");
    return;
  }
  admin_ = std::move(*cached);
  // Written by keepCopy() with etcd's revision and the time; a copy from before has neither.
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  auto field = [&](const char* key) -> int64_t {
    auto it = j.is_object() ? j.find(key) : j.end();
    return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
  };
  savedRevision_ = field("etcd_revision");
  savedAt_ = field("saved") ? field("saved") : static_cast<int64_t>(file.st_mtime);
  savedCopy_ = path + ", " + (savedRevision_ ? "revision " + std::to_string(savedRevision_) : std::string("revision not recorded")) +
               ", saved at " + wire::formatUtc(savedAt_);
  logLine(LogLevel::Info, "cluster: the cluster's overrides as last saved (" + savedCopy_ + ") apply until etcd answers");
}

ClusterNode::~ClusterNode() {
  loop_.cancel(heartbeatTimer_);
  for (const auto& w : acks_)
    if (w->timer) loop_.cancel(w->timer);
}

void ClusterNode::heartbeat() {
  publishReport();
  heartbeatTimer_ = loop_.after(config_.lease, [this] { heartbeat(); });
}

void ClusterNode::keepCopy() {
  if (stateDir_.empty()) return;
  // The overrides as admin-state.json has them, with etcd's revision and the time, for the
  // message of a node started while etcd is unreachable.
  nlohmann::json copy = admin_.toJson();
  copy["etcd_revision"] = adminRevision_;
  copy["saved"] = nowSeconds();
  std::string error;
  if (writeWhole(stateDir_, kClusterAdminCache, copy.dump(2) + "\n", error)) copiedRevision_ = adminRevision_;
  else logLine(LogLevel::Warning, "cluster: " + error);
}

void ClusterNode::noteForeign(const std::string& key, const std::string& why) {
  if (foreignSeen_.insert(key + "|" + why).second)
    logLine(LogLevel::Warning, "cluster: ignoring " + key + ": " + why + " (logged once)");
}

bool ClusterNode::take(const std::string& key, const std::optional<std::string>& value, int64_t modRevision) {
  const std::string& p = config_.prefix;
  if (key.rfind(p, 0) != 0) return false;
  const std::string rest = key.substr(p.size());
  if (rest == "admin") {
    adminRevision_ = value ? modRevision : 0;
    AdminState next;
    if (value) {
      std::vector<std::string> dropped;
      std::string error;
      auto parsed = AdminState::parse(*value, dropped, error);
      if (!parsed) {
        noteForeign(key, error);
        return false;  // keep the overrides we had: a broken write must not undo them
      }
      for (const auto& d : dropped) noteForeign(key, d);
      next = std::move(*parsed);
    }
    if (next.toJson() == admin_.toJson()) {
      if (adminRevision_ != copiedRevision_) keepCopy();  // the same overrides at a newer revision
      return false;
    }
    admin_ = std::move(next);
    keepCopy();
    return true;
  }
  if (rest.rfind("nodes/", 0) == 0) {
    const std::string node = rest.substr(6);
    if (node.find('/') != std::string::npos) {
      // Node names have no '/': a key of another cluster whose prefix lies inside this one.
      if (value) noteForeign(key, "not a key Lodestar writes (another cluster's prefix inside this one?)");
      return false;
    }
    std::string error;
    auto report = value ? parseNodeReport(*value, node, error) : std::nullopt;
    if (value && !report) noteForeign(key, error);
    if (node == config_.node && claimed_ && (!report || report->instance != instance_)) {
      // Our own key deleted, broken or written by another process: while this node holds the
      // name, its report is the one of record, so it is written again.
      if (report)
        noteForeign(key, "another process reports as this node (instance " + report->instance + ", this one is " +
                             instance_ + "): two nodes have the name " + node);
      publishReport();
    }
    if (!report) return reports_.erase(node) > 0;
    if (node == config_.node && claimed_ && report->instance != instance_) return false;
    lastSeen_[node] = std::max(lastSeen_[node], report->seen);
    reports_[node] = std::move(*report);
    return true;
  }
  if (rest.rfind("history/", 0) == 0) return false;
  if (rest == kCookieSecretsKey) {
    if (cookies_) cookies_->take(value, modRevision);  // a node with cookies off leaves it to the others
    return false;
  }
  if (value) noteForeign(key, "not a key Lodestar writes");
  return false;
}

void ClusterNode::onSnapshot(int64_t, const std::vector<cluster::KeyValue>& all) {
  // A full read replaces everything: keys that went away while we were not watching go too.
  reports_.clear();
  bool sawAdmin = false, sawCookies = false;
  for (const auto& kv : all) {
    sawAdmin = sawAdmin || kv.key == config_.prefix + "admin";
    sawCookies = sawCookies || kv.key == config_.prefix + kCookieSecretsKey;
    take(kv.key, kv.value, kv.modRevision);
  }
  if (!sawAdmin) take(config_.prefix + "admin", std::nullopt, 0);
  if (cookies_) {
    if (!sawCookies) cookies_->take(std::nullopt, 0);
    cookies_->snapshotRead();
  }
  noteDrift();
  claimName();
  reportsRead_ = telling_ = true;  // every node's view is known now: the decision is the cluster's
  decide();
  changed_();
  publishReport();
  checkAcks();
}

void ClusterNode::onEvents(int64_t, const std::vector<cluster::WatchEvent>& events) {
  bool any = false;
  for (const auto& e : events)
    any = take(e.kv.key, e.deleted ? std::nullopt : std::optional<std::string>(e.kv.value), e.kv.modRevision) || any;
  noteDrift();
  claimName();
  if (any) {
    decide();
    changed_();
  }
  // Applied: said at once in this node's report, for the node waiting on the change.
  if (adminRevision_ != appliedPublished_) publishReport();
  checkAcks();
}

void ClusterNode::onReachability(bool ok, const std::string& why) {
  if (ok) {
    logLine(LogLevel::Info,
            everReachable_ ? "cluster: etcd reachable again (degraded since " + wire::formatUtc(degradedSince_) +
                                 "); overrides and health shared"
            : degradedWhy_.empty()
                ? std::string("cluster: connected to etcd; overrides and health shared")
                : "cluster: connected to etcd (unreachable since this node started at " + wire::formatUtc(started_) +
                      "); overrides and health shared");
    everReachable_ = true;
    degradedSince_ = 0;
  } else if (!everReachable_) {
    // Started during an outage: what it answers with is the copy read at start, and its own
    // probes decide; from now on that is told.
    degradedSince_ = started_;
    degradedWhy_ = why;
    logLine(LogLevel::Error, "cluster degraded: this node started while etcd is unreachable (" + why + "); it answers with " +
                                 (savedRevision_ || savedAt_ ? "the cluster's overrides as last saved (" + savedCopy_ + ")"
                                                             : "no cluster-wide overrides: " + savedCopy_) +
                                 " until etcd answers");
    telling_ = true;
    if (decide()) changed_();
  } else {
    degradedSince_ = nowSeconds();
    degradedWhy_ = why;
    logLine(LogLevel::Error, "cluster degraded since " + wire::formatUtc(degradedSince_) + ": " + why +
                                 "; answering with the last known overrides");
    // After the grace period our own probes decide again.
    loop_.after(config_.grace + std::chrono::milliseconds(50), [this] {
      if (ownProbesOnly() && decide()) {
        logLine(LogLevel::Warning, "cluster: etcd unreachable for longer than the grace period; this node's own "
                                   "probes decide its endpoints' health until it is back");
        changed_();
      }
    });
  }
  if (ok) {
    decide();
    changed_();
  }
}

bool ClusterNode::ownProbesOnly() const {
  return degradedSince_ != 0 &&
         std::chrono::seconds(nowSeconds() - degradedSince_) >= std::chrono::duration_cast<std::chrono::seconds>(config_.grace);
}

ClusterNode::Tally ClusterNode::tally(const std::string& key, const Shared& s) const {
  Tally t;
  auto count = [&t](health::Observed o) {
    ++t.reporters;
    t.down += o == health::Observed::Down;
    t.inDoubt += o == health::Observed::InDoubt;
  };
  count(s.local.state);
  if (ownProbesOnly()) {
    t.decision = s.local.state;
    return t;
  }
  for (const auto& [node, report] : reports_) {
    if (node == config_.node) continue;
    auto it = report.endpoints.find(key);
    if (it != report.endpoints.end()) count(it->second.state);
  }
  t.decision = t.down * 2 > t.reporters                 ? health::Observed::Down
               : (t.down + t.inDoubt) * 2 > t.reporters ? health::Observed::InDoubt
                                                        : health::Observed::Up;
  return t;
}

std::string ClusterNode::reasonOf(const Tally& t) const {
  if (ownProbesOnly())
    return "etcd unreachable since " + wire::formatUtc(degradedSince_) +
           ", past the grace period: this node's probes decide";
  std::string out = "quorum of " + std::to_string(t.reporters) + " node(s): " + std::to_string(t.down) + " down, " +
                    std::to_string(t.inDoubt) + " in doubt, " + std::to_string(t.reporters - t.down - t.inDoubt) +
                    " up";
  if (degradedSince_ && everReachable_)
    out += " (the other nodes' views as last known at " + wire::formatUtc(degradedSince_) + ": etcd unreachable)";
  else if (!reportsRead_)
    out += " (etcd not reached since this node started: no other node's view is known)";
  return out;
}

bool ClusterNode::decide() {
  bool any = false;
  std::vector<ClusterDecision> tell;
  for (auto& [key, s] : shared_) {
    const Tally t = tally(key, s);
    const auto next = t.decision;
    if (s.cell->observed.exchange(next, std::memory_order_relaxed) != next) {
      any = true;
      logLine(next == health::Observed::Up ? LogLevel::Info : LogLevel::Warning,
              "cluster: endpoint " + key.substr(key.find('|') + 1) + " is " + observedName(next) +
                  (ownProbesOnly() ? " by this node's probes (etcd unreachable past the grace period)"
                   : telling_      ? " by quorum"
                                   : " by this node's probes (the other nodes' views not read yet)") +
                  " (this node sees it " + observedName(s.local.state) + ")");
    }
    // Told against the decision last told, not the cell's last value: what this node decided
    // alone before it read the others' reports was never told, so it is no change to tell.
    if (telling_ && next != s.told) {
      tell.push_back({s.check, s.address, s.where, s.told, next, s.local.state, ownProbesOnly(), reasonOf(t)});
      s.told = next;
    }
  }
  // After the loop: the callback may reach back into this node (status, summary).
  if (onDecision_)
    for (const auto& d : tell) onDecision_(d);
  return any;
}

bool ClusterNode::shares(const health::CheckSpec& check, const std::string& address) const {
  return shared_.count(endpointKey(check, address)) > 0;
}

void ClusterNode::setTargets(const std::vector<health::ProbeTarget>& targets, const std::string& configHash) {
  configHash_ = configHash;
  std::map<std::string, Shared> next;
  for (const auto& t : targets) {
    if (!t.shared) continue;
    const std::string key = endpointKey(*t.check, t.address);
    auto old = shared_.find(key);
    const bool kept = old != shared_.end();
    // An endpoint new to the cluster starts told as its cell is (up, or what this node's
    // probes decided while it was not shared): a reload that changes nothing tells nothing.
    Shared s{t.cell,
             kept ? old->second.local : EndpointSighting{t.cell->observed.load(), nowSeconds(), "not probed yet"},
             t.check->name + "|" + t.address,
             t.check,
             t.address,
             t.where,
             kept ? old->second.told : t.cell->observed.load()};
    next.emplace(key, std::move(s));
  }
  shared_ = std::move(next);
  publishReport();
  decide();
  noteDrift();  // a reload may start or end a drift
}

void ClusterNode::localChange(const health::StateChange& c) {
  if (!c.spec) return;
  auto it = shared_.find(endpointKey(*c.spec, c.address));
  if (it != shared_.end()) {
    it->second.local = {c.to, nowSeconds(), c.result.reason};
    if (decide()) changed_();
  }
  publishReport();
}

void ClusterNode::setLocalOverrides(const LocalOverrides& overrides) {
  if (overrides == localOverrides_) return;
  localOverrides_ = overrides;
  publishReport();
}

void ClusterNode::publishReport() {
  if (!claimed_) return;  // the name may be another live node's: its report is not overwritten
  NodeReport report;
  report.node = config_.node;
  report.instance = instance_;
  report.software = version_;
  report.configHash = configHash_;
  report.started = started_;
  report.seen = nowSeconds();
  report.applied = adminRevision_;
  appliedPublished_ = adminRevision_;
  for (const auto& [key, s] : shared_) report.endpoints[key] = s.local;
  report.localOverrides = localOverrides_;
  link_.publish(config_.prefix + "nodes/" + config_.node, report.text());
}

void ClusterNode::claimName() {
  if (claimed_) return;
  auto holder = reports_.find(config_.node);
  if (holder == reports_.end() || holder->second.instance == instance_) {
    if (claimWaiting_) logLine(LogLevel::Info, "cluster: the other report of node " + config_.node + " is gone; this node takes the name");
    claimed_ = true;
    claimWaiting_ = false;
    publishReport();
    return;
  }
  if (claimWaiting_) return;
  claimWaiting_ = true;
  // A leased report: it goes when its node stops or its lease ends (a node that crashed and
  // is starting again waits at most one lease period here).
  const auto wait = config_.lease + std::chrono::milliseconds(1000);
  const NodeReport& r = holder->second;
  const std::string who = "instance " + (r.instance.empty() ? std::string("(none given)") : r.instance) +
                          ", software " + r.software + ", started " + wire::formatUtc(r.started);
  logLine(LogLevel::Warning, "cluster: another live node reports as " + config_.node + " (" + who +
                                 "); this node publishes nothing and waits up to " +
                                 std::to_string(wait.count()) + " ms for that report's lease to end");
  claimHolder_ = who;
  loop_.after(wait, [this] { judgeClaim(); });
}

void ClusterNode::judgeClaim() {
  if (claimed_) return;
  // What we know of the name is stale while etcd is away: ask again once it is back.
  if (!link_.reachable()) return void(loop_.after(std::chrono::milliseconds(500), [this] { judgeClaim(); }));
  refuse_("cluster: the node name " + config_.node + " is held by another live node (" + claimHolder_ + "; its report " +
          config_.prefix + "nodes/" + config_.node + " outlived a lease period); refusing to run as a second " +
          config_.node + ": give this node another cluster.node, or stop the other");
}

void ClusterNode::commitAdmin(Decide decide, nlohmann::json entry, std::function<void(nlohmann::json)> done) {
  attempt(std::make_shared<Decide>(std::move(decide)), std::move(entry), std::move(done), 0);
}

void ClusterNode::attempt(std::shared_ptr<Decide> decide, nlohmann::json entry, std::function<void(nlohmann::json)> done,
                          int tries) {
  AdminDecision d = (*decide)(admin_);
  if (!d.next) return done(d.response);  // refused, nothing to do, or a dry run
  // Tried even while the link reports trouble (a member just went away and the watch is
  // moving to another): the request fails over by itself, and fails only if none answers.
  const std::string adminKey = config_.prefix + "admin";
  const int64_t expected = adminRevision_;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%013lld",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()));
  entry["node"] = config_.node;
  entry["summary"] = d.summary;
  entry["result"] = d.audit;
  const std::string historyKey = config_.prefix + "history/" + stamp + "-" + config_.node;
  auto result = std::make_shared<cluster::TxnResult>();
  auto next = std::make_shared<AdminState>(*d.next);
  const auto sent = std::chrono::steady_clock::now();
  link_.run(
      [=](cluster::EtcdClient& c) {
        *result = c.transaction({cluster::txn::modRevisionIs(adminKey, expected)},
                                {cluster::txn::put(adminKey, next->toJson().dump()),
                                 cluster::txn::put(historyKey, entry.dump())},
                                {cluster::txn::get(adminKey)});
      },
      [=, this, response = d.response](const std::string& error) mutable {
        if (!error.empty()) return done(unreachable(error));
        if (result->succeeded) {
          // Applied here at once; the watch brings the same state back (no change then).
          adminRevision_ = result->revision;
          admin_ = *next;
          keepCopy();
          if (++commits_ % kPruneEvery == 0) pruneHistory();
          changed_();
          publishReport();
          if (response.contains("result") && response["result"].is_object()) response["result"]["revision"] = result->revision;
          return waitForAcks(result->revision, sent, std::move(response), done);
        }
        // Someone changed the overrides since we read them: decide again on theirs.
        logLine(LogLevel::Info, "cluster: the overrides changed under this request (decided at revision " +
                                    std::to_string(expected) + "); deciding again on the newer state");
        if (!result->ranges.empty() && !result->ranges[0].kvs.empty()) {
          const auto& kv = result->ranges[0].kvs[0];
          take(kv.key, kv.value, kv.modRevision);
        } else {
          take(adminKey, std::nullopt, 0);
        }
        changed_();
        if (tries + 1 >= kCommitTries)
          return done(control::failure("the cluster's overrides kept changing under this request; try again"));
        attempt(decide, entry, done, tries + 1);
      });
}

std::set<std::string> ClusterNode::expectedNodes() const {
  std::set<std::string> out{config_.node};
  if (!config_.nodes.empty()) {
    out.insert(config_.nodes.begin(), config_.nodes.end());
    return out;
  }
  for (const auto& [node, r] : reports_) out.insert(node);
  const int64_t within = std::chrono::duration_cast<std::chrono::seconds>(config_.expectSeenWithin).count();
  for (const auto& [node, seen] : lastSeen_)
    if (nowSeconds() - seen <= within) out.insert(node);
  return out;
}

bool ClusterNode::hasApplied(const std::string& node, int64_t revision) const {
  if (node == config_.node) return adminRevision_ >= revision;  // applied here as it was committed or arrived
  auto r = reports_.find(node);
  return r != reports_.end() && r->second.applied >= revision;
}

std::string ClusterNode::whyNotApplied(const std::string& node) const {
  if (auto r = reports_.find(node); r != reports_.end())
    return node + " still at revision " + std::to_string(r->second.applied) + " (last heartbeat " +
           wire::formatUtc(r->second.seen) + ")";
  if (auto seen = lastSeen_.find(node); seen != lastSeen_.end())
    return node + " not reporting since " + wire::formatUtc(seen->second);
  return node + " not reporting (not seen since " + config_.node + " started at " + wire::formatUtc(started_) + ")";
}

void ClusterNode::waitForAcks(int64_t revision, std::chrono::steady_clock::time_point sent, nlohmann::json response,
                              std::function<void(nlohmann::json)> done) {
  auto w = std::make_shared<AckWait>();
  w->revision = revision;
  w->expected = expectedNodes();
  w->start = sent;
  w->response = std::move(response);
  w->done = std::move(done);
  acks_.push_back(w);
  w->timer = loop_.after(config_.ackWait, [this, w] {
    w->timer = 0;
    finishAck(w);
  });
  checkAcks();
}

void ClusterNode::checkAcks() {
  const auto pending = acks_;  // finishAck takes them out
  for (const auto& w : pending) {
    bool all = true;
    for (const auto& node : w->expected) all = all && hasApplied(node, w->revision);
    if (all) finishAck(w);
  }
}

void ClusterNode::finishAck(const std::shared_ptr<AckWait>& w) {
  auto it = std::find(acks_.begin(), acks_.end(), w);
  if (it == acks_.end()) return;
  acks_.erase(it);
  if (w->timer) loop_.cancel(w->timer);
  nlohmann::json applied = nlohmann::json::array(), missing = nlohmann::json::array();
  for (const auto& node : w->expected) {
    if (hasApplied(node, w->revision)) {
      applied.push_back(node);
      continue;
    }
    auto r = reports_.find(node);
    auto seen = lastSeen_.find(node);
    missing.push_back({{"node", node},
                       {"reporting", r != reports_.end()},
                       {"applied_revision", r != reports_.end() ? r->second.applied : 0},
                       {"last_seen", seen != lastSeen_.end() ? seen->second : 0},
                       {"why", whyNotApplied(node)}});
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - w->start).count();
  if (!missing.empty()) {
    std::string who;
    for (const auto& m : missing) who += (who.empty() ? "" : "; ") + m["why"].get<std::string>();
    logLine(LogLevel::Warning, "cluster: revision " + std::to_string(w->revision) + " committed, not applied on every node within " +
                                   std::to_string(config_.ackWait.count()) + " ms: " + who);
  }
  if (w->response.contains("result") && w->response["result"].is_object())
    w->response["result"]["acknowledged"] = {{"complete", missing.empty()}, {"applied_on", applied},
                                             {"not_applied", missing}, {"ms", ms},
                                             {"waited_ms", config_.ackWait.count()}};
  w->done(std::move(w->response));
}

void ClusterNode::pruneHistory() {
  const std::string prefix = config_.prefix + "history/";
  link_.run(
      [prefix](cluster::EtcdClient& c) {
        // Keys sort by their fixed-width millisecond stamp: the first ones are the oldest.
        auto all = c.rangePrefix(prefix);
        if (all.kvs.size() > kHistoryKept) c.removeRange(prefix, all.kvs[all.kvs.size() - kHistoryKept].key);
      },
      [](const std::string& error) {
        if (!error.empty()) logLine(LogLevel::Warning, "cluster: could not prune the history: " + error);
      });
}

void ClusterNode::history(size_t limit, std::function<void(nlohmann::json)> done) {
  auto result = std::make_shared<cluster::RangeResult>();
  const std::string prefix = config_.prefix + "history/";
  link_.run([=](cluster::EtcdClient& c) { *result = c.range(prefix, cluster::prefixEnd(prefix), static_cast<int64_t>(limit), true); },
            [=, this](const std::string& error) {
              if (!error.empty()) return done(unreachable(error));
              nlohmann::json list = nlohmann::json::array();
              for (const auto& kv : result->kvs) {
                std::string why;
                auto entry = control::parseHistoryEntry(kv.value, why);
                if (!entry) {
                  noteForeign(kv.key, why);
                  continue;
                }
                if (entry->result.rfind("refused", 0) != 0) entry->revision = kv.modRevision;
                list.push_back(entry->toJson());
              }
              done(control::success({{"history", list}}));
            });
}

void ClusterNode::recordRefusal(nlohmann::json entry) {
  char stamp[32];
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  std::snprintf(stamp, sizeof stamp, "%013lld",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()));
  entry["node"] = config_.node;
  const std::string key = config_.prefix + "history/" + stamp + "-" + config_.node;
  const std::string value = entry.dump();
  link_.run([key, value](cluster::EtcdClient& c) { c.put(key, value); },
            [](const std::string& error) {
              if (!error.empty())
                logLine(LogLevel::Warning, "cluster: could not record a refused attempt in the history: " + error);
            });
}

nlohmann::json ClusterNode::endpointViews(const health::CheckSpec& check, const std::string& address) const {
  const std::string key = endpointKey(check, address);
  auto it = shared_.find(key);
  if (it == shared_.end()) return nullptr;
  nlohmann::json views = nlohmann::json::object();
  views[config_.node] = observedName(it->second.local.state);
  for (const auto& [node, report] : reports_) {
    if (node == config_.node) continue;
    if (auto e = report.endpoints.find(key); e != report.endpoints.end()) views[node] = observedName(e->second.state);
  }
  const auto decision = combined(key, it->second);
  nlohmann::json out = {{"decision", observedName(decision)},
                        {"by", ownProbesOnly() ? "this node's probes (cluster degraded)" : "quorum"},
                        {"views", views},
                        {"this_node", config_.node},
                        {"isolated", it->second.local.state == health::Observed::Down && decision == health::Observed::Up}};
  // etcd unreachable: the other nodes' views are as they were last known then, and after the
  // grace period they no longer count.
  if (degradedSince_) {
    out["stale_since"] = degradedSince_;
    out["others_counted"] = !ownProbesOnly();
  }
  return out;
}

nlohmann::json ClusterNode::summary() const {
  nlohmann::json isolated = nlohmann::json::array();
  for (const auto& [key, s] : shared_)
    if (s.local.state == health::Observed::Down && combined(key, s) == health::Observed::Up) isolated.push_back(s.shown);
  nlohmann::json out = {{"node", config_.node}, {"reachable", link_.reachable()}, {"admin_revision", adminRevision_},
                        {"isolated", !isolated.empty()}, {"isolated_endpoints", isolated},
                        {"nodes_alive", reports_.size()}};
  // Which of the expected nodes report, and which do not (by name, since when).
  const auto expected = expectedNodes();
  size_t reporting = 0;
  nlohmann::json missing = nlohmann::json::array(), unexpected = nlohmann::json::array();
  for (const auto& node : expected) {
    if (reports_.count(node) || node == config_.node) {
      ++reporting;
      continue;
    }
    auto seen = lastSeen_.find(node);
    missing.push_back({{"node", node}, {"last_seen", seen != lastSeen_.end() ? seen->second : 0},
                       {"why", whyNotApplied(node)}});
  }
  for (const auto& [node, r] : reports_)
    if (!expected.count(node)) unexpected.push_back(node);
  out["nodes_expected"] = expected.size();
  out["nodes_reporting"] = reporting;
  out["nodes_missing"] = missing;
  if (!unexpected.empty()) out["nodes_not_listed"] = unexpected;
  out["expected_from"] = config_.nodes.empty() ? "seen within cluster.expect_seen_within" : "cluster.nodes";
  // The watch: its member, and how far this node's overrides are behind the cluster's as the
  // liveness probe (through another member) last read them.
  const auto& w = link_.watchInfo();
  const int64_t clusterAdmin = std::max(w.clusterAdmin, adminRevision_);
  nlohmann::json watch = {{"member", w.member}, {"delivered_revision", w.delivered},
                          {"applied_revision", adminRevision_}, {"cluster_revision", clusterAdmin},
                          {"lag", clusterAdmin - adminRevision_}};
  if (!w.lastMove.empty()) {
    watch["last_move"] = w.lastMove;
    watch["last_move_at"] = w.lastMoveAt;
  }
  out["watch"] = watch;
  if (degradedSince_) {
    out["degraded_since"] = degradedSince_;
    if (!degradedWhy_.empty()) out["degraded_because"] = degradedWhy_;
    out["ever_reached"] = everReachable_;
    if (!everReachable_ && savedAt_)
      out["overrides_saved"] = {{"file", stateDir_ + "/" + kClusterAdminCache}, {"revision", savedRevision_}, {"saved", savedAt_}};
    out["own_probes_only"] = ownProbesOnly();
  }
  if (const auto configs = configsByNode(); differ(configs))
    out["config_mismatch"] = "the nodes serve different zone files or geo databases: " + listConfigs(configs) +
                             "; drains, windows, force-down and auto are refused until every live node serves the same "
                             "files (or with --force)";
  return out;
}

std::map<std::string, std::string> ClusterNode::configsByNode() const {
  std::map<std::string, std::string> out;
  for (const auto& [node, r] : reports_)
    if (!r.configHash.empty()) out[node] = r.configHash;
  // This node's own: what it serves now (its report in etcd may be a reload behind).
  if (!configHash_.empty()) out[config_.node] = configHash_;
  return out;
}

void ClusterNode::noteDrift() {
  const auto configs = configsByNode();
  std::set<std::string> hashes;
  for (const auto& [node, hash] : configs) hashes.insert(hash);
  if (hashes.size() > 1) {
    // Told when it starts, and again only when another configuration joins or one leaves.
    if (hashes == driftHashes_) return;
    logLine(LogLevel::Warning, std::string(driftHashes_.empty() ? "cluster: the nodes serve different zone files or geo databases: "
                                                                : "cluster: the nodes serve different zone files or geo databases (changed): ") +
                                   listConfigs(configs) +
                                   "; drains, windows, force-down and auto are refused until every live node serves the "
                                   "same files (or with --force)");
    driftHashes_ = std::move(hashes);
    return;
  }
  if (driftHashes_.empty()) return;
  driftHashes_.clear();
  std::string nodes;
  for (const auto& [node, hash] : configs) nodes += (nodes.empty() ? "" : ", ") + node;
  logLine(LogLevel::Info, "cluster: the nodes serve the same zone files and geo database again (config " +
                              (configs.empty() ? std::string("unknown") : configs.begin()->second.substr(0, 12)) + " on " +
                              nodes + ")");
}

std::map<std::string, std::string> ClusterNode::nodesServingOtherData() const {
  std::map<std::string, std::string> out;
  for (const auto& [node, r] : reports_)
    if (node != config_.node && !r.configHash.empty() && r.configHash != configHash_) out[node] = r.configHash;
  return out;
}

nlohmann::json ClusterNode::nodes() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [node, r] : reports_) {
    unsigned down = 0;
    for (const auto& [k, v] : r.endpoints) down += v.state == health::Observed::Down;
    list.push_back({{"node", node}, {"alive", true}, {"last_seen", r.seen}, {"applied_revision", r.applied},
                    {"started", r.started},
                    {"software", r.software}, {"config_hash", r.configHash}, {"endpoints", r.endpoints.size()},
                    {"endpoints_down", down}, {"this_node", node == config_.node}});
    if (degradedSince_) list.back()["stale_since"] = degradedSince_;  // as etcd had it when last reached
    if (!r.localOverrides.empty()) list.back()["local_overrides"] = localOverridesJson(r.localOverrides);
  }
  return list;
}

}  // namespace lodestar::server
