// The live status page (issue 30) in a real browser: headless Chromium opens it, a region's
// backends stop, and the page shows the region down without being reloaded, and its world
// view moves the countries that region answered to the one answering them now; screenshots
// (desktop and phone) are kept in <build>/test-artifacts/. The status API says the same.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "geo/area_map.hpp"
#include "tests/support/demo_fixture.hpp"
#include "tests/support/headless_browser.hpp"
#include "tests/support/http_get.hpp"
#include "tests/support/until.hpp"

using namespace lodestar::test;

namespace {

const std::string kToken = "page-token";

std::string artifact(const std::string& name, const std::string& bytes) {
  const std::string dir = std::string(LODESTAR_DEMO_DIR) + "/../test-artifacts";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
  return dir + "/" + name;
}

std::string regionState(HeadlessBrowser& b, const std::string& region) {
  const auto v = b.evaluate("(document.querySelector('[data-region=\"" + region + "\"]') || {dataset: {}}).dataset.state || ''");
  return v.is_string() ? v.get<std::string>() : "";
}

std::string text(HeadlessBrowser& b, const std::string& expression) {
  const auto v = b.evaluate(expression);
  return v.is_string() ? v.get<std::string>() : "";
}

// The world view's dot of a country: the region it is sent to, its tooltip, and whether its
// fill is the legend's colour for that region.
std::string dotRegion(HeadlessBrowser& b, const std::string& country) {
  return text(b, "(document.querySelector('#world circle.country[data-country=\"" + country + "\"]') || {dataset: {}}).dataset.region || ''");
}
std::string dotTitle(HeadlessBrowser& b, const std::string& country) {
  return text(b, "document.querySelector('#world circle.country[data-country=\"" + country + "\"] title').textContent");
}
bool dotHasLegendColour(HeadlessBrowser& b, const std::string& country) {
  return b.evaluate("(() => { const c = document.querySelector('#world circle.country[data-country=\"" + country + "\"]');"
                    " const s = document.querySelector('#legend [data-legend=\"' + c.dataset.region + '\"] .swatch');"
                    " return !!s && getComputedStyle(c).fill === getComputedStyle(s).backgroundColor; })()")
      .get<bool>();
}
void showRecord(HeadlessBrowser& b, const std::string& record) {
  b.evaluate("(() => { const s = document.getElementById('map-record'); s.value = '" + record +
             "'; s.dispatchEvent(new Event('change')); })()");
}

}  // namespace

