#include "stats/kpis.hpp"

#include <charconv>

namespace scsim::stats {

using model::CallOutcome;
using model::CallRecord;

namespace {

double ratio(double num, double den) {
  return den > 0 ? num / den : NAN;
}

}  // namespace

void CallAggregate::add(const CallRecord& c, Time sl_threshold, Time short_abandon_threshold) {
  if (c.outcome == CallOutcome::in_progress) {
    ++in_progress;
    return;
  }
  ++offered;
  switch (c.outcome) {
    case CallOutcome::answered_local:
    case CallOutcome::answered_remote:
      ++answered;
      answered_wait_us += c.wait.micros();
      answered_work_us += c.handle.micros() + c.acw.micros();
      if (c.wait <= sl_threshold) ++answered_within_t;
      if (c.outcome == CallOutcome::answered_local) {
        ++answered_local;
      } else {
        ++answered_remote;
        ++(c.same_dc ? remote_same_dc : remote_other_dc);
      }
      break;
    case CallOutcome::abandoned:
      ++abandoned;
      if (c.wait < short_abandon_threshold) ++short_abandons;
      break;
    case CallOutcome::routing_failure:
      ++routing_failures;
      if (c.failure == model::RoutingFailureCause::no_target) ++rf_no_target;
      if (c.failure == model::RoutingFailureCause::redirection_limit) ++rf_redirection_limit;
      break;
    case CallOutcome::lost_node_failure:
      ++lost_node_failures;
      break;
    case CallOutcome::in_progress:
      break;
  }
  if (c.misrouted) ++misrouted;
  if (c.dropped_after_answer) ++dropped_after_answer;
  for (int i = 0; i < model::kFailCauses; ++i)
    failed_offers[i] += static_cast<uint64_t>(std::max(0, c.failed[i]));
}

void CallAggregate::merge(const CallAggregate& o) {
  offered += o.offered;
  answered += o.answered;
  answered_local += o.answered_local;
  answered_remote += o.answered_remote;
  remote_same_dc += o.remote_same_dc;
  remote_other_dc += o.remote_other_dc;
  answered_within_t += o.answered_within_t;
  abandoned += o.abandoned;
  short_abandons += o.short_abandons;
  routing_failures += o.routing_failures;
  rf_no_target += o.rf_no_target;
  rf_redirection_limit += o.rf_redirection_limit;
  lost_node_failures += o.lost_node_failures;
  misrouted += o.misrouted;
  dropped_after_answer += o.dropped_after_answer;
  for (int i = 0; i < model::kFailCauses; ++i)
    failed_offers[i] += o.failed_offers[i];
  in_progress += o.in_progress;
  ended_by_fault += o.ended_by_fault;
  answered_wait_us += o.answered_wait_us;
  answered_work_us += o.answered_work_us;
}

Kpis compute_kpis(const CallAggregate& a, const OccupancyAggregate& occ) {
  Kpis k;
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  k.arrivals = d(a.offered + a.in_progress);
  k.offered = d(a.offered);
  k.answered = d(a.answered);
  k.answered_local = d(a.answered_local);
  k.answered_remote = d(a.answered_remote);
  k.answered_remote_same_dc = d(a.remote_same_dc);
  k.answered_remote_other_dc = d(a.remote_other_dc);
  k.abandoned = d(a.abandoned);
  k.short_abandons = d(a.short_abandons);
  k.routing_failures = d(a.routing_failures);
  k.rf_no_target = d(a.rf_no_target);
  k.rf_redirection_limit = d(a.rf_redirection_limit);
  k.lost_node_failures = d(a.lost_node_failures);
  k.misrouted = d(a.misrouted);
  k.dropped_after_answer = d(a.dropped_after_answer);
  k.in_progress = d(a.in_progress);
  k.ended_by_fault = d(a.ended_by_fault);
  // §6.2: SL(T) = answered with wait <= T / (offered - abandoned with wait < short threshold).
  k.sl = ratio(d(a.answered_within_t), d(a.offered) - d(a.short_abandons));
  k.asa = ratio(static_cast<double>(a.answered_wait_us) / 1e6, d(a.answered));
  k.aht = ratio(static_cast<double>(a.answered_work_us) / 1e6, d(a.answered));
  k.abandonment_rate = ratio(d(a.abandoned), d(a.offered));
  k.short_abandon_rate = ratio(d(a.short_abandons), d(a.offered));
  k.routing_failure_rate = ratio(d(a.routing_failures), d(a.offered));
  k.rf_no_target_rate = ratio(d(a.rf_no_target), d(a.offered));
  k.rf_redirection_limit_rate = ratio(d(a.rf_redirection_limit), d(a.offered));
  k.lost_node_rate = ratio(d(a.lost_node_failures), d(a.offered));
  k.remote_share = ratio(d(a.answered_remote), d(a.answered));
  k.remote_same_dc_share = ratio(d(a.remote_same_dc), d(a.answered_remote));
  k.misroute_rate = ratio(d(a.misrouted), d(a.offered));
  for (int i = 0; i < model::kFailCauses; ++i)
    k.failed_offers[i] = d(a.failed_offers[i]);
  k.busy_s = static_cast<double>(occ.busy_us) / 1e6;
  k.available_s = static_cast<double>(occ.available_us) / 1e6;
  k.ready_oos_s = static_cast<double>(occ.ready_oos_us) / 1e6;
  k.held_by_r36_s = static_cast<double>(occ.held_r36_us) / 1e6;
  k.occupancy = ratio(static_cast<double>(occ.busy_us),
                      static_cast<double>(occ.busy_us) + static_cast<double>(occ.available_us));
  return k;
}

std::vector<KpiField> kpi_fields(const Kpis& k) {
  return {
      {"arrivals", k.arrivals, true},
      {"offered", k.offered, true},
      {"answered", k.answered, true},
      {"answered_local", k.answered_local, true},
      {"answered_remote", k.answered_remote, true},
      {"answered_remote_same_dc", k.answered_remote_same_dc, true},
      {"answered_remote_other_dc", k.answered_remote_other_dc, true},
      {"abandoned", k.abandoned, true},
      {"short_abandons", k.short_abandons, true},
      {"routing_failures", k.routing_failures, true},
      {"routing_failures_no_target", k.rf_no_target, true},
      {"routing_failures_redirection_limit", k.rf_redirection_limit, true},
      {"lost_node_failures", k.lost_node_failures, true},
      {"misrouted", k.misrouted, true},
      {"dropped_after_answer", k.dropped_after_answer, true},
      {"in_progress_at_end", k.in_progress, true},
      {"ended_by_fault", k.ended_by_fault, true},
      {"sl", k.sl, false},
      {"asa_s", k.asa, false},
      {"aht_s", k.aht, false},
      {"abandonment_rate", k.abandonment_rate, false},
      {"short_abandon_rate", k.short_abandon_rate, false},
      {"routing_failure_rate", k.routing_failure_rate, false},
      {"routing_failure_rate_no_target", k.rf_no_target_rate, false},
      {"routing_failure_rate_redirection_limit", k.rf_redirection_limit_rate, false},
      {"lost_node_rate", k.lost_node_rate, false},
      {"remote_share", k.remote_share, false},
      {"remote_same_dc_share", k.remote_same_dc_share, false},
      {"misroute_rate", k.misroute_rate, false},
      {"failed_stale_view", k.failed_offers[0], true},
      {"failed_race", k.failed_offers[1], true},
      {"failed_collision", k.failed_offers[2], true},
      {"failed_no_answer", k.failed_offers[3], true},
      {"occupancy", k.occupancy, false, true},
      {"busy_s", k.busy_s, false, true},
      {"available_s", k.available_s, false, true},
      {"ready_oos_s", k.ready_oos_s, false, true},
      {"held_by_r36_s", k.held_by_r36_s, false, true},
  };
}

std::string format_kpi(const KpiField& f) {
  if (std::isnan(f.value)) return "";
  char buf[64];
  std::to_chars_result r;
  if (f.count) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(std::llround(f.value)));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, f.value, std::chars_format::fixed, 6);
  }
  return std::string(buf, r.ptr);
}

}  // namespace scsim::stats
