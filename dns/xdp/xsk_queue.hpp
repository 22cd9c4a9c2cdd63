// One AF_XDP socket: its UMEM (frames shared with the kernel) and four rings, on one
// receive queue of one interface. A query's frame becomes its reply in place and goes out on
// the transmit ring; frames come back through the completion ring to the fill ring, so the
// number in flight never changes and nothing is allocated after open(). A reply counts as
// answered when the completion ring gives its frame back, not when it was queued.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "dns/wire/address.hpp"

namespace lodestar::xdp {

class FilterProgram;

/// Answers one query's payload. Implemented by the server (the engine behind it).
class Responder {
 public:
  virtual ~Responder() = default;
  /// Writes the answer to `query[0..size)` from `source` (UDP port `port`) into `out` (`room`
  /// bytes, the most the link carries in one frame); its length, or 0 to send nothing.
  virtual size_t respond(const uint8_t* query, size_t size, const wire::Address& source, uint16_t port,
                         uint8_t* out, size_t room) noexcept = 0;
};

/// Counters of one queue: one writer (its thread), read by the control thread. `queued`:
/// replies put on the transmit ring; `answered`: those the kernel has sent (their frames came
/// back on the completion ring). Read `answered` before `queued` to see queued >= answered.
struct XskCounters {
  std::atomic<uint64_t> received{0}, queued{0}, answered{0}, malformed{0}, transmitFull{0};
};

class XskQueue {
 public:
  /// Opens the socket on `ifname`'s queue `queue` and registers it with `filter`; nullptr
  /// with `error` set on failure.
  static std::unique_ptr<XskQueue> open(const std::string& ifname, uint32_t queue, FilterProgram& filter,
                                        std::string& error);
  ~XskQueue();
  XskQueue(const XskQueue&) = delete;
  XskQueue& operator=(const XskQueue&) = delete;

  /// The socket, for poll().
  int fd() const noexcept;
  /// Answers up to `max` received frames with `responder`, hands the replies to the kernel
  /// and returns used frames to it; how many frames came in.
  unsigned serve(Responder& responder, unsigned max) noexcept;
  /// Hands replies still waiting on the transmit ring to the kernel again and takes back the
  /// frames it has sent; how many replies are still not sent. Call while unsent() > 0: in copy
  /// mode the kernel sends at most a small budget (32) of frames per wake-up.
  uint32_t flush() noexcept;
  /// Replies queued for transmit whose transmit has not completed yet.
  uint32_t unsent() const noexcept { return unsent_; }
  /// The largest DNS payload one reply frame can carry on this link (MTU minus headers).
  size_t payloadRoom() const noexcept { return payloadRoom_; }
  bool zeroCopy() const noexcept { return zeroCopy_; }
  const XskCounters& counters() const noexcept { return counters_; }

 private:
  struct Rings;
  XskQueue();
  void reap() noexcept;
  void kick() noexcept;

  std::unique_ptr<Rings> rings_;
  size_t payloadRoom_ = 0;
  bool zeroCopy_ = false;
  uint32_t unsent_ = 0;  // this thread's own: queued minus completed
  XskCounters counters_;
};

}  // namespace lodestar::xdp
