// A blocking client for etcd v3 through its JSON gateway (POST /v3/..., keys and values in
// base64), over libcurl. One request at a time per client; the cluster link runs clients on
// threads of their own so the control loop never waits on the network. Every endpoint is
// tried in turn before a call fails.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace lodestar::cluster {

struct EtcdOptions {
  std::vector<std::string> endpoints;  // "http://127.0.0.1:2379", "https://..."
  std::string caFile, certFile, keyFile;  // TLS (all optional)
  std::string user, password;             // etcd authentication (optional)
  std::chrono::milliseconds timeout{2000};
  /// When every member failed a call: ask each member that timed out for its status (is it
  /// up, has it a leader), so the error says "etcd has no quorum" rather than "no member
  /// answered". Off for the link's liveness probe, which only moves on to the next member.
  bool explainFailures = true;
};

/// No endpoint answered, or etcd refused the request; the message says which and why.
struct EtcdError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct KeyValue {
  std::string key, value;
  int64_t createRevision = 0, modRevision = 0, version = 0, lease = 0;
};

struct RangeResult {
  int64_t revision = 0;  // the store's revision when it was read
  std::vector<KeyValue> kvs;
};

struct TxnResult {
  bool succeeded = false;
  int64_t revision = 0;
  std::vector<RangeResult> ranges;  // the range operations' results, in order
};

struct WatchEvent {
  bool deleted = false;
  KeyValue kv;
};

/// The end of the key range of every key starting with `prefix`.
std::string prefixEnd(const std::string& prefix);

/// Transaction parts (etcd's Compare and RequestOp, as the gateway spells them).
namespace txn {
nlohmann::json modRevisionIs(const std::string& key, int64_t revision);  // 0: the key does not exist
nlohmann::json put(const std::string& key, const std::string& value, int64_t lease = 0);
nlohmann::json get(const std::string& key);
}  // namespace txn

class EtcdClient {
 public:
  explicit EtcdClient(EtcdOptions options);
  ~EtcdClient();
  EtcdClient(const EtcdClient&) = delete;
  EtcdClient& operator=(const EtcdClient&) = delete;

  /// Keys from `key` to `end` ("" for just `key`); newest first by modification when asked.
  RangeResult range(const std::string& key, const std::string& end = "", int64_t limit = 0, bool newestFirst = false);
  RangeResult rangePrefix(const std::string& prefix) { return range(prefix, prefixEnd(prefix)); }
  /// Returns the revision of the write.
  int64_t put(const std::string& key, const std::string& value, int64_t lease = 0);
  int64_t remove(const std::string& key);
  /// Removes every key from `key` up to (not including) `end`.
  int64_t removeRange(const std::string& key, const std::string& end);
  TxnResult transaction(const std::vector<nlohmann::json>& compare, const std::vector<nlohmann::json>& success,
                        const std::vector<nlohmann::json>& failure);
  /// A new lease of `ttl` seconds; its id.
  int64_t grantLease(int64_t ttl);
  /// False when the lease has expired (or never was): grant a new one.
  bool keepAlive(int64_t lease);
  void revokeLease(int64_t lease);

  /// Streams the changes under `prefix` from `fromRevision` until `stop` is set or the stream
  /// breaks (EtcdError). `onCreated` runs once the watch is in place (endpoint() is then its
  /// member); `onEvents` per batch, with the batch's revision, and with no events for a
  /// progress notification (every change up to that revision was delivered). The watch is
  /// created with progress_notify, so a member sends one when its (operator-set) interval
  /// passes. Setting `leave` drops the connection at once (within 50 ms) and throws
  /// StalledError: the caller found the member stalled. A member that accepts the connection
  /// but has not created the watch within the client's timeout is passed over for the next.
  /// Throws CompactedError when `fromRevision` is gone, BrokenError (with why; endpoint() is
  /// the member) when a watch in place broke: its member went away, the next may take it;
  /// EtcdError when no member took it.
  void watch(const std::string& prefix, int64_t fromRevision, const std::atomic<bool>& stop,
             const std::function<void()>& onCreated,
             const std::function<void(int64_t revision, const std::vector<WatchEvent>&)>& onEvents,
             const std::atomic<bool>* leave = nullptr);
  struct CompactedError : EtcdError {
    using EtcdError::EtcdError;
  };
  struct StalledError : EtcdError {
    using EtcdError::EtcdError;
  };
  struct BrokenError : EtcdError {
    using EtcdError::EtcdError;
  };
  /// The next request (or watch) starts with the member after the current one.
  void moveOn() { current_ = (current_ + 1) % options_.endpoints.size(); }
  size_t memberIndex() const noexcept { return current_; }

  /// Any other gateway call (POST `path`, e.g. "/v3/auth/enable"): the reply's JSON.
  nlohmann::json request(const std::string& path, const nlohmann::json& body) { return call(path, body); }

  /// The endpoint the last request reached.
  const std::string& endpoint() const { return options_.endpoints[current_]; }

 private:
  nlohmann::json call(const std::string& path, const nlohmann::json& body);
  /// One member's failure of a call, for the message.
  struct Failure {
    std::string endpoint, error;
    bool timedOut = false;  // it accepted the request and did not answer in time
    bool replied = false;   // it answered with an error
  };
  std::optional<nlohmann::json> callOne(const std::string& endpoint, const std::string& path, const std::string& body,
                                        Failure& failure, bool& retryOtherEndpoint,
                                        std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  /// What every member's failure of one call means: no quorum, no member up, or another cause.
  std::string explain(std::vector<Failure>& failures);
  void authenticate(const std::string& endpoint);
  void prepare(void* curl, const std::string& url, const std::string& body);

  EtcdOptions options_;
  size_t current_ = 0;
  std::string token_;
  void* curl_ = nullptr;  // one easy handle, reused (keeps the connection)
};

/// What the client reads from one reply body of the gateway, through the readers its calls
/// use: the body as the reply of every call, and as a watch stream handed over in pieces of
/// `chunk` bytes. Nothing is sent; for the etcd reply fuzz target (tests/fuzz/).
struct EtcdReplyReading {
  bool object = false;  // one JSON object: a reply the calls read (anything else fails them)
  std::string error;    // a failed call's message ("" when the body carries none)
  int64_t code = 0;     // a failed call's gRPC code
  RangeResult range;    // as range() reads it
  int64_t revision = 0; // as put() and remove() read it
  TxnResult txn;        // as transaction() reads it
  int64_t lease = 0;    // as grantLease() reads it (0: it throws)
  bool alive = false;   // as keepAlive() reads it
  struct Watch {
    int createdCalls = 0;
    std::vector<std::pair<int64_t, std::vector<WatchEvent>>> batches;
    bool stopped = false, compacted = false;  // the stream was ended by what it carried
    std::string failure;
  } watch;
};
EtcdReplyReading readEtcdReply(std::string_view body, size_t chunk);

}  // namespace lodestar::cluster
