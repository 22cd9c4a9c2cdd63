// Header, question, then OPT with its options: RFC 1035 4.1, RFC 6891 6.1.2, RFC 7871 6.
#include "dns/wire/query_encoder.hpp"

#include "dns/wire/constants.hpp"

namespace lodestar::wire {

namespace {
void put16(std::vector<uint8_t>& b, unsigned v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
}  // namespace

std::vector<uint8_t> encodeQuery(const QueryFields& q) {
  std::vector<uint8_t> options;
  if (q.ecs) {
    const unsigned bytes = (q.ecs->length + 7u) / 8u;
    put16(options, ednsopt::ClientSubnet);
    put16(options, 4 + bytes);
    put16(options, q.ecs->address.family == Family::IPv4 ? 1 : 2);
    options.push_back(q.ecs->length);
    options.push_back(0);  // scope: a query asks, the answer tells
    options.insert(options.end(), q.ecs->address.bytes.begin(), q.ecs->address.bytes.begin() + bytes);
  }
  options.insert(options.end(), q.options.begin(), q.options.end());
  const bool edns = q.edns || !options.empty();
  std::vector<uint8_t> b;
  b.reserve(kHeaderSize + q.name.size() + 4 + (edns ? 11 + options.size() : 0));
  put16(b, q.id);
  put16(b, q.flags);
  put16(b, 1);  // one question
  put16(b, 0);
  put16(b, 0);
  put16(b, edns ? 1 : 0);
  b.insert(b.end(), q.name.begin(), q.name.end());
  put16(b, q.type);
  put16(b, q.qclass);
  if (edns) {
    b.push_back(0);  // the root owner
    put16(b, rrtype::OPT);
    put16(b, q.udpSize);
    b.push_back(0);  // extended rcode
    b.push_back(q.ednsVersion);
    put16(b, q.dnssecOk ? 0x8000 : 0);  // flags: DO
    put16(b, static_cast<unsigned>(options.size()));
    b.insert(b.end(), options.begin(), options.end());
  }
  return b;
}

}  // namespace lodestar::wire
