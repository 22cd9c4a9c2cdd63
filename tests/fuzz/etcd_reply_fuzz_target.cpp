// Fuzz target: any bytes as a reply of etcd's JSON gateway (range, put, txn, lease grant and
// keep-alive), and as a watch stream; the first byte picks the pieces the stream arrives in.
// The readers never throw; what they read, written back as the gateway writes it, reads
// again the same; and a watch stream reads the same whatever pieces it arrives in.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dns/cluster/base64.hpp"
#include "dns/cluster/etcd_client.hpp"

using namespace lodestar;
using cluster::EtcdReplyReading;

namespace {

[[noreturn]] void broken(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "%s\nreply (%zu bytes): %.*s\n", what.c_str(), input.size(), static_cast<int>(input.size()),
               input.data());
  std::abort();
}

nlohmann::json gatewayKv(const cluster::KeyValue& kv) {
  return {{"key", cluster::base64Encode(kv.key)},
          {"value", cluster::base64Encode(kv.value)},
          {"create_revision", std::to_string(kv.createRevision)},
          {"mod_revision", std::to_string(kv.modRevision)},
          {"version", std::to_string(kv.version)},
          {"lease", std::to_string(kv.lease)}};
}

nlohmann::json gatewayRange(const cluster::RangeResult& r) {
  nlohmann::json kvs = nlohmann::json::array();
  for (const auto& kv : r.kvs) kvs.push_back(gatewayKv(kv));
  return {{"header", {{"revision", std::to_string(r.revision)}}}, {"kvs", kvs}};
}

bool sameKv(const cluster::KeyValue& a, const cluster::KeyValue& b) {
  return a.key == b.key && a.value == b.value && a.createRevision == b.createRevision && a.modRevision == b.modRevision &&
         a.version == b.version && a.lease == b.lease;
}

bool sameRange(const cluster::RangeResult& a, const cluster::RangeResult& b) {
  if (a.revision != b.revision || a.kvs.size() != b.kvs.size()) return false;
  for (size_t i = 0; i < a.kvs.size(); ++i)
    if (!sameKv(a.kvs[i], b.kvs[i])) return false;
  return true;
}

bool sameWatch(const EtcdReplyReading::Watch& a, const EtcdReplyReading::Watch& b) {
  if (a.createdCalls != b.createdCalls || a.stopped != b.stopped || a.compacted != b.compacted ||
      a.failure != b.failure || a.batches.size() != b.batches.size())
    return false;
  for (size_t i = 0; i < a.batches.size(); ++i) {
    const auto& [ra, ea] = a.batches[i];
    const auto& [rb, eb] = b.batches[i];
    if (ra != rb || ea.size() != eb.size()) return false;
    for (size_t k = 0; k < ea.size(); ++k)
      if (ea[k].deleted != eb[k].deleted || !sameKv(ea[k].kv, eb[k].kv)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const EtcdReplyReading r = cluster::readEtcdReply(body, chunk);

  if (r.watch.createdCalls > 1) broken("a watch reported its creation twice", body);
  if (!sameWatch(r.watch, cluster::readEtcdReply(body, body.size() + 1).watch))
    broken("a watch stream read differently in pieces of " + std::to_string(chunk) + " bytes", body);
  if (!r.object) return 0;

  // Written back as the gateway writes it, a reply reads the same.
  const auto range = cluster::readEtcdReply(gatewayRange(r.range).dump(), 4096);
  if (!range.object || !sameRange(range.range, r.range)) broken("a range reply did not read back the same", body);
  nlohmann::json responses = nlohmann::json::array();
  for (const auto& rr : r.txn.ranges) responses.push_back({{"response_range", gatewayRange(rr)}});
  nlohmann::json txn = {{"header", {{"revision", std::to_string(r.txn.revision)}}},
                        {"succeeded", r.txn.succeeded},
                        {"responses", responses}};
  const auto txnAgain = cluster::readEtcdReply(txn.dump(), 4096).txn;
  bool sameTxn = txnAgain.succeeded == r.txn.succeeded && txnAgain.revision == r.txn.revision &&
                 txnAgain.ranges.size() == r.txn.ranges.size();
  for (size_t i = 0; sameTxn && i < r.txn.ranges.size(); ++i) sameTxn = sameRange(txnAgain.ranges[i], r.txn.ranges[i]);
  if (!sameTxn) broken("a txn reply did not read back the same", body);
  const auto lease = cluster::readEtcdReply(nlohmann::json{{"ID", std::to_string(r.lease)}}.dump(), 4096);
  if (lease.lease != r.lease) broken("a lease grant did not read back the same", body);

  // Base64 as the gateway carries keys: what decodes, encodes to text that decodes the same.
  for (const auto& kv : r.range.kvs)
    if (cluster::base64Decode(cluster::base64Encode(kv.key)) != kv.key) broken("base64 did not round-trip a key", body);
  return 0;
}
