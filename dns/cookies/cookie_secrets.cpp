// The seqlock's writer side: two increments around the stores.
#include "dns/cookies/cookie_secrets.hpp"

namespace lodestar::cookies {

void CookieSecrets::store(const uint64_t (&w)[kWords]) noexcept {
  const uint32_t s = sequence_.load(std::memory_order_relaxed);
  sequence_.store(s + 1, std::memory_order_relaxed);
  // Release: a reader who reads a word stored here also sees the odd count when it reads the
  // count again after the words, and retries.
  for (size_t i = 0; i < kWords; ++i) words_[i].store(w[i], std::memory_order_release);
  sequence_.store(s + 2, std::memory_order_release);
}

void CookieSecrets::publish(const Secret& current, const Secret* previous) noexcept {
  uint64_t w[kWords] = {};
  std::memcpy(w, current.data(), 16);
  if (previous) {
    std::memcpy(w + 2, previous->data(), 16);
    w[4] = 1;
  }
  const std::lock_guard<std::mutex> lock(writer_);
  store(w);
}

void CookieSecrets::rotate(const Secret& fresh) noexcept {
  const std::lock_guard<std::mutex> lock(writer_);
  uint64_t w[kWords];
  w[2] = words_[0].load(std::memory_order_relaxed);  // only writers change them, and we are the one
  w[3] = words_[1].load(std::memory_order_relaxed);
  w[4] = 1;
  std::memcpy(w, fresh.data(), 16);
  store(w);
}

}  // namespace lodestar::cookies
