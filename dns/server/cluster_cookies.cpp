// The cluster's cookie secrets: the etcd value's format, and creating, adopting and rotating it.
#include "dns/server/cluster_cookies.hpp"

#include <chrono>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>

#include "dns/control/json_fields.hpp"
#include "dns/server/cookie_keeper.hpp"
#include "dns/server/log.hpp"
#include "dns/wire/utc_time.hpp"

namespace lodestar::server {

namespace {

constexpr int64_t kValueVersion = 1;
constexpr int64_t kRetryAfter = 10;  // seconds after a write etcd did not take

int64_t nowSeconds() { return std::time(nullptr); }

}  // namespace

std::string cookieSecretsValue(const cookies::SecretFile& secrets, const std::string& node) {
  nlohmann::json j = {{"version", kValueVersion},
                      {"current", cookies::secretHex(secrets.current)},
                      {"made", secrets.made},
                      {"by", node}};
  if (secrets.previous) j["previous"] = cookies::secretHex(*secrets.previous);
  return j.dump();
}

std::optional<cookies::SecretFile> parseCookieSecretsValue(std::string_view text, std::string& error, std::string* by) {
  auto j = control::parseObject(text, error);
  if (!j || !j->contains("version") || !(*j)["version"].is_number_integer()) {
    error = "not Lodestar's cookie secrets";
    return std::nullopt;
  }
  control::JsonFields f(*j);
  int64_t version = 0, made = 0;
  std::string current, previous, writer;
  f.integer("version", version, true).text("current", current, true).text("previous", previous)
      .integer("made", made, true).text("by", writer);
  if (f.ok() && version != kValueVersion)
    f.fail("cookie secrets of version " + std::to_string(version) + " (this node reads version 1)");
  cookies::SecretFile out;
  if (f.ok()) {
    if (auto s = cookies::parseSecretHex(current)) out.current = *s;
    else f.fail("current: a secret is 32 hex digits, not \"" + current + "\"");
  }
  if (f.ok() && j->contains("previous")) {
    if (auto s = cookies::parseSecretHex(previous)) out.previous = *s;
    else f.fail("previous: a secret is 32 hex digits, not \"" + previous + "\"");
  }
  if (f.ok() && made <= 0) f.fail("made: " + std::to_string(made) + " is not a time (unix seconds)");
  if (!f.ok()) {
    error = f.error();
    return std::nullopt;
  }
  out.made = made;
  if (by) *by = writer;
  return out;
}

ClusterCookies::ClusterCookies(loop::EventLoop& loop, cluster::ClusterLink& link, CookieKeeper& keeper, std::string key,
                               std::string node, std::function<void(const std::string&)> foreign)
    : loop_(loop),
      link_(link),
      keeper_(keeper),
      key_(std::move(key)),
      node_(std::move(node)),
      foreign_(std::move(foreign)) {
  keeper_.shareThroughCluster();
  timer_ = loop_.after(std::chrono::seconds(1), [this] { tick(); });
}

ClusterCookies::~ClusterCookies() { loop_.cancel(timer_); }

void ClusterCookies::take(const std::optional<std::string>& value, int64_t modRevision) {
  // A watch event older than what this node already wrote or read (its own transaction's
  // reply came first): the newer value is the one in use.
  if (modRevision && modRevision < revision_) return;
  revision_ = value ? modRevision : 0;
  if (!value) {
    if (read_) tick();  // deleted: created again at once with the secrets in use
    return;
  }
  std::string error, by;
  auto secrets = parseCookieSecretsValue(*value, error, &by);
  if (!secrets) {
    // Not adopted, and not overwritten on sight either: this node keeps its secrets, and
    // replaces the value only when its own rotation is due (then the nodes share again).
    return foreign_(error + "; this node keeps the cookie secrets it has");
  }
  if (*secrets != keeper_.file()) adopt(*secrets, by);
}

void ClusterCookies::snapshotRead() {
  read_ = true;
  tick();
}

void ClusterCookies::adopt(const cookies::SecretFile& secrets, const std::string& by) {
  std::string line = "cookies: secrets adopted from the cluster (" + key_ + ", written by " +
                     (by.empty() ? std::string("an unnamed node") : by) + ", current made at " +
                     wire::formatUtc(secrets.made) + ")";
  if (std::string error = keeper_.adopt(secrets); !error.empty())
    return logLine(LogLevel::Warning, line + "; " + error);
  logLine(LogLevel::Info, line);
}

void ClusterCookies::tick() {
  if (timer_) loop_.cancel(timer_);
  timer_ = loop_.after(std::chrono::seconds(1), [this] { tick(); });
  const int64_t now = nowSeconds();
  if (!read_ || busy_ || now < retryAt_) return;
  if (!revision_) return write(keeper_.file(), 0, false);  // no key: this node's secrets become the cluster's
  const int64_t due = keeper_.nextRotation();
  if (!due || now < due) return;
  // etcd unreachable: no node rotates alone (its secret would be one the others refuse); the
  // secrets in use stay, both still accepted, until a transaction can decide who rotates.
  if (!link_.reachable()) {
    if (!toldUnreachable_)
      logLine(LogLevel::Warning, "cookies: the secret is due to rotate but etcd cannot be reached; the secrets in use "
                                 "stay (still accepted) and rotate once it answers");
    toldUnreachable_ = true;
    return;
  }
  std::string error;
  auto fresh = cookies::randomSecret(error);
  if (!fresh) {
    retryAt_ = now + kRetryAfter;
    return logLine(LogLevel::Warning, "cookies: the secret could not be rotated: " + error);
  }
  // From the secrets in use at the revision last seen: if another node rotated since, the
  // transaction fails and its value is adopted instead, so no rotation drops a live secret.
  write(cookies::rotated(keeper_.file(), *fresh, now), revision_, true);
}

void ClusterCookies::write(const cookies::SecretFile& next, int64_t expected, bool rotation) {
  busy_ = true;
  auto result = std::make_shared<cluster::TxnResult>();
  const std::string key = key_, value = cookieSecretsValue(next, node_);
  link_.run(
      [=](cluster::EtcdClient& c) {
        *result = c.transaction({cluster::txn::modRevisionIs(key, expected)}, {cluster::txn::put(key, value)},
                                {cluster::txn::get(key)});
      },
      [=, this](const std::string& error) {
        busy_ = false;
        if (!error.empty()) {
          retryAt_ = nowSeconds() + kRetryAfter;
          return logLine(LogLevel::Warning, std::string("cookies: could not ") +
                                                (rotation ? "rotate" : "share") + " the secrets through etcd (" +
                                                error + "); the secrets in use stay, tried again in " +
                                                std::to_string(kRetryAfter) + " s");
        }
        if (!result->succeeded) {
          // Another node created or rotated it first: its value is the cluster's.
          const auto& kvs = result->ranges.empty() ? std::vector<cluster::KeyValue>{} : result->ranges[0].kvs;
          if (kvs.empty()) take(std::nullopt, 0);
          else take(kvs[0].value, kvs[0].modRevision);
          return;
        }
        revision_ = result->revision;
        toldUnreachable_ = false;
        std::string failed = next == keeper_.file() ? "" : keeper_.adopt(next);
        if (rotation)
          logLine(LogLevel::Info, "cookies: secret rotated for the cluster (" + key_ +
                                      "); the previous one is accepted until the next rotation at " +
                                      wire::formatUtc(keeper_.nextRotation()) + (failed.empty() ? "" : "; " + failed));
        else
          logLine(LogLevel::Info, "cookies: this node's secrets (current made at " + wire::formatUtc(next.made) +
                                      ") are now the cluster's, at " + key_);
      });
}

}  // namespace lodestar::server
