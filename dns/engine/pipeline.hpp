// The answer path's plug points: a worker's pipeline holds its counters, its UDP cap and the
// stages that later features (cookies, rate limiting, signing, logs) add, so a feature joins
// the answer path without a new parameter to answerQuery().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "dns/engine/answer_context.hpp"
#include "dns/engine/stats.hpp"

namespace lodestar::engine {

class Response;
}  // namespace lodestar::engine

namespace lodestar::zones {
class View;
}  // namespace lodestar::zones

namespace lodestar::engine {

/// What a stage tells the answer path to do next.
enum class Verdict : uint8_t {
  Continue,  // go on with the next stage and the lookup
  Finish,    // stop here: finish the message as it stands (e.g. with the rcode the stage set);
             // after parse, the stages before finish still see it (a rate limit applies to it)
  Drop,      // send nothing
};

/// The plug points a stage is called at: a stage names those it overrides, so the answer
/// path makes no call to a point a stage leaves alone.
/// kSignedAnswer: before finish, as kBeforeFinish, but only for a query with DO set answered
/// from a signed zone (DNSSEC's online signing): every other query pays one test for it.
/// kCookie: after parse, as kAfterParse, but only for a query with a COOKIE option (DNS
/// cookies): the same bargain.
enum StagePoint : uint8_t {
  kAfterParse = 1,
  kBeforeFinish = 2,
  kAfterFinish = 4,
  kEveryPoint = 7,
  kSignedAnswer = 8,
  kCookie = 16,
};

/// A feature on the answer path. Called on a worker thread for every query: no lock, no
/// allocation, no shared write (the same rules as answerQuery()). One object per worker.
class Stage {
 public:
  /// `points`: a mask of StagePoint, the points this stage overrides.
  explicit Stage(uint8_t points = kEveryPoint) noexcept : points_(points) {}
  virtual ~Stage() = default;
  uint8_t points() const noexcept { return points_; }
  /// After the query is parsed (a well-formed QUERY, or FORMERR/NOTIMP) and the header and
  /// question are written; before any lookup. The context holds the query and the client.
  virtual Verdict afterParse(AnswerContext&, Response&) noexcept { return Verdict::Continue; }
  /// Before the message is finished (header flags, counts, OPT): every section is written
  /// and the context holds the zone, node, kind, steering decision and rcode.
  virtual Verdict beforeFinish(AnswerContext&, Response&) noexcept { return Verdict::Continue; }
  /// After the message is finished, or dropped by a stage (then `a.length` is 0): the context
  /// says all, and `a.length` bytes at `a.out` are what is sent; `view` is the one that
  /// answered (a reload may have published another since). For a log; dnstap is not one:
  /// the transport loops call it inline (server::TapRecorder), which costs less.
  virtual void afterFinish(const AnswerContext&, const zones::View&) noexcept {}

 private:
  uint8_t points_;
};

/// One worker's answer path: its counters, the UDP size cap and its stages, in order.
class Pipeline {
 public:
  static constexpr size_t kMaxStages = 8;

  explicit Pipeline(QueryStats& stats, uint16_t udpLimit = 1232) noexcept : stats_(stats), udpLimit_(udpLimit) {}

  /// Adds `stage` after those already added; false when kMaxStages are in. The stage must
  /// outlive the pipeline.
  bool add(Stage& stage) noexcept {
    if (count_ == kMaxStages) return false;
    ++count_;
    if (stage.points() & kEveryPoint) ++general_;
    if (stage.points() & kSignedAnswer) signed_.push(stage);
    if (stage.points() & kCookie) cookie_.push(stage);
    if (stage.points() & kAfterParse) parse_.push(stage);
    if (stage.points() & kBeforeFinish) before_.push(stage);
    if (stage.points() & kAfterFinish) after_.push(stage);
    return true;
  }

  QueryStats& stats() const noexcept { return stats_; }
  uint16_t udpLimit() const noexcept { return udpLimit_; }
  void setUdpLimit(uint16_t limit) noexcept { udpLimit_ = limit; }
  /// Stages at the three points every query passes (not signing's, nor cookies').
  bool hasStages() const noexcept { return general_ != 0; }
  bool signs() const noexcept { return signed_.count != 0; }
  bool checksCookies() const noexcept { return cookie_.count != 0; }
  /// Whether any stage is called at the point: answerQuery() asks only when hasStages(), so
  /// a pipeline with a log stage alone (dnstap) takes the usual inline finish.
  bool hasAfterParse() const noexcept { return parse_.count != 0; }
  bool hasBeforeFinish() const noexcept { return before_.count != 0; }

  /// The metrics' detail: queries by zone, steered answers by record and region, and the
  /// answer path's time (one query in kTimeEvery timed with two clock reads). On unless the
  /// server turns it off (no metrics served): then answerQuery() pays one test for all of it,
  /// and a caller that chooses once (answerQueryAs, the UDP loop) none.
  void setDetailed(bool on) noexcept { detailed_ = on; }
  bool detailed() const noexcept { return detailed_; }
  static constexpr uint32_t kTimeEvery = 128;  // a power of two: the test is a mask
  /// Whether this query is the one in kTimeEvery (asked only when detailed()): by the count
  /// of queries the thread has received, so the sampling writes nothing of its own.
  [[gnu::always_inline]] bool timeThisOne() const noexcept {
    return (stats_.received.value() & (kTimeEvery - 1)) == kTimeEvery - 1;  // the 128th, 256th, ...
  }

  Verdict afterParse(AnswerContext& a, Response& r) const noexcept {
    for (size_t i = 0; i < parse_.count; ++i)
      if (Verdict v = parse_.at[i]->afterParse(a, r); v != Verdict::Continue) return v;
    return Verdict::Continue;
  }
  /// Called only when hasBeforeFinish(). One stage (rate limiting) is the usual case: called
  /// without the loop, whose index and count reloads cost the guard's answers 10 instructions.
  Verdict beforeFinish(AnswerContext& a, Response& r) const noexcept {
    const Verdict first = before_.at[0]->beforeFinish(a, r);
    if (first != Verdict::Continue || before_.count == 1) [[likely]]
      return first;
    for (size_t i = 1; i < before_.count; ++i)
      if (Verdict v = before_.at[i]->beforeFinish(a, r); v != Verdict::Continue) return v;
    return Verdict::Continue;
  }
  Verdict cookieCheck(AnswerContext& a, Response& r) const noexcept {
    for (size_t i = 0; i < cookie_.count; ++i)
      if (Verdict v = cookie_.at[i]->afterParse(a, r); v != Verdict::Continue) return v;
    return Verdict::Continue;
  }
  Verdict signedAnswer(AnswerContext& a, Response& r) const noexcept {
    for (size_t i = 0; i < signed_.count; ++i)
      if (Verdict v = signed_.at[i]->beforeFinish(a, r); v != Verdict::Continue) return v;
    return Verdict::Continue;
  }
  void afterFinish(const AnswerContext& a, const zones::View& view) const noexcept {
    for (size_t i = 0; i < after_.count; ++i) after_.at[i]->afterFinish(a, view);
  }

 private:
  QueryStats& stats_;
  uint16_t udpLimit_;
  // The stages of one point, in the order they were added.
  struct Point {
    uint8_t count = 0;
    std::array<Stage*, kMaxStages> at{};
    void push(Stage& s) noexcept { at[count++] = &s; }
  };
  uint8_t count_ = 0;
  uint8_t general_ = 0;  // stages at any of kEveryPoint's points
  bool detailed_ = true;
  Point parse_, before_, after_, signed_, cookie_;
};

}  // namespace lodestar::engine
