// libcurl easy handle per client; JSON bodies; int64 fields arrive as strings and zero
// values are left out (proto3 JSON), so every read has a default.
#include "dns/cluster/etcd_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "dns/cluster/base64.hpp"

namespace lodestar::cluster {

namespace {

// etcd's replies are read by type as well: a field of another type than the gateway's reads
// as absent (its default), never as an exception (the watch's reader runs inside libcurl).
const nlohmann::json& member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json none = nlohmann::json::object();
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_object() ? *it : none;
}

std::string text(const nlohmann::json& j, const char* key, const std::string& otherwise) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_string() ? it->get<std::string>() : otherwise;
}

bool flag(const nlohmann::json& j, const char* key) {
  auto it = j.is_object() ? j.find(key) : j.end();
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

int64_t number(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

std::string bytes(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return base64Decode(it->get<std::string>()).value_or(std::string());
}

KeyValue keyValue(const nlohmann::json& j) {
  return {bytes(j, "key"),      bytes(j, "value"),          number(j, "create_revision"),
          number(j, "mod_revision"), number(j, "version"), number(j, "lease")};
}

RangeResult rangeResult(const nlohmann::json& j) {
  RangeResult r;
  r.revision = number(member(j, "header"), "revision");
  if (auto kvs = j.find("kvs"); kvs != j.end() && kvs->is_array())
    for (const auto& kv : *kvs) r.kvs.push_back(keyValue(kv));
  return r;
}

TxnResult txnResult(const nlohmann::json& j) {
  TxnResult r;
  r.succeeded = flag(j, "succeeded");
  r.revision = number(member(j, "header"), "revision");
  if (auto responses = j.find("responses"); responses != j.end() && responses->is_array())
    for (const auto& op : *responses)
      if (op.is_object() && op.contains("response_range")) r.ranges.push_back(rangeResult(member(op, "response_range")));
  return r;
}

size_t appendTo(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

std::string prefixEnd(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xFF) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key
}

namespace txn {
nlohmann::json modRevisionIs(const std::string& key, int64_t revision) {
  return {{"key", base64Encode(key)}, {"target", "MOD"}, {"result", "EQUAL"}, {"mod_revision", std::to_string(revision)}};
}
nlohmann::json put(const std::string& key, const std::string& value, int64_t lease) {
  nlohmann::json p = {{"key", base64Encode(key)}, {"value", base64Encode(value)}};
  if (lease) p["lease"] = std::to_string(lease);
  return {{"request_put", p}};
}
nlohmann::json get(const std::string& key) { return {{"request_range", {{"key", base64Encode(key)}}}}; }
}  // namespace txn

EtcdClient::EtcdClient(EtcdOptions options) : options_(std::move(options)) {
  static CurlGlobal global;
  if (options_.endpoints.empty()) throw EtcdError("no etcd endpoints given");
  curl_ = curl_easy_init();
}

EtcdClient::~EtcdClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

void EtcdClient::prepare(void* handle, const std::string& url, const std::string& body) {
  CURL* c = static_cast<CURL*>(handle);
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 500L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, 2L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, 1L);
  if (!options_.caFile.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.caFile.c_str());
  if (!options_.certFile.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, options_.certFile.c_str());
  if (!options_.keyFile.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, options_.keyFile.c_str());
}

void EtcdClient::authenticate(const std::string& endpoint) {
  token_.clear();
  if (options_.user.empty()) return;
  Failure failure;
  bool retry = false;
  auto r = callOne(endpoint, "/v3/auth/authenticate",
                   nlohmann::json{{"name", options_.user}, {"password", options_.password}}.dump(), failure, retry);
  if (!r) throw EtcdError("etcd at " + endpoint + " refused user '" + options_.user + "': " + failure.error);
  token_ = r->value("token", "");
}

std::optional<nlohmann::json> EtcdClient::callOne(const std::string& endpoint, const std::string& path,
                                                  const std::string& body, Failure& failure, bool& retryOther,
                                                  std::chrono::milliseconds timeout) {
  CURL* c = static_cast<CURL*>(curl_);
  prepare(c, endpoint + path, body);
  failure = {endpoint, {}, false, false};
  std::string& error = failure.error;
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>((timeout.count() ? timeout : options_.timeout).count()));
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!token_.empty()) headers = curl_slist_append(headers, ("Authorization: " + token_).c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  std::string response;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, appendTo);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  retryOther = true;
  if (rc != CURLE_OK) {
    error = curl_easy_strerror(rc);
    failure.timedOut = rc == CURLE_OPERATION_TIMEDOUT;
    return std::nullopt;
  }
  failure.replied = true;
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  auto j = nlohmann::json::parse(response, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "HTTP " + std::to_string(status) + " with a body that is not JSON";
    return std::nullopt;
  }
  if (status == 200 && !j.contains("error")) return j;
  error = text(j, "message", text(j, "error", "HTTP " + std::to_string(status)));
  // Unavailable (14), deadline exceeded (4) and server errors: another member may do better.
  // So may canceled (1): a member shutting down answers "grpc: the client connection is
  // closing" from its gateway (seen under ASan: the node called that one member's error a
  // degraded cluster, while two members answered).
  int64_t code = number(j, "code");
  retryOther = status >= 500 || code == 14 || code == 4 || code == 1;
  return std::nullopt;
}

