// DNS cookies' library: SipHash-2-4 against the reference vectors, RFC 9018's server cookies
// against its Appendix A, the timestamp windows and the rollover, the secrets object under a
// writer rotating while readers check, and the secrets' file.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <array>
#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "dns/cookies/cookie_secrets.hpp"
#include "dns/cookies/secret_file.hpp"
#include "dns/cookies/server_cookie.hpp"
#include "dns/cookies/siphash.hpp"
#include "tests/support/temp_dir.hpp"

using namespace lodestar;
using cookies::CookieCheck;
using cookies::Secret;

namespace {

std::vector<uint8_t> hex(std::string_view text) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < text.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string hexOf(const uint8_t* p, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

Secret secret(std::string_view text) {
  const std::optional<Secret> s = cookies::parseSecretHex(text);
  REQUIRE(s);
  return *s;
}

wire::Address address(const char* text) {
  const auto a = wire::Address::parse(text);
  REQUIRE(a);
  return *a;
}

std::string make(const Secret& key, std::string_view clientCookie, const char* client, uint32_t now) {
  const std::vector<uint8_t> cc = hex(clientCookie);
  uint8_t out[wire::kServerCookieSize];
  cookies::makeServerCookie(key, cc.data(), address(client), now, out);
  return hexOf(out, sizeof out);
}

CookieCheck check(std::string_view clientCookie, std::string_view serverCookie, const char* client, uint32_t now,
                  const Secret& current, const Secret* previous = nullptr) {
  const std::vector<uint8_t> cc = hex(clientCookie), sc = hex(serverCookie);
  return cookies::checkServerCookie(cc.data(), sc.data(), sc.size(), address(client), now, current, previous);
}

// RFC 9018 Appendix A's secrets.
const char* const kSecretA = "e5e973e5a6b2a43f48e7dc849e37bfcf";       // A.1 to A.3
const char* const kSecretOld = "dd3bdf9344b678b185a6f5cb60fca715";     // A.4, before the rollover
const char* const kSecretNew = "445536bcd2513298075a5d379663c962";     // A.4, after it

}  // namespace

TEST_CASE("SipHash-2-4: the reference vectors (key 00..0f, message 00..len-1)", "[cookies][siphash]") {
  uint8_t key[16], message[64];
  for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(i);
  for (int i = 0; i < 64; ++i) message[i] = static_cast<uint8_t>(i);
  // The output bytes as the reference implementation writes them (vectors_sip64 of its test).
  const struct {
    size_t length;
    const char* bytes;
  } vectors[] = {{0, "310e0edd47db6f72"},  {1, "fd67dc93c539f874"},  {2, "5a4fa9d909806c0d"},
                 {7, "37d1018bf50002ab"},  {8, "6224939a79f5f593"},  {9, "b0e4a90bdf82009e"},
                 {15, "e545be4961ca29a1"}, {16, "db9bc2577fcc2a3f"}, {63, "724506eb4c328a95"}};
  for (const auto& v : vectors) {
    const uint64_t h = cookies::sipHash24(key, message, v.length);
    uint8_t out[8];
    for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(h >> (8 * i));
    INFO("length " << v.length);
    CHECK(hexOf(out, 8) == v.bytes);
  }
  // The paper's worked example (Appendix A): 15 bytes, 0xa129ca6149be45e5 as a number.
  CHECK(cookies::sipHash24(key, message, 15) == 0xa129ca6149be45e5ULL);
}

TEST_CASE("server cookies: RFC 9018 Appendix A, IPv4 and IPv6", "[cookies][rfc9018]") {
  const Secret a = secret(kSecretA);

  // A.1: a client from 198.51.100.100 learns a new server cookie at 10:53:05.
  CHECK(make(a, "2464c4abcf10c957", "198.51.100.100", 1559731985) == "010000005cf79f111f8130c3eee29480");

  // A.2: 40 minutes later it sends that cookie back: valid, older than half an hour, so it
  // gets a new one.
  CHECK(check("2464c4abcf10c957", "010000005cf79f111f8130c3eee29480", "198.51.100.100", 1559734385, a) ==
        CookieCheck::Renew);
  CHECK(make(a, "2464c4abcf10c957", "198.51.100.100", 1559734385) == "010000005cf7a871d4a564a1442aca77");

  // A.3: another client's cookie with reserved bytes set is valid with the secret (the hash
  // covers them) when it is checked within its hour; the example's reply comes 1h52m after it
  // was made, when it is out of its hour, and carries a new cookie with the reserved bytes 0.
  const char* const a3 = "01abcdef5cf78f71a314227b6679ebf5";
  CHECK(check("fc93fc62807ddb86", a3, "203.0.113.203", 1559727985, a) == CookieCheck::Renew);
  CHECK(check("fc93fc62807ddb86", a3, "203.0.113.203", 1559727985 + 3600, a) == CookieCheck::Renew);
  CHECK(check("fc93fc62807ddb86", a3, "203.0.113.203", 1559734700, a) == CookieCheck::Invalid);
  CHECK(make(a, "fc93fc62807ddb86", "203.0.113.203", 1559734700) == "010000005cf7a9acf73a7810aca2381e");

  // A.4: an IPv6 client's cookie made with the old secret, checked after the rollover: valid
  // with the old secret as the previous one, and answered with one of the new secret.
  const Secret oldSecret = secret(kSecretOld), newSecret = secret(kSecretNew);
  const char* const v6 = "2001:db8:220:1:59de:d0f4:8769:82b8";
  const char* const a4 = "010000005cf7c57926556bd0934c72f8";
  CHECK(make(oldSecret, "22681ab97d52c298", v6, 1559741817) == a4);
  CHECK(check("22681ab97d52c298", a4, v6, 1559741961, newSecret, &oldSecret) == CookieCheck::Renew);
  CHECK(check("22681ab97d52c298", a4, v6, 1559741961, newSecret) == CookieCheck::Invalid);
  CHECK(make(newSecret, "22681ab97d52c298", v6, 1559741961) == "010000005cf7c609a6bb79d16625507a");
}

TEST_CASE("server cookies: valid for an hour, five minutes ahead, renewed after half an hour", "[cookies]") {
  const Secret key = secret(kSecretA);
  const uint32_t made = 1'800'000'000;
  const std::string cookie = make(key, "0102030405060708", "192.0.2.1", made);
  const auto at = [&](int64_t offset) {
    return check("0102030405060708", cookie, "192.0.2.1", static_cast<uint32_t>(made + offset), key);
  };
  CHECK(at(0) == CookieCheck::Valid);
  CHECK(at(1800) == CookieCheck::Valid);
  CHECK(at(1801) == CookieCheck::Renew);
  CHECK(at(3600) == CookieCheck::Renew);
  CHECK(at(3601) == CookieCheck::Invalid);
  CHECK(at(-300) == CookieCheck::Valid);  // made by a node whose clock is ahead of ours
  CHECK(at(-301) == CookieCheck::Invalid);
  CHECK(at(86400 * 30) == CookieCheck::Invalid);

  // Timestamps are serial numbers: a cookie made just before the 32-bit wrap is 272 s old
  // just after it.
  const std::string wrapped = make(key, "0102030405060708", "192.0.2.1", 0xFFFFFF00u);
  CHECK(check("0102030405060708", wrapped, "192.0.2.1", 0x10, key) == CookieCheck::Valid);
  CHECK(check("0102030405060708", wrapped, "192.0.2.1", 0xFFFFFF00u + 3601u, key) == CookieCheck::Invalid);
}

TEST_CASE("server cookies: another client, client cookie, secret, version or length is invalid", "[cookies]") {
  const Secret key = secret(kSecretA);
  const uint32_t now = 1'800'000'000;
  const std::string cookie = make(key, "0102030405060708", "2001:db8::1", now);
  CHECK(check("0102030405060708", cookie, "2001:db8::1", now, key) == CookieCheck::Valid);
  CHECK(check("0102030405060708", cookie, "2001:db8::2", now, key) == CookieCheck::Invalid);
  CHECK(check("0102030405060709", cookie, "2001:db8::1", now, key) == CookieCheck::Invalid);
  CHECK(check("0102030405060708", cookie, "2001:db8::1", now, secret(kSecretNew)) == CookieCheck::Invalid);
  // The same bytes as an IPv4 client: a different hash input.
  CHECK(check("0102030405060708", make(key, "0102030405060708", "192.0.2.1", now), "192.0.2.2", now, key) ==
        CookieCheck::Invalid);
  std::string flipped = cookie;
  flipped.back() = flipped.back() == '0' ? '1' : '0';  // the hash's last bit or so
  CHECK(check("0102030405060708", flipped, "2001:db8::1", now, key) == CookieCheck::Invalid);
  std::string version2 = cookie;
  version2[1] = '2';
  CHECK(check("0102030405060708", version2, "2001:db8::1", now, key) == CookieCheck::Invalid);
  CHECK(check("0102030405060708", cookie + "00", "2001:db8::1", now, key) == CookieCheck::Invalid);  // 17 bytes
  CHECK(check("0102030405060708", cookie.substr(0, 16), "2001:db8::1", now, key) == CookieCheck::Invalid);  // 8
}

TEST_CASE("server cookies: during a rollover the previous secret is accepted, the one before it is not",
          "[cookies][rollover]") {
  const Secret first = secret("000102030405060708090a0b0c0d0e0f"), second = secret(kSecretOld),
               third = secret(kSecretNew);
  const uint32_t now = 1'800'000'000;
  const std::string byFirst = make(first, "a1a2a3a4a5a6a7a8", "198.51.100.7", now);
  const std::string bySecond = make(second, "a1a2a3a4a5a6a7a8", "198.51.100.7", now);
  CHECK(check("a1a2a3a4a5a6a7a8", byFirst, "198.51.100.7", now + 10, first) == CookieCheck::Valid);
  // Rotated once: the first is the previous one; its cookie is valid and renewed.
  CHECK(check("a1a2a3a4a5a6a7a8", byFirst, "198.51.100.7", now + 10, second, &first) == CookieCheck::Renew);
  CHECK(check("a1a2a3a4a5a6a7a8", bySecond, "198.51.100.7", now + 10, second, &first) == CookieCheck::Valid);
  // Rotated twice: the first is gone.
  CHECK(check("a1a2a3a4a5a6a7a8", byFirst, "198.51.100.7", now + 10, third, &second) == CookieCheck::Invalid);
  CHECK(check("a1a2a3a4a5a6a7a8", bySecond, "198.51.100.7", now + 10, third, &second) == CookieCheck::Renew);

  // The same through the secrets object the answer path reads.
  cookies::CookieSecrets secrets(first);
  CHECK_FALSE(secrets.read().hasPrevious);
  CHECK(secrets.read().current == first);
  secrets.rotate(second);
  cookies::SecretPair pair = secrets.read();
  CHECK(pair.current == second);
  REQUIRE(pair.hasPrevious);
  CHECK(pair.previous == first);
  secrets.rotate(third);
  pair = secrets.read();
  CHECK(pair.current == third);
  CHECK(pair.previous == second);
  CHECK(check("a1a2a3a4a5a6a7a8", byFirst, "198.51.100.7", now, pair.current, pair.previousOrNull()) ==
        CookieCheck::Invalid);
  secrets.publish(first, nullptr);
  CHECK_FALSE(secrets.read().hasPrevious);
  CHECK(secrets.read().current == first);
}

TEST_CASE("cookie secrets: readers never see a torn pair while a writer rotates", "[cookies][rollover][threads]") {
  // Keys k[0..n): the writer publishes (k[i], k[i-1]) in turn, each differing from the last in
  // all of its words, so a copy torn between two publishes is a pair never published.
  constexpr size_t n = 64;
  std::vector<Secret> keys(n);
  for (size_t i = 0; i < n; ++i)
    for (size_t b = 0; b < 16; ++b) keys[i][b] = static_cast<uint8_t>(i * 37 + b * 11 + 1);
  const wire::Address client = address("192.0.2.99");
  const uint8_t clientCookie[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const uint32_t now = 1'800'000'000;
  std::vector<std::array<uint8_t, 16>> cookiesBy(n);
  for (size_t i = 0; i < n; ++i) cookies::makeServerCookie(keys[i], clientCookie, client, now, cookiesBy[i].data());
  const Secret never = secret("ffeeddccbbaa99887766554433221100");
  uint8_t neverCookie[16];
  cookies::makeServerCookie(never, clientCookie, client, now, neverCookie);

  cookies::CookieSecrets secrets(keys[0]);
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> rotations{0};
  std::thread writer([&] {
    for (size_t i = 1; !stop.load(std::memory_order_relaxed); i = i % (n - 1) + 1) {
      secrets.publish(keys[i], &keys[i - 1]);
      rotations.fetch_add(1, std::memory_order_relaxed);
    }
  });
  uint64_t reads = 0, torn = 0, wrongVerdicts = 0, neverAccepted = 0;
  while (reads < 200000 || rotations.load(std::memory_order_relaxed) < 1000) {
    const cookies::SecretPair pair = secrets.read();
    ++reads;
    size_t at = n;
    for (size_t i = 1; i < n; ++i)
      if (pair.current == keys[i]) at = i;
    if (pair.current == keys[0] && !pair.hasPrevious) at = 0;  // before the first publish
    if (at == n || (at > 0 && (!pair.hasPrevious || pair.previous != keys[at - 1]))) {
      ++torn;
      continue;
    }
    // The cookies of the current and previous keys are accepted, another key's and the
    // never-published key's are not.
    const size_t other = (at + n / 2) % n;
    const auto verdict = [&](const uint8_t* cookie) {
      return cookies::checkServerCookie(clientCookie, cookie, 16, client, now, pair.current, pair.previousOrNull());
    };
    if (verdict(cookiesBy[at].data()) != CookieCheck::Valid) ++wrongVerdicts;
    if (at > 0 && verdict(cookiesBy[at - 1].data()) != CookieCheck::Renew) ++wrongVerdicts;
    if (other != at && other + 1 != at && verdict(cookiesBy[other].data()) != CookieCheck::Invalid) ++wrongVerdicts;
    if (verdict(neverCookie) != CookieCheck::Invalid) ++neverAccepted;
  }
  stop = true;
  writer.join();
  INFO(reads << " reads during " << rotations.load() << " rotations");
  CHECK(rotations.load() >= 1000);
  CHECK(torn == 0);
  CHECK(wrongVerdicts == 0);
  CHECK(neverAccepted == 0);
}

TEST_CASE("secret file: text round trip, and every error at its line", "[cookies][secret-file]") {
  cookies::SecretFile file;
  file.current = secret(kSecretNew);
  file.previous = secret(kSecretOld);
  file.made = 1'800'000'000;
  const std::string text = cookies::formatSecretFile(file);
  CHECK(text.find("current 445536bcd2513298075a5d379663c962\n") != std::string::npos);
  CHECK(text.find("previous dd3bdf9344b678b185a6f5cb60fca715\n") != std::string::npos);
  CHECK(text.find("made 2027-01-15T08:00:00Z\n") != std::string::npos);
  std::string error;
  const auto parsed = cookies::parseSecretFile(text, error);
  REQUIRE(parsed);
  CHECK(*parsed == file);

  // Upper-case hex, blank lines and comments; no previous secret.
  const auto plain = cookies::parseSecretFile("\n# a comment\ncurrent E5E973E5A6B2A43F48E7DC849E37BFCF\n"
                                              "made 2019-06-05T10:53:05Z\n",
                                              error);
  REQUIRE(plain);
  CHECK(plain->current == secret(kSecretA));
  CHECK_FALSE(plain->previous);
  CHECK(plain->made == 1559731985);

  const struct {
    const char* text;
    const char* message;
  } bad[] = {
      {"current e5e973\nmade 2019-06-05T10:53:05Z\n", "f:1: current: a secret is 32 hex digits"},
      {"current e5e973e5a6b2a43f48e7dc849e37bfcg\n", "f:1: current: a secret is 32 hex digits"},
      {"made 2019-06-05T10:53:05Z\ncurrent e5e973e5a6b2a43f48e7dc849e37bfcf\ncurrent "
       "e5e973e5a6b2a43f48e7dc849e37bfcf\n",
       "f:3: current is given twice"},
      {"current e5e973e5a6b2a43f48e7dc849e37bfcf\nsecret x\n", "f:2: unknown key 'secret'"},
      {"made 2019-06-05T10:53:05Z\n", "f: no current secret"},
      {"current e5e973e5a6b2a43f48e7dc849e37bfcf\n", "f: no 'made' time"},
      {"current e5e973e5a6b2a43f48e7dc849e37bfcf\nmade yesterday\n", "f:2: made: "},
  };
  for (const auto& b : bad) {
    INFO(b.text);
    error.clear();
    CHECK_FALSE(cookies::parseSecretFile(b.text, error, "f"));
    CHECK(error.rfind(b.message, 0) == 0);
  }
}

TEST_CASE("secret file: created with mode 0600 when missing, read back, rotated", "[cookies][secret-file]") {
  test::TempDir dir;
  const std::string path = dir.path() + "/cookie.secret";
  std::string error;
  const auto created = cookies::loadOrCreateSecretFile(path, 1'800'000'000, error);
  INFO(error);
  REQUIRE(created);
  CHECK_FALSE(created->previous);
  CHECK(created->made == 1'800'000'000);
  CHECK(created->current != Secret{});
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  const auto again = cookies::loadOrCreateSecretFile(path, 1'800'000'500, error);
  REQUIRE(again);
  CHECK(*again == *created);  // read, not made anew

  const auto rotated = cookies::rotateSecretFile(path, 1'800'003'600, error);
  REQUIRE(rotated);
  CHECK(rotated->previous == created->current);
  CHECK(rotated->current != created->current);
  CHECK(rotated->made == 1'800'003'600);
  const auto read = cookies::readSecretFile(path, error);
  REQUIRE(read);
  CHECK(*read == *rotated);
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // A second rotation drops the first secret.
  const auto twice = cookies::rotateSecretFile(path, 1'800'007'200, error);
  REQUIRE(twice);
  CHECK(twice->previous == rotated->current);

  // Published to the answer path's secrets as they are.
  cookies::CookieSecrets secrets(Secret{});
  cookies::publish(secrets, *twice);
  const cookies::SecretPair pair = secrets.read();
  CHECK(pair.current == twice->current);
  REQUIRE(pair.hasPrevious);
  CHECK(pair.previous == *twice->previous);

  // An unreadable file is an error naming the path, never a new secret over it.
  const std::string broken = dir.write("broken.secret", "current nope\n");
  CHECK_FALSE(cookies::loadOrCreateSecretFile(broken, 0, error));
  CHECK(error.find(broken) != std::string::npos);
  CHECK_FALSE(cookies::readSecretFile(dir.path() + "/missing.secret", error));
  CHECK(error.find("missing.secret") != std::string::npos);
}
