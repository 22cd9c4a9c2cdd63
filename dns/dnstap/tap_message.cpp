// Frames through the protobuf-c code generated from dnstap.proto.
#include "dns/dnstap/tap_message.hpp"

#include <string_view>

#include "dns/dnstap/dnstap.pb-c.h"

namespace lodestar::dnstap {

namespace {

ProtobufCBinaryData bytesOf(const void* data, size_t length) {
  return {length, static_cast<uint8_t*>(const_cast<void*>(data))};  // protobuf-c only reads it when packing
}

void encode(const TapRecord& rec, const TapFrame& frame, const TapIdentity& who, bool response,
            std::vector<uint8_t>& out) {
  Dnstap__Message m = DNSTAP__MESSAGE__INIT;
  m.type = response ? DNSTAP__MESSAGE__TYPE__AUTH_RESPONSE : DNSTAP__MESSAGE__TYPE__AUTH_QUERY;
  if (rec.client.family != wire::Family::None) {
    const bool v6 = rec.client.family == wire::Family::IPv6;
    m.has_socket_family = true;
    m.socket_family = v6 ? DNSTAP__SOCKET_FAMILY__INET6 : DNSTAP__SOCKET_FAMILY__INET;
    m.has_query_address = true;
    m.query_address = bytesOf(rec.client.bytes.data(), v6 ? 16 : 4);
  }
  if (rec.clientPort) {
    m.has_query_port = true;
    m.query_port = rec.clientPort;
  }
  m.has_socket_protocol = true;
  m.socket_protocol = frame.tcp ? DNSTAP__SOCKET_PROTOCOL__TCP : DNSTAP__SOCKET_PROTOCOL__UDP;
  // One clock reading per answer: the answer path takes microseconds, so the query's and the
  // response's times are the same reading.
  m.has_query_time_sec = m.has_query_time_nsec = true;
  m.query_time_sec = frame.when.sec;
  m.query_time_nsec = frame.when.nsec;
  m.has_query_message = true;
  m.query_message = bytesOf(rec.query(), rec.queryLength);
  if (response) {
    m.has_response_time_sec = m.has_response_time_nsec = true;
    m.response_time_sec = frame.when.sec;
    m.response_time_nsec = frame.when.nsec;
    m.has_response_message = true;
    m.response_message = bytesOf(rec.response(), rec.responseLength);
  }

  Dnstap__Dnstap d = DNSTAP__DNSTAP__INIT;
  d.type = DNSTAP__DNSTAP__TYPE__MESSAGE;
  d.message = &m;
  d.has_identity = !who.identity.empty();
  d.identity = bytesOf(who.identity.data(), who.identity.size());
  d.has_version = !who.version.empty();
  d.version = bytesOf(who.version.data(), who.version.size());
  std::string extra;
  if (!frame.region.empty()) {
    extra = "region=";
    extra += frame.region;
    d.has_extra = true;
    d.extra = bytesOf(extra.data(), extra.size());
  }
  out.resize(dnstap__dnstap__get_packed_size(&d));
  out.resize(dnstap__dnstap__pack(&d, out.data()));
}

}  // namespace

void encodeQuery(const TapRecord& rec, const TapFrame& frame, const TapIdentity& who, std::vector<uint8_t>& out) {
  encode(rec, frame, who, false, out);
}

void encodeResponse(const TapRecord& rec, const TapFrame& frame, const TapIdentity& who, std::vector<uint8_t>& out) {
  encode(rec, frame, who, true, out);
}

}  // namespace lodestar::dnstap