nlohmann::json EtcdClient::call(const std::string& path, const nlohmann::json& request) {
  const std::string body = request.dump();
  std::vector<Failure> failures;
  for (size_t tried = 0; tried < options_.endpoints.size(); ++tried) {
    const size_t at = (current_ + tried) % options_.endpoints.size();
    const std::string& endpoint = options_.endpoints[at];
    Failure failure{endpoint, {}, false, false};
    bool retryOther = false;
    try {
      if (!options_.user.empty() && token_.empty()) authenticate(endpoint);
      auto r = callOne(endpoint, path, body, failure, retryOther);
      if (!r && !options_.user.empty() && failure.error.find("auth token") != std::string::npos) {
        authenticate(endpoint);  // the token expired: one more try with a fresh one
        r = callOne(endpoint, path, body, failure, retryOther);
      }
      if (r) {
        current_ = at;
        return *r;
      }
    } catch (const EtcdError& e) {
      failure = {endpoint, e.what(), false, false};
      retryOther = true;
    }
    if (!retryOther) throw EtcdError("etcd at " + endpoint + ": " + failure.error);
    failures.push_back(std::move(failure));
    token_.clear();
  }
  throw EtcdError(explain(failures));
}

// A member that took the request and let it time out is asked for its status, which it
// answers from its own state, quorum or not: then the message tells a member that is up but
// has no leader (the cluster lost its quorum) from one that is down or stalled.
std::string EtcdClient::explain(std::vector<Failure>& failures) {
  const auto timeout = options_.timeout;
  const auto statusTimeout = std::min(timeout / 2, std::chrono::milliseconds(500));
  size_t up = 0;
  bool leaderless = false;
  std::string reasons;
  for (auto& f : failures) {
    std::string text;
    if (f.timedOut && options_.explainFailures) {
      Failure asked;
      bool retry = false;
      if (auto st = callOne(f.endpoint, "/v3/maintenance/status", "{}", asked, retry, statusTimeout)) {
        f.replied = true;
        std::string errors;
        if (auto e = st->find("errors"); e != st->end() && e->is_array())
          for (const auto& one : *e)
            if (one.is_string()) errors += (errors.empty() ? "" : ", ") + one.get<std::string>();
        const int64_t leader = number(*st, "leader");
        leaderless = leaderless || leader == 0;
        char id[24];
        std::snprintf(id, sizeof id, "%llx", static_cast<unsigned long long>(leader));
        text = f.endpoint + " is up" +
               (leader == 0 ? " but has no leader (" + (errors.empty() ? std::string("its status names none") : errors) + ")"
                            : " (its leader is member " + std::string(id) + ")") +
               " and did not complete the request within " + std::to_string(timeout.count()) + " ms";
      }
    }
    if (text.empty()) {
      if (f.replied) text = f.endpoint + " is up and refused it: " + f.error;
      else if (f.timedOut)
        text = f.endpoint + ": no answer within " + std::to_string(timeout.count()) + " ms (" + f.error +
               (options_.explainFailures ? "; nor to a status request: stopped or overloaded)" : ")");
      else text = f.endpoint + ": not reachable (" + f.error + ")";
    }
    up += f.replied;
    leaderless = leaderless || (f.replied && f.error.find("no leader") != std::string::npos);
    reasons += (reasons.empty() ? "" : "; ") + text;
  }
  // A majority of the members listed up is what etcd needs to serve anything. "Within reach":
  // behind a partition the others may have a quorum of their own.
  if (up && (leaderless || up * 2 <= failures.size()))
    return "etcd has no quorum within reach: " + std::to_string(up) + " of the " + std::to_string(failures.size()) +
           " members listed " + (up == 1 ? "is" : "are") + " up" + (leaderless ? ", without a leader" : "") + " (" +
           reasons + ")";
  if (!up) return "no etcd member answered (" + reasons + ")";
  return "no etcd member completed the request (" + reasons + ")";
}

