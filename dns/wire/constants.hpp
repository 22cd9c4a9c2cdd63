// DNS numbers used by the wire layer and the engine (RFC 1035, 6891, 7871, 7873).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace lodestar::wire {

namespace rrtype {
inline constexpr uint16_t A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, MX = 15, TXT = 16, AAAA = 28,
                          SRV = 33, DNAME = 39, OPT = 41, DS = 43, CAA = 257, ANY = 255, AXFR = 252, IXFR = 251,
                          TKEY = 249, TSIG = 250, NXNAME = 128;
}

namespace rrclass {
inline constexpr uint16_t IN = 1, ANY = 255;
}

enum class Rcode : uint16_t {
  NoError = 0,
  FormErr = 1,
  ServFail = 2,
  NxDomain = 3,
  NotImp = 4,
  Refused = 5,
  NotAuth = 9,   // RFC 8945: a TSIG the server cannot verify
  BadVers = 16,  // extended: needs OPT
  BadCookie = 23,  // extended: a cookie the server requires is missing or wrong (RFC 7873 8)
};

/// The ERROR field of a TSIG record (RFC 8945 section 4.3).
namespace tsigerror {
inline constexpr uint16_t BadKey = 17;
}

namespace opcode {
inline constexpr uint8_t Query = 0;
}

namespace ednsopt {
inline constexpr uint16_t ClientSubnet = 8, Cookie = 10;
}

/// The COOKIE option's parts (RFC 7873 section 4): a client cookie of 8 bytes, then
/// optionally a server cookie of 8 to 32.
inline constexpr size_t kClientCookieSize = 8;
inline constexpr size_t kMinServerCookieSize = 8;
inline constexpr size_t kMaxServerCookieSize = 32;
/// The server cookies we make: RFC 9018's version 1 (version, reserved, timestamp, hash).
inline constexpr size_t kServerCookieSize = 16;

inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxNameLength = 255;
inline constexpr size_t kMaxLabelLength = 63;
/// The payload size we advertise and the most we send over UDP (DNS flag day 2020).
inline constexpr uint16_t kAdvertisedUdpPayload = 1232;
/// Plain DNS over UDP without EDNS.
inline constexpr uint16_t kClassicUdpPayload = 512;
/// The largest message we write (TCP).
inline constexpr size_t kMaxMessageSize = 65535;
/// The largest TTL (RFC 2181 section 8).
inline constexpr uint32_t kMaxTtl = 0x7FFFFFFF;

/// "NOERROR", "NXDOMAIN", ... ("RCODE23" for one without a name here).
std::string rcodeName(uint16_t rcode);
/// The number for a name rcodeName() gives (case as written), or -1.
int rcodeFromName(std::string_view name);

}  // namespace lodestar::wire
