// dnstap on the answer path: a stage that copies each answered query and its answer into its
// thread's ring once the message is finished (the writer thread encodes and writes them). One
// per answering thread; with no `dnstap:` there is none, and the answer path pays nothing.
#pragma once

#include "dns/dnstap/tap_ring.hpp"
#include "dns/engine/pipeline.hpp"
#include "dns/server/view_publisher.hpp"

namespace lodestar::server {

class TapStage final : public engine::Stage {
 public:
  /// `views`: whose current view's serial names the region table (the thread is inside it).
  TapStage(dnstap::TapRing& ring, bool tcp, const ViewPublisher& views) noexcept
      : Stage(engine::kAfterFinish), ring_(ring), tcp_(tcp), views_(views) {}

  void afterFinish(const engine::AnswerContext& a) noexcept override;

 private:
  dnstap::TapRing& ring_;
  bool tcp_;
  const ViewPublisher& views_;
};

}  // namespace lodestar::server