RangeResult EtcdClient::range(const std::string& key, const std::string& end, int64_t limit, bool newestFirst) {
  nlohmann::json body = {{"key", base64Encode(key)}};
  if (!end.empty()) body["range_end"] = base64Encode(end);
  if (limit) body["limit"] = std::to_string(limit);
  if (newestFirst) {
    body["sort_order"] = "DESCEND";
    body["sort_target"] = "MOD";
  }
  return rangeResult(call("/v3/kv/range", body));
}

int64_t EtcdClient::put(const std::string& key, const std::string& value, int64_t lease) {
  auto body = txn::put(key, value, lease)["request_put"];
  return number(member(call("/v3/kv/put", body), "header"), "revision");
}

int64_t EtcdClient::remove(const std::string& key) {
  return number(member(call("/v3/kv/deleterange", {{"key", base64Encode(key)}}), "header"), "revision");
}

int64_t EtcdClient::removeRange(const std::string& key, const std::string& end) {
  return number(member(call("/v3/kv/deleterange", {{"key", base64Encode(key)}, {"range_end", base64Encode(end)}}), "header"),
                "revision");
}

TxnResult EtcdClient::transaction(const std::vector<nlohmann::json>& compare, const std::vector<nlohmann::json>& success,
                                  const std::vector<nlohmann::json>& failure) {
  return txnResult(call("/v3/kv/txn", {{"compare", compare}, {"success", success}, {"failure", failure}}));
}

int64_t EtcdClient::grantLease(int64_t ttl) {
  auto j = call("/v3/lease/grant", {{"TTL", std::to_string(ttl)}});
  int64_t id = number(j, "ID");
  if (!id) throw EtcdError("etcd granted no lease: " + text(j, "error", "no ID"));
  return id;
}

bool EtcdClient::keepAlive(int64_t lease) {
  auto j = call("/v3/lease/keepalive", {{"ID", std::to_string(lease)}});
  return number(member(j, "result"), "TTL") > 0;
}

void EtcdClient::revokeLease(int64_t lease) { call("/v3/lease/revoke", {{"ID", std::to_string(lease)}}); }

namespace {
struct WatchStream {
  std::string buffer;
  const std::function<void()>* onCreated;
  const std::function<void(int64_t, const std::vector<WatchEvent>&)>* onEvents;
  bool created = false, compacted = false;
  std::string failure;
};

size_t onWatchData(char* data, size_t size, size_t count, void* out) {
  auto& w = *static_cast<WatchStream*>(out);
  w.buffer.append(data, size * count);
  for (size_t nl; (nl = w.buffer.find('\n')) != std::string::npos;) {
    auto j = nlohmann::json::parse(w.buffer.substr(0, nl), nullptr, false);
    w.buffer.erase(0, nl + 1);
    if (j.is_discarded() || !j.is_object()) continue;
    if (j.contains("error")) {
      w.failure = text(member(j, "error"), "message", j.dump());
      return 0;
    }
    const auto& r = member(j, "result");
    if (number(r, "compact_revision") > 0) {
      w.compacted = true;
      return 0;
    }
    if (flag(r, "canceled")) {
      w.failure = "the watch was canceled: " + text(r, "cancel_reason", "no reason given");
      return 0;
    }
    if (flag(r, "created")) {
      if (!w.created) {
        w.created = true;
        (*w.onCreated)();
      }
      continue;
    }
    // Events, or none: a progress notification (the header's revision is delivered).
    std::vector<WatchEvent> batch;
    if (auto events = r.find("events"); events != r.end() && events->is_array())
      for (const auto& e : *events)
        batch.push_back({text(e, "type", "") == "DELETE", keyValue(member(e, "kv"))});
    if (w.created) (*w.onEvents)(number(member(r, "header"), "revision"), batch);
  }
  return size * count;
}

// One transfer on a multi handle of its own, looked at every 50 ms: `stop` and `leave` end it
// at once, and so does a member that has not created the watch by `createBy`.
enum class WatchEnd { Finished, Stopped, Left, NotCreated };
WatchEnd runWatch(CURL* c, const WatchStream& w, const std::atomic<bool>& stop, const std::atomic<bool>* leave,
                  std::chrono::steady_clock::time_point createBy, CURLcode& result) {
  CURLM* m = curl_multi_init();
  curl_multi_add_handle(m, c);
  WatchEnd end = WatchEnd::Finished;
  result = CURLE_OK;
  for (int running = 1;;) {
    curl_multi_perform(m, &running);
    if (!running) break;
    if (stop) end = WatchEnd::Stopped;
    else if (leave && *leave) end = WatchEnd::Left;
    else if (!w.created && std::chrono::steady_clock::now() > createBy) end = WatchEnd::NotCreated;
    if (end != WatchEnd::Finished) break;
    curl_multi_poll(m, nullptr, 0, 50, nullptr);
  }
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(m, &left))
    if (msg->msg == CURLMSG_DONE) result = msg->data.result;
  curl_multi_remove_handle(m, c);  // a transfer still running: its connection is closed
  curl_multi_cleanup(m);
  return end;
}
}  // namespace

