// exec hooks through runChild; webhooks through CurlDriver.
#include "health/hooks.hpp"

#include "health/child_process.hpp"
#include "health/prober.hpp"

namespace lodestar::health {

HookRunner::HookRunner(loop::EventLoop& loop, std::vector<HookSpec> hooks, Log log)
    : loop_(loop), curl_(loop), hooks_(std::move(hooks)), log_(std::move(log)) {}

void HookRunner::fire(const HookEvent& event) {
  for (const auto& h : hooks_) {
    if (!h.command.empty()) {
      std::vector<std::string> argv = h.command;
      argv.insert(argv.end(), {event.endpoint, event.from, event.to});
      std::string name = h.command.front();
      runChild(loop_, std::move(argv), {"LODESTAR_EVENT=" + event.json}, h.timeout,
               [this, name](const ChildResult& r) {
                 bool failed = !r.started || r.timedOut || r.exitStatus != 0;
                 failures_ += failed;
                 log_(failed, "hook " + name + ": " + r.describe());
               });
      continue;
    }
    struct Post {
      CURL* easy = curl_easy_init();
      curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
      std::string body;
      ~Post() {
        curl_easy_cleanup(easy);
        curl_slist_free_all(headers);
      }
    };
    auto post = std::make_shared<Post>();
    post->body = event.json;
    curl_easy_setopt(post->easy, CURLOPT_URL, h.url.c_str());
    curl_easy_setopt(post->easy, CURLOPT_POSTFIELDS, post->body.c_str());
    curl_easy_setopt(post->easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(post->body.size()));
    curl_easy_setopt(post->easy, CURLOPT_HTTPHEADER, post->headers);
    curl_easy_setopt(post->easy, CURLOPT_USERAGENT, Prober::userAgent());
    curl_easy_setopt(post->easy, CURLOPT_TIMEOUT_MS, static_cast<long>(h.timeout.count()));
    curl_easy_setopt(post->easy, CURLOPT_WRITEFUNCTION, +[](char*, size_t s, size_t n, void*) { return s * n; });
    std::string url = h.url;
    curl_.add(post->easy, [this, post, url](CURLcode result) {
      long status = 0;
      curl_easy_getinfo(post->easy, CURLINFO_RESPONSE_CODE, &status);
      bool failed = result != CURLE_OK || status < 200 || status >= 300;
      failures_ += failed;
      log_(failed, "webhook " + url + ": " +
                       (result == CURLE_OK ? "HTTP " + std::to_string(status) : curl_easy_strerror(result)));
    });
  }
}

}  // namespace lodestar::health
