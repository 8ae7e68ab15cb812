// Random valid scenarios for swarm testing (`scsim swarm`, issue 12 §3).
//
// generate_scenario(seed) is a pure function of the seed: every draw comes from named Rng
// streams of it ("swarm-topology", "swarm-features", "swarm-timeline", "swarm-calls"). A
// scenario has 2-6 nodes over 1-3 DCs with random per-pair TC delays (topology
// `link_delays`), SIP agents and PSTN agents on WWE over 1-3 GWS nodes, and three phases:
//   - start: phones on, agents logged in (desk or WWE);
//   - faults (10 s .. fault_end): swarm testing (Groce et al.): the seed first draws which
//     fault kinds are enabled (symmetric, one-way and partial cuts, DC cuts, heals, host and
//     process crashes, restarts, GWS failures and cuts, WWE disconnects and logouts, phone
//     moves, phones off long enough for REGISTER expiry, Expires 0, agent state churn,
//     TRegisterAddress from another client, scripted Poisson calls with patience), then draws
//     the actions from the enabled kinds only, so rare combinations appear;
//   - heal (from heal_at): every pair healed, every node and GWS node restarted and healed,
//     every phone on, every WWE reconnected and logged in again; then a quiet period to
//     `duration` in which every delay (ADDP, reconnects, resync, relogins, calls) settles, so
//     that the views must have converged at the end (stats/liveness.hpp).
// Durations that matter for the quiet period are fixed laws (handle time, ACW, relogin delay),
// so that nothing is still in flight at the end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "scenario/scenario.hpp"

namespace scsim::scenario {

struct GeneratorOptions {
  Time fault_end = seconds(300);  // end of the fault phase
  Time quiet = seconds(300);      // heal phase + quiet period after fault_end
  // Also draw DOMAIN §4's model choices (handover_mode, split_brain_policy, partition_scope,
  // failback_on_restart, ...; each differs from its default with probability 1/2), from the
  // stream "swarm-params". Off by default: the default model is what the swarm ctest pins.
  bool model_choices = false;
};

struct Generated {
  Scenario scenario;
  Time heal_at;                       // the heal phase starts here (liveness is about after it)
  std::vector<std::string> features;  // the fault kinds this seed enabled, for reports
};

Generated generate_scenario(uint64_t seed, const GeneratorOptions& opt = {});

}  // namespace scsim::scenario