void EtcdClient::watch(const std::string& prefix, int64_t fromRevision, const std::atomic<bool>& stop,
                       const std::function<void()>& onCreated,
                       const std::function<void(int64_t, const std::vector<WatchEvent>&)>& onEvents,
                       const std::atomic<bool>* leave) {
  nlohmann::json body = {{"create_request",
                          {{"key", base64Encode(prefix)},
                           {"range_end", base64Encode(prefixEnd(prefix))},
                           {"start_revision", std::to_string(fromRevision)},
                           {"progress_notify", true}}}};
  std::string reasons;
  for (size_t tried = 0; tried < options_.endpoints.size() && !stop; ++tried) {
    const size_t at = (current_ + tried) % options_.endpoints.size();
    const std::string& endpoint = options_.endpoints[at];
    try {
      if (!options_.user.empty()) authenticate(endpoint);
    } catch (const EtcdError& e) {
      reasons += (reasons.empty() ? "" : "; ") + std::string(e.what());
      continue;
    }
    CURL* c = static_cast<CURL*>(curl_);
    prepare(c, endpoint + "/v3/watch", body.dump());
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    if (!token_.empty()) headers = curl_slist_append(headers, ("Authorization: " + token_).c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    const std::function<void()> created = [&] {
      current_ = at;
      onCreated();
    };
    WatchStream w{{}, &created, &onEvents, false, false, {}};
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, onWatchData);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &w);
    CURLcode rc = CURLE_OK;
    const WatchEnd end = runWatch(c, w, stop, leave, std::chrono::steady_clock::now() + options_.timeout, rc);
    curl_slist_free_all(headers);
    if (stop || end == WatchEnd::Stopped) return;
    if (end == WatchEnd::Left) throw StalledError("left " + endpoint);
    if (w.compacted) throw CompactedError("revision " + std::to_string(fromRevision) + " was compacted");
    std::string why = end == WatchEnd::NotCreated ? "no watch created within " + std::to_string(options_.timeout.count()) + " ms"
                      : !w.failure.empty()        ? w.failure
                      : rc == CURLE_OK            ? "the stream ended"
                                                  : curl_easy_strerror(rc);
    if (w.created) throw BrokenError(why);  // the caller names the member (endpoint())
    reasons += (reasons.empty() ? "" : "; ") + endpoint + ": " + why;
  }
  if (stop) return;
  throw EtcdError("no etcd member took the watch (" + reasons + ")");
}

EtcdReplyReading readEtcdReply(std::string_view body, size_t chunk) {
  EtcdReplyReading r;
  auto j = nlohmann::json::parse(body, nullptr, false);
  r.object = !j.is_discarded() && j.is_object();
  if (r.object) {
    r.error = text(j, "message", text(j, "error", ""));
    r.code = number(j, "code");
    r.range = rangeResult(j);
    r.revision = number(member(j, "header"), "revision");
    r.txn = txnResult(j);
    r.lease = number(j, "ID");
    r.alive = number(member(j, "result"), "TTL") > 0;
  }
  // The same bytes as a watch stream, in the pieces libcurl might hand over.
  const std::function<void()> onCreated = [&r] { ++r.watch.createdCalls; };
  const std::function<void(int64_t, const std::vector<WatchEvent>&)> onEvents =
      [&r](int64_t revision, const std::vector<WatchEvent>& events) { r.watch.batches.emplace_back(revision, events); };
  WatchStream w{};
  w.onCreated = &onCreated;
  w.onEvents = &onEvents;
  std::string bytes(body);
  chunk = std::max<size_t>(chunk, 1);
  for (size_t at = 0; at < bytes.size(); at += chunk) {
    const size_t n = std::min(chunk, bytes.size() - at);
    if (onWatchData(bytes.data() + at, 1, n, &w) != n) {
      r.watch.stopped = true;
      break;
    }
  }
  r.watch.compacted = w.compacted;
  r.watch.failure = w.failure;
  return r;
}

}  // namespace lodestar::cluster
