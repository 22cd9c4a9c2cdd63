// The cookie secrets as the answer path reads them: every worker reads the current secret
// (and, during a rollover, the previous one) per query with a cookie; the control thread
// replaces them when the secret rotates or another node of the cluster rotated it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "dns/cookies/server_cookie.hpp"

namespace lodestar::cookies {

/// The secrets at one moment: a copy, on the reader's stack.
struct SecretPair {
  Secret current;
  Secret previous;  // meaningful with hasPrevious
  bool hasPrevious;

  const Secret* previousOrNull() const noexcept { return hasPrevious ? &previous : nullptr; }
};

/// Why a seqlock, not a published snapshot (dns/server/view_publisher.*): the value is 33
/// bytes and fixed in size, so readers copy it outright: a sequence number read before and
/// after the copy tells a torn copy (a writer was between its two increments) and the reader
/// copies again. A reader writes nothing shared, takes no lock and allocates nothing; a
/// snapshot would need a reader slot per worker and a writer waiting for every worker to move
/// on, for a value that changes once a day. The words are atomics, so the race a retry
/// resolves is no data race in C++'s terms, and ThreadSanitizer agrees.
class CookieSecrets {
 public:
  explicit CookieSecrets(const Secret& current, const Secret* previous = nullptr) noexcept {
    publish(current, previous);
  }
  CookieSecrets(const CookieSecrets&) = delete;
  CookieSecrets& operator=(const CookieSecrets&) = delete;

  /// Any thread, per query: the secrets as the last publish() left them, never a mix of two.
  SecretPair read() const noexcept {
    uint64_t w[kWords];
    for (;;) {
      const uint32_t before = sequence_.load(std::memory_order_acquire);
      if (before & 1) continue;  // a writer is between its increments: a few stores, soon done
      // Acquire: the count is read again after the words, never before (no fence: free on
      // x86, and ThreadSanitizer cannot follow fences).
      for (size_t i = 0; i < kWords; ++i) w[i] = words_[i].load(std::memory_order_acquire);
      if (sequence_.load(std::memory_order_relaxed) == before) break;
    }
    SecretPair out;
    std::memcpy(out.current.data(), w, 16);
    std::memcpy(out.previous.data(), w + 2, 16);
    out.hasPrevious = w[4] != 0;
    return out;
  }

  /// Changes with every publish (odd while one is under way): a reader's cache of cookies it
  /// checked holds while this stays what it was.
  uint32_t version() const noexcept { return sequence_.load(std::memory_order_acquire); }

  /// The control thread (writers are serialised among themselves): `current`, and `previous`
  /// (null: none) still accepted.
  void publish(const Secret& current, const Secret* previous) noexcept;
  /// `fresh` becomes the current secret, the current one the previous.
  void rotate(const Secret& fresh) noexcept;

 private:
  static constexpr size_t kWords = 5;  // current, previous, whether there is a previous
  static_assert(std::atomic<uint64_t>::is_always_lock_free && std::atomic<uint32_t>::is_always_lock_free);
  void store(const uint64_t (&w)[kWords]) noexcept;

  alignas(64) std::atomic<uint32_t> sequence_{0};  // odd while a writer writes
  std::atomic<uint64_t> words_[kWords] = {};
  alignas(64) std::mutex writer_;  // never touched by a reader: on a line of its own
};

}  // namespace lodestar::cookies
