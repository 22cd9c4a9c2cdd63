// The answer context: one value per query that says what was asked and what was decided.
// The caller fills the request half, answerQuery() the rest; the stages and the callers
// (UDP, TCP, AF_XDP, explain; later signing, rate limits, logs, metrics) read it back.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dns/engine/fast_random.hpp"
#include "dns/wire/address.hpp"
#include "dns/wire/constants.hpp"
#include "dns/wire/query.hpp"

namespace lodestar::zones {
class Zone;
struct Node;
struct SteeredRecord;
}  // namespace lodestar::zones

namespace lodestar::engine {

enum class Transport : uint8_t { Udp, Tcp };

struct Client {
  wire::Address source;
  Transport transport = Transport::Udp;
  uint32_t entropy = 0;  // the randomness used when there is no generator (tests)
  FastRandom* random = nullptr;  // the thread's own generator, drawn from only when a policy needs it
  uint16_t port = 0;  // the client's source port (0: not known), for logs (dnstap)

  /// Per-query randomness for the weighted and all policies; most answers never ask.
  uint32_t draw() const noexcept { return random ? random->next() : entropy; }
};

/// What kind of answer was given: the classes rate limiting, logs and metrics count by.
enum class AnswerKind : uint8_t {
  Dropped,     // nothing sent: not a query, or a stage dropped it
  Error,       // FORMERR, NOTIMP, NOTAUTH (TSIG), BADVERS
  Refused,     // not our zone, another class, a zone transfer
  Static,      // an RRset of the zone's data
  Steered,     // endpoints (or an alias) chosen for this client
  CnameChain,  // a CNAME of the zone's data and the static data it leads to (or the resolver
               // follows it out of the zone)
  Referral,    // a delegation: the child's NS set and glue
  NxDomain,    // no such name
  NoData,      // the name exists, the type does not (or no steered endpoint of the family)
};
// A chain's end decides its kind (a chain to a steered name is Steered, to nothing NxDomain);
// AnswerContext::cnames tells how many of the zone's CNAMEs led there.

/// The kind's name in lower case ("steered", "nxdomain", ...), for logs, explain and metrics.
const char* answerKindName(AnswerKind kind) noexcept;

inline constexpr unsigned kMaxRegionsChosen = 16;

/// The most CNAMEs of a zone's data one answer follows (AnswerContext::cnames); the resolver
/// follows the rest. The signing stage retraces the same chain.
inline constexpr unsigned kMaxCnameChain = 8;

/// A steered name's decision, as answered.
struct Steering {
  const zones::SteeredRecord* record;  // null: no steered name was reached (then nothing below is set)
  uint8_t regionCount;  // none for the all policy: every usable region answers
  bool failOpen;  // no region was usable: the first with endpoints answered anyway
  uint16_t regions[kMaxRegionsChosen];  // RegionIds, first choice first; regionCount of them are set
};

/// A DNS cookie (RFC 7873) as the cookie stage found it.
enum class CookieState : uint8_t {
  None,        // no COOKIE option (or one the answer ignores: a malformed query, EDNS version > 0)
  ClientOnly,  // a client cookie alone: the answer gives the client a server cookie
  Valid,       // a server cookie we made for this client and client cookie, within the hour
  Invalid,     // a server cookie not ours, not this client's, too old or from the future
};

struct Cookie {
  CookieState state;
  uint8_t server[wire::kServerCookieSize];  // what the answer sends (with a state other than None)
};

struct AnswerContext {
  /// The request: the query's bytes, who sent it how (`client` must outlive the answer), and
  /// where the answer goes (at least 65535 bytes for TCP, or the UDP limit).
  AnswerContext(const uint8_t* data, size_t size, const Client& client, uint8_t* out, size_t outCapacity) noexcept
      : data(data), size(size), out(out), outCapacity(outCapacity), client(&client) {}

  const uint8_t* data;
  size_t size;
  uint8_t* out;
  size_t outCapacity;
  const Client* client;

  // Filled by answerQuery(), stage by stage, every field on every path: a context is made
  // for every query, so making one costs only the request's five stores.
  const zones::Zone* zone;  // the zone that answered, if any
  const zones::Node* node;  // the node of the qname (or of the cut for a referral)
  AnswerKind kind;
  uint8_t cnames;  // CNAMEs of the zone's data followed to the answer
  Steering steering;
  /// The parsed query: set while answerQuery() runs (the stages read it), null once it has
  /// returned (it lives in answerQuery's frame, where the compiler keeps it in registers).
  const wire::Query* query;
  wire::ParseResult parsed;
  bool truncated;
  uint8_t ecsScope;  // the scope the answer holds for (0 without ECS or for static data)
  wire::Rcode rcode;
  uint16_t qtype;    // the question's type (0 without a question), kept after return
  size_t limit;      // the answer's size limit: the client's UDP size, our cap, or the buffer
  size_t length;     // bytes written at `out`; 0 means send nothing
  /// Set when the pipeline has stages (None until the cookie stage has run after parse, and
  /// for good without one) and by the cookie stage for every query it sees, so a later stage
  /// can trust a valid server cookie (rate limits); otherwise left unset: a pipeline without
  /// stages pays nothing for it.
  Cookie cookie;
};

}  // namespace lodestar::engine
