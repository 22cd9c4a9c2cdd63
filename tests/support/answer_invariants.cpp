// The answer invariants: an own walk over the message (names, pointers, records, OPT and
// ECS), then ldns as the independent parser of the same bytes.
#include "tests/support/answer_invariants.hpp"

#include <algorithm>
#include <cstring>

#include "dns/wire/query.hpp"
#include "zones/ldns.hpp"

namespace lodestar::test {

namespace {

constexpr size_t kHeader = 12;
constexpr uint16_t kOpt = 41, kEcsOption = 8;

uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

// A reader over the answer that remembers the first broken rule.
class Walker {
 public:
  Walker(const uint8_t* data, size_t size) : p_(data), n_(size) {}
  const std::string& error() const { return error_; }
  size_t pos() const { return pos_; }
  void seek(size_t pos) { pos_ = pos; }
  bool fail(const std::string& what) {
    if (error_.empty()) error_ = what + " (at offset " + std::to_string(pos_) + ")";
    return false;
  }
  bool u16(uint16_t& v) {
    if (pos_ + 2 > n_) return fail("message ends inside a field");
    v = get16(p_ + pos_);
    pos_ += 2;
    return true;
  }
  bool skip(size_t k, size_t end) {
    if (pos_ + k > end) return fail("field runs past its end");
    pos_ += k;
    return true;
  }
  // A name at pos(), which must end (its in-place part) by `end`. Every pointer must point
  // before itself and past the header, so following them always ends.
  bool name(size_t end, std::string* flat = nullptr) {
    size_t at = pos_, total = 0, limit = end;
    bool jumped = false;
    for (;;) {
      if (at >= limit) return fail("name runs past its end");
      const uint8_t len = p_[at];
      if ((len & 0xC0) == 0xC0) {
        if (at + 1 >= limit) return fail("compression pointer cut off");
        const size_t target = static_cast<size_t>(len & 0x3F) << 8 | p_[at + 1];
        if (target >= at) return fail("compression pointer at " + std::to_string(at) + " points forward to " + std::to_string(target));
        if (target < kHeader) return fail("compression pointer into the header");
        if (!jumped) pos_ = at + 2;
        jumped = true;
        limit = at;  // a pointed-to name lies before the pointer
        at = target;
        continue;
      }
      if (len & 0xC0) return fail("label type " + std::to_string(len >> 6));
      total += len + 1;
      if (total > 255) return fail("name longer than 255 bytes");
      if (flat) flat->append(reinterpret_cast<const char*>(p_ + at), std::min<size_t>(len + 1, limit - at));
      if (len == 0) {
        if (!jumped) pos_ = at + 1;
        return true;
      }
      at += 1 + len;
    }
  }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t pos_ = kHeader;
  std::string error_;
};

// The offset in the RDATA of a type where a domain name starts, and how many follow.
struct RdataNames {
  size_t skip = 0;
  int count = 0;
};
RdataNames namesIn(uint16_t type) {
  switch (type) {
    case 2: case 5: case 12: case 39: return {0, 1};  // NS, CNAME, PTR, DNAME
    case 6: return {0, 2};                            // SOA: mname, rname
    case 15: return {2, 1};                           // MX: after the preference
    case 33: return {6, 1};                           // SRV: after priority, weight, port
    default: return {};
  }
}

struct Echo {
  int opts = 0;
  bool ecs = false;
};

// One OPT RR's options: ECS must echo the query's.
bool checkOpt(Walker& w, const uint8_t* a, size_t rdEnd, const wire::Query& q, Echo& echo) {
  while (w.pos() < rdEnd) {
    uint16_t code = 0, len = 0;
    if (!w.u16(code) || !w.u16(len)) return false;
    const size_t start = w.pos();
    if (!w.skip(len, rdEnd)) return false;
    if (code != kEcsOption) continue;
    if (len < 4) return w.fail("ECS option shorter than its fixed part");
    echo.ecs = true;
    const uint16_t family = get16(a + start);
    const uint8_t source = a[start + 2], scope = a[start + 3];
    if (!q.hasEcs) return w.fail("ECS in an answer to a query without ECS");
    const uint16_t wanted = q.ecs.family == wire::Family::IPv6 ? 2 : 1;
    if (family != wanted || source != q.ecs.sourcePrefix)
      return w.fail("ECS family/source " + std::to_string(family) + "/" + std::to_string(source) + " not the query's");
    if (scope > source) return w.fail("ECS scope /" + std::to_string(scope) + " longer than the source /" + std::to_string(source));
  }
  return true;
}

// One resource record of section `section` (1 answer, 2 authority, 3 additional).
bool checkRecord(Walker& w, const uint8_t* a, size_t n, int section, const wire::Query& q, Echo& echo) {
  const size_t owner = w.pos();
  uint16_t type = 0, klass = 0, ttlHigh = 0, ttlLow = 0, rdlen = 0;
  if (!w.name(n) || !w.u16(type) || !w.u16(klass) || !w.u16(ttlHigh) || !w.u16(ttlLow) || !w.u16(rdlen)) return false;
  const size_t rdStart = w.pos(), rdEnd = rdStart + rdlen;
  if (rdEnd > n) return w.fail("RDATA runs past the message");
  if (type == kOpt) {
    if (section != 3) return w.fail("OPT outside the additional section");
    if (a[owner] != 0) return w.fail("OPT owner is not the root");
    if (++echo.opts > 1) return w.fail("more than one OPT");
    if (!checkOpt(w, a, rdEnd, q, echo)) return false;
  } else {
    const RdataNames names = namesIn(type);
    if (names.count && !w.skip(names.skip, rdEnd)) return false;
    for (int i = 0; i < names.count; ++i)
      if (!w.name(rdEnd)) return false;
  }
  w.seek(rdEnd);
  return true;
}

// ldns must read the same bytes into the sections the header announces.
std::string ldnsDisagrees(const uint8_t* a, size_t n, const uint16_t counts[4], int opts) {
  ldns_pkt* pkt = nullptr;
  ldns_status status = ldns_wire2pkt(&pkt, a, n);
  if (status != LDNS_STATUS_OK) return std::string("ldns rejects the answer: ") + ldns_get_errorstr_by_id(status);
  const size_t got[4] = {ldns_rr_list_rr_count(ldns_pkt_question(pkt)), ldns_rr_list_rr_count(ldns_pkt_answer(pkt)),
                         ldns_rr_list_rr_count(ldns_pkt_authority(pkt)),
                         // ldns takes the OPT and a TSIG (the last record) out of the additional section.
                         ldns_rr_list_rr_count(ldns_pkt_additional(pkt)) + static_cast<size_t>(opts) +
                             (ldns_pkt_tsig(pkt) ? 1u : 0u)};
  ldns_pkt_free(pkt);
  for (int s = 0; s < 4; ++s)
    if (got[s] != counts[s])
      return "section " + std::to_string(s) + ": header says " + std::to_string(counts[s]) + ", ldns reads " + std::to_string(got[s]);
  return {};
}

}  // namespace

std::string answerViolation(const uint8_t* query, size_t querySize, const uint8_t* a, size_t n, bool udp) {
  wire::Query q{};
  const wire::ParseResult parsed = wire::parseQuery(query, querySize, q);
  if (parsed == wire::ParseResult::Drop) return n == 0 ? "" : "an answer to a query that must be dropped";
  if (n == 0) return "no answer to a query that is not dropped";
  if (n < kHeader) return "answer shorter than a header";
  if (n > 65535) return "answer longer than a DNS message";
  if (udp) {
    const size_t limit = q.hasEdns ? std::min<size_t>(std::max<size_t>(q.udpPayload, 512), kUdpAnswerCap) : 512;
    if (n > limit) return "UDP answer of " + std::to_string(n) + " bytes over the limit " + std::to_string(limit);
  }
  if (a[0] != query[0] || a[1] != query[1]) return "ID not echoed";
  if (!(a[2] & 0x80)) return "QR not set";
  if ((a[2] >> 3 & 0xF) != (query[2] >> 3 & 0xF)) return "opcode not echoed";
  if (!udp && (a[2] & 0x02)) return "TC over TCP";
  const uint16_t counts[4] = {get16(a + 4), get16(a + 6), get16(a + 8), get16(a + 10)};

  Walker w(a, n);
  if (counts[0] > 1) return "more than one question";
  if (parsed == wire::ParseResult::Ok && q.hasQuestion && counts[0] != 1) return "the question is not echoed";
  // No question is well-formed only to ask for a server cookie (RFC 7873 5.4): the OPT alone.
  if (parsed == wire::ParseResult::Ok && !q.hasQuestion && (counts[0] || counts[1] || counts[2]))
    return "records in the answer to a query without a question";
  if (counts[0] == 1) {
    if (!q.hasQuestion) return "a question the query did not have";
    std::string flat;
    uint16_t type = 0, klass = 0;
    if (!w.name(n, &flat) || !w.u16(type) || !w.u16(klass)) return w.error();
    if (flat != std::string(reinterpret_cast<const char*>(q.qname.bytes), q.qname.length) || type != q.qtype ||
        klass != q.qclass)
      return "the question echoed is not the query's";
  }
  Echo echo;
  for (int section = 1; section <= 3; ++section)
    for (unsigned i = 0; i < counts[section]; ++i)
      if (!checkRecord(w, a, n, section, q, echo)) return w.error();
  if (w.pos() != n) return "bytes after the last record";
  if (parsed == wire::ParseResult::Ok && q.hasEdns && echo.opts == 0) return "no OPT in the answer to an EDNS query";
  return ldnsDisagrees(a, n, counts, echo.opts);
}

}  // namespace lodestar::test