TEST_CASE("status page: a region whose backends stop turns down on the page without a reload", "[e2e][http][browser]") {
  if (!HeadlessBrowser::available()) {
    WARN("chromium (Debian's chromium package) is not installed: skipped");
    std::exit(77);
  }
  TempDir secrets;
  secrets.write("token", kToken);
  const uint16_t port = freePort();
  DemoFixture demo({}, "http:\n  listen: [127.0.0.1:" + std::to_string(port) + "]\n  token_file: " + secrets.path() + "/token");
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  const nlohmann::json auth = {{"Authorization", "Bearer " + kToken}};
  REQUIRE(until([&] { return httpGet(port, "/readyz").status == 200; }, std::chrono::seconds(10)));
  CHECK(httpGet(port, "/").status == 401);  // the page asks for the credentials as the API does

  HeadlessBrowser browser(url, 1280, 900, auth);
  REQUIRE(until([&] { return regionState(browser, "eu-west") == "up"; }, std::chrono::seconds(10)));
  const double loaded = browser.evaluate("performance.timeOrigin").get<double>();
  const int refreshesBefore = std::stoi(browser.evaluate("document.body.dataset.refreshes").get<std::string>());
  CHECK(browser.evaluate("document.querySelector('[data-record=\"www.gtm.example.test.\"]') !== null").get<bool>());

  // The world view: one dot per country the geo module knows (ISO 3166-1 and XK), each once.
  int countries = 0;
  for (char a = 'A'; a <= 'Z'; ++a)
    for (char c = 'A'; c <= 'Z'; ++c) countries += lodestar::geo::isCountryCode(std::string{a, c});
  const std::string dots = text(browser, "[...document.querySelectorAll('#world circle.country')].map(c => c.dataset.country).join(' ')");
  INFO(dots);
  CHECK(int(dots.size() + 1) / 3 == countries);
  CHECK(browser.evaluate("new Set([...document.querySelectorAll('#world circle.country')].map(c => c.dataset.country)).size").get<int>() ==
        countries);
  for (size_t i = 0; i + 2 <= dots.size(); i += 3) CHECK(lodestar::geo::isCountryCode(dots.substr(i, 2)));
  // Drawn inside the first screen, so the screenshot shows it.
  CHECK(browser.evaluate("document.getElementById('world').getBoundingClientRect().bottom <= window.innerHeight").get<bool>());
  // www is geo: NA, EU and AS to their own region, everyone else (South America) to the default's us-east.
  showRecord(browser, "www.gtm.example.test.");
  CHECK(text(browser, "document.getElementById('world').dataset.record") == "www.gtm.example.test.");
  CHECK(dotRegion(browser, "DE") == "eu-west");
  CHECK(dotRegion(browser, "FR") == "eu-west");
  CHECK(dotRegion(browser, "US") == "us-east");
  CHECK(dotRegion(browser, "JP") == "ap-northeast");
  CHECK(dotRegion(browser, "BR") == "us-east");
  CHECK(dotTitle(browser, "DE").rfind("DE → eu-west (up)", 0) == 0);
  CHECK(dotHasLegendColour(browser, "DE"));
  CHECK(dotHasLegendColour(browser, "US"));
  CHECK(text(browser, "getComputedStyle(document.querySelector('#world circle.country[data-country=\"DE\"]')).fill") !=
        text(browser, "getComputedStyle(document.querySelector('#world circle.country[data-country=\"US\"]')).fill"));
  CHECK(text(browser, "document.querySelector('#legend [data-legend=\"eu-west\"]').dataset.state") == "up");
  const int europeAtEuWest =
      browser.evaluate("document.querySelectorAll('#world circle.country[data-continent=\"EU\"][data-region=\"eu-west\"]').length").get<int>();
  CHECK(europeAtEuWest > 40);
  artifact("status-page-all-up.png", browser.screenshotPng());

  demo.stopRegion("eu-west");
  REQUIRE(until([&] { return regionState(browser, "eu-west") == "down"; }, std::chrono::seconds(15)));
  // The same document, redrawn by its own script: no reload.
  CHECK(browser.evaluate("performance.timeOrigin").get<double>() == loaded);
  CHECK(std::stoi(browser.evaluate("document.body.dataset.refreshes").get<std::string>()) > refreshesBefore);
  const std::string history = browser.evaluate("document.querySelector('[data-region=\"eu-west\"]').dataset.history").get<std::string>();
  CHECK(history.rfind("up>", 0) == 0);
  CHECK(history.size() >= 4);
  CHECK(history.compare(history.size() - 4, 4, "down") == 0);
  CHECK(regionState(browser, "us-east") == "up");
  // The recent changes list the endpoints going down; the steering map sends Europe elsewhere.
  const std::string events = browser.evaluate("document.getElementById('events').textContent").get<std::string>();
  CHECK(events.find("endpoint 127.0.2.1") != std::string::npos);
  const std::string europe = browser.evaluate(
      "[...document.querySelectorAll('[data-record=\"www.gtm.example.test.\"] tr')].map(r => r.textContent)"
      ".find(t => t.startsWith('clients of EU')) || ''").get<std::string>();
  INFO(europe);
  CHECK(europe.find("clients of EU") == 0);
  CHECK(europe.find("eu-west") == std::string::npos);
  // The world view follows, in the same document: Europe's dots go to the next region of the EU
  // order (us-east), none is left at eu-west, and the legend shows eu-west down with no country.
  REQUIRE(until([&] { return dotRegion(browser, "DE") == "us-east"; }, std::chrono::seconds(10)));
  CHECK(dotRegion(browser, "FR") == "us-east");
  CHECK(dotRegion(browser, "JP") == "ap-northeast");
  CHECK(dotTitle(browser, "DE").rfind("DE → us-east (up)", 0) == 0);
  CHECK(dotHasLegendColour(browser, "DE"));
  CHECK(browser.evaluate("document.querySelectorAll('#world circle[data-region=\"eu-west\"]').length").get<int>() == 0);
  CHECK(browser.evaluate("document.querySelectorAll('#world circle.country[data-continent=\"EU\"][data-region=\"us-east\"]').length").get<int>() ==
        europeAtEuWest);
  CHECK(text(browser, "document.querySelector('#legend [data-legend=\"eu-west\"]').dataset.state") == "down");
  CHECK(text(browser, "document.querySelector('#legend [data-legend=\"eu-west\"] .count').textContent") == "0");
  // api is nearest: Japan ranks ap-northeast first; Ireland would rank eu-west, now down.
  showRecord(browser, "api.gtm.example.test.");
  CHECK(dotRegion(browser, "JP") == "ap-northeast");
  CHECK(dotRegion(browser, "IE") == "us-east");
  CHECK(browser.evaluate("performance.timeOrigin").get<double>() == loaded);
  showRecord(browser, "www.gtm.example.test.");
  const std::string png = browser.screenshotPng();
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  INFO("screenshot: " << artifact("status-page-eu-west-down.png", png));

  // The status API says the same: no endpoint of eu-west serves.
  const HttpReply api = httpGet(port, "/api/v1/status", {"Authorization: Bearer " + kToken});
  REQUIRE(api.status == 200);
  const auto apiStatus = nlohmann::json::parse(api.body);  // kept: a loop over a temporary's member reads freed memory
  for (const auto& r : apiStatus.at("regions"))
    if (r.at("region") == "eu-west")
      for (const auto& e : r.at("endpoints")) CHECK_FALSE(e.at("serving").get<bool>());

  // On a phone's width the page fits without sideways scrolling.
  HeadlessBrowser phone(url, 390, 844, auth);
  REQUIRE(until([&] { return regionState(phone, "eu-west") == "down"; }, std::chrono::seconds(10)));
  CHECK(phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth").get<bool>());
  artifact("status-page-phone.png", phone.screenshotPng());
}
