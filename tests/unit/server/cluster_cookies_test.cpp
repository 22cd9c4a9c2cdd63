// The value of P/cookie-secrets (the cluster's DNS cookie secrets): written and read back the
// same; anything Lodestar does not write is refused with the field named, never thrown.
#include <catch2/catch.hpp>

#include "dns/server/cluster_cookies.hpp"

using namespace lodestar;
using server::cookieSecretsValue;
using server::parseCookieSecretsValue;

namespace {

cookies::Secret secret(uint8_t first) {
  cookies::Secret s{};
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<uint8_t>(first + i);
  return s;
}

std::string refused(const std::string& text) {
  std::string error;
  auto r = parseCookieSecretsValue(text, error);
  CHECK_FALSE(r);
  return error;
}

const std::string kCurrent = "000102030405060708090a0b0c0d0e0f";

}  // namespace

TEST_CASE("cluster cookie secrets are written and read back the same, with and without a previous one",
          "[server][cluster][cookies][json]") {
  cookies::SecretFile rolled{secret(0), secret(0x80), 1765000000};
  const std::string text = cookieSecretsValue(rolled, "ns2");
  CHECK(text.find("\"current\":\"" + kCurrent + "\"") != std::string::npos);
  std::string error, by;
  auto back = parseCookieSecretsValue(text, error, &by);
  INFO(error);
  REQUIRE(back);
  CHECK(*back == rolled);
  CHECK(by == "ns2");

  cookies::SecretFile single{secret(7), std::nullopt, 42};
  const std::string one = cookieSecretsValue(single, "ns1");
  CHECK(one.find("previous") == std::string::npos);
  back = parseCookieSecretsValue(one, error);
  REQUIRE(back);
  CHECK(*back == single);
  CHECK_FALSE(back->previous);
}

TEST_CASE("cluster cookie secrets: unknown fields are ignored, upper-case hex and no writer are read",
          "[server][cluster][cookies][json]") {
  std::string error, by = "unchanged";
  auto r = parseCookieSecretsValue(R"({"version":1,"current":"000102030405060708090A0B0C0D0E0F","made":5,"later":[1]})",
                                   error, &by);
  INFO(error);
  REQUIRE(r);
  CHECK(r->current == secret(0));
  CHECK(r->made == 5);
  CHECK(by.empty());
}

TEST_CASE("cluster cookie secrets: a value Lodestar does not write is refused with the reason",
          "[server][cluster][cookies][json]") {
  CHECK(refused("not json") == "not Lodestar's cookie secrets");
  CHECK(refused("[1,2]") == "not Lodestar's cookie secrets");
  CHECK(refused(R"({"current":")" + kCurrent + R"(","made":5})") == "not Lodestar's cookie secrets");
  CHECK(refused(R"({"version":"1","current":")" + kCurrent + R"(","made":5})") == "not Lodestar's cookie secrets");
  CHECK_THAT(refused(R"({"version":2,"current":")" + kCurrent + R"(","made":5})"), Catch::Contains("version 2"));
  CHECK_THAT(refused(R"({"version":1,"made":5})"), Catch::Contains("current"));
  CHECK_THAT(refused(R"({"version":1,"current":7,"made":5})"), Catch::Contains("current"));
  CHECK_THAT(refused(R"({"version":1,"current":"0011","made":5})"),
             Catch::Contains("current: a secret is 32 hex digits") && Catch::Contains("\"0011\""));
  CHECK_THAT(refused(R"({"version":1,"current":"zz0102030405060708090a0b0c0d0e0f","made":5})"),
             Catch::Contains("current"));
  CHECK_THAT(refused(R"({"version":1,"current":")" + kCurrent + R"(","previous":"x","made":5})"),
             Catch::Contains("previous"));
  CHECK_THAT(refused(R"({"version":1,"current":")" + kCurrent + R"(","previous":null,"made":5})"),
             Catch::Contains("previous"));
  CHECK_THAT(refused(R"({"version":1,"current":")" + kCurrent + R"("})"), Catch::Contains("made"));
  CHECK_THAT(refused(R"({"version":1,"current":")" + kCurrent + R"(","made":"2026-12-06T00:00:00Z"})"),
             Catch::Contains("made"));
  CHECK_THAT(refused(R"({"version":1,"current":")" + kCurrent + R"(","made":0})"), Catch::Contains("made"));
  CHECK_THAT(refused(R"({"version":1,"current":")" + kCurrent + R"(","made":5,"by":3})"), Catch::Contains("by"));
}
