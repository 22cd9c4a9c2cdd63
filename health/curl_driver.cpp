// The socket and timer callbacks libcurl asks for, mapped onto loop::EventLoop.
#include "health/curl_driver.hpp"

#include <sys/epoll.h>

namespace lodestar::health {

CurlDriver::CurlDriver(loop::EventLoop& loop) : loop_(loop) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlDriver::onSocket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlDriver::onTimer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlDriver::~CurlDriver() {
  for (auto& [easy, done] : transfers_) curl_multi_remove_handle(multi_, easy);
  curl_multi_cleanup(multi_);
  if (timer_) loop_.cancel(timer_);
}

void CurlDriver::add(CURL* easy, Done done) {
  transfers_.emplace(easy, std::move(done));
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_multi_add_handle(multi_, easy);
}

void CurlDriver::finishDone() {
  int pending = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &pending)) {
    if (m->msg != CURLMSG_DONE) continue;
    CURL* easy = m->easy_handle;
    CURLcode result = m->data.result;
    curl_multi_remove_handle(multi_, easy);
    auto it = transfers_.find(easy);
    if (it == transfers_.end()) continue;
    Done done = std::move(it->second);
    transfers_.erase(it);
    done(result);
  }
}

int CurlDriver::onSocket(CURL*, curl_socket_t s, int what, void* user, void*) {
  auto* self = static_cast<CurlDriver*>(user);
  if (what == CURL_POLL_REMOVE) {
    self->loop_.unwatch(s);
    return 0;
  }
  uint32_t events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  self->loop_.watch(s, events, [self, s](uint32_t ev) {
    int flags = (ev & EPOLLIN ? CURL_CSELECT_IN : 0) | (ev & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                (ev & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
    int running = 0;
    curl_multi_socket_action(self->multi_, s, flags, &running);
    self->finishDone();
  });
  return 0;
}

int CurlDriver::onTimer(CURLM*, long timeoutMs, void* user) {
  auto* self = static_cast<CurlDriver*>(user);
  if (self->timer_) self->loop_.cancel(self->timer_);
  self->timer_ = 0;
  if (timeoutMs < 0) return 0;
  self->timer_ = self->loop_.after(std::chrono::milliseconds(timeoutMs), [self] {
    self->timer_ = 0;
    int running = 0;
    curl_multi_socket_action(self->multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    self->finishDone();
  });
  return 0;
}

}  // namespace lodestar::health
