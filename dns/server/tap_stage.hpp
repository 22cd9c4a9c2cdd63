// dnstap on the answer path: a stage that copies each answered query and its answer into its
// thread's ring once the message is finished (the writer thread encodes and writes them). One
// per answering thread; with no `dnstap:` there is none, and the answer path pays nothing.
#pragma once

#include "dns/dnstap/tap_ring.hpp"
#include "dns/engine/pipeline.hpp"

namespace lodestar::server {

class TapStage final : public engine::Stage {
 public:
  TapStage(dnstap::TapRing& ring, bool tcp) noexcept : Stage(engine::kAfterFinish), ring_(ring), tcp_(tcp) {}

  /// `view`'s serial names the region table: the view that answered, not the one published
  /// now (a reload between the answer and this call would name the wrong regions).
  void afterFinish(const engine::AnswerContext& a, const zones::View& view) noexcept override;

 private:
  dnstap::TapRing& ring_;
  bool tcp_;
};

}  // namespace lodestar::server
