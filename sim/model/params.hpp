// The model's parameters: every name of DOMAIN §4, with its default and range.
//
// Durations are stored as Time; names keep DOMAIN's unit suffixes (`_ms`, `_us`, `_s`) so a
// scenario file or `--set name=value` uses exactly DOMAIN's spelling and unit. `set_param`
// validates against the documented range and reports what was expected. Open-question defaults
// of DOMAIN §7 are the defaults here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace scsim::model {

enum class AddpDetection { uniform, min, max };
enum class PartitionScope { network, tc_layer };
enum class RegisterNodeSelection { sticky, round_robin_each };
enum class HandoverMode { seamless, release_then_claim };
enum class SplitBrainPolicy { latest_registration, earliest_registration, lowest_node_id };
enum class CrashKind { host, process };
enum class GwsFailoverScope { same_dc, any_dc };
enum class RoutingMode { auto_, local_node, local_dc };
enum class TargetSelection { longest_ready, prefer_local, random };
enum class CallNodeSelection { round_robin, random };
enum class QueueDiscipline { fifo };
enum class RingingOosPolicy { requeue, continue_ };
// How a drawn duration is drawn: DOMAIN §5 fixes some that §4 gives as exponential means.
enum class DurationLaw { exponential, fixed };

struct Params {
  // TC layer and Stat Server (R20, R25, R31, R33)
  Time tc_one_way_delay = millis(40);
  Time tc_one_way_delay_same_dc = millis(2);
  Time local_stat_delay = millis(20);
  Time client_request_delay = millis(10);
  Time addp_timeout = millis(10'000);
  AddpDetection addp_detection_model = AddpDetection::uniform;
  Time oos_grace_after_link_loss = Time::zero();
  Time tc_reconnect_interval = millis(5'000);
  Time resync_per_dn = micros(100);
  bool tc_relay_via_peers = false;
  PartitionScope partition_scope = PartitionScope::network;
  // Registration (R4, R13, R15, R41, R42)
  RegisterNodeSelection register_node_selection = RegisterNodeSelection::sticky;
  Time register_expires = millis(3'600'000);
  double register_refresh_ratio = 0.5;
  Time register_retry_interval = millis(30'000);
  Time sip_proxy_oos_check = millis(5'000);
  Time sip_proxy_oos_force = millis(5'000);
  bool proxy_replays_registrations = false;
  Time dn_oos_check = Time::zero();
  // Calls (R58, R60)
  Time sip_delivery_delay = millis(20);
  Time sip_invite_timeout = millis(32'000);
  // Ownership (R8, R9, R67, R39, R40, R43)
  HandoverMode handover_mode = HandoverMode::seamless;
  bool release_ownership_on_unregister = true;
  SplitBrainPolicy split_brain_policy = SplitBrainPolicy::latest_registration;
  CrashKind crash_kind = CrashKind::host;
  bool model_ha_pairs = false;
  bool failback_on_restart = false;
  // GWS and WWE (R5, R47, R48, R49)
  std::vector<std::string> gws_client_names = {"GWS"};
  Time wwe_reconnect_window = millis(60'000);
  Time gws_reconnect_delay = millis(10'000);
  GwsFailoverScope gws_failover_scope = GwsFailoverScope::same_dc;
  bool gws_auto_relogin = true;
  Time agent_relogin_delay = millis(30'000);
  DurationLaw agent_relogin_delay_law = DurationLaw::exponential;
  // Agent state (R17, R18, R36, R37)
  bool logout_on_oos = false;
  bool transfer_agent_state_on_move = false;
  bool stuck_busy_until_resync = true;
  double cross_partition_call_drop_prob = 0;
  // Routing (R52-R65)
  RoutingMode routing_mode = RoutingMode::auto_;
  TargetSelection target_selection = TargetSelection::longest_ready;
  bool agent_reservation_enabled = true;
  CallNodeSelection call_node_selection = CallNodeSelection::round_robin;
  QueueDiscipline queue_discipline = QueueDiscipline::fifo;
  bool avoid_failed_target = true;
  RingingOosPolicy ringing_oos_policy = RingingOosPolicy::requeue;
  int redirection_limit = 4;
  Time router_timeout = millis(10'000);
  Time agent_answer_delay = millis(2'000);
  Time handle_time_mean = millis(240'000);
  DurationLaw handle_time_law = DurationLaw::exponential;
  Time acw_time_mean = Time::zero();
  DurationLaw acw_time_law = DurationLaw::exponential;
  Time patience_mean = millis(120'000);
  bool patience_infinite = false;
  // Statistics (§6)
  Time service_level_threshold = millis(20'000);
  Time short_abandon_threshold = Time::zero();
  Time stats_interval = millis(900'000);
  Time warmup = Time::zero();
  Time staleness_min_window = Time::zero();
  Time episode_merge_gap = seconds(60);  // §6.5: faults closer than this are one episode
};

// DOMAIN §5's reference settings (used by the reference scenarios SC1-SC11).
Params reference_params();

// One row of the parameter table. The same table validates `parameters:` and `--set` (set_param)
// and documents them (`scsim params`, docs/PARAMETERS.md), so the two cannot drift.
struct ParamInfo {
  std::string name;
  std::string unit;     // "s", "ms", "us", "ratio", "probability", "offers"; empty: no unit
  std::string range;    // as DOMAIN §4 gives it, for messages and --help
  std::string rules;    // rule numbers it tunes
  std::string meaning;  // one line
};
// Every parameter name, in DOMAIN §4's order.
const std::vector<ParamInfo>& param_table();

// Sets one parameter from text ("40", "true", "uniform", "inf", "[GWS, GWS2]" for lists).
// Returns an empty string on success, else a message that names the parameter and says what
// was expected (with a "did you mean" for unknown names).
std::string set_param(Params& p, std::string_view name, std::string_view value);
// Current value as text, in the same syntax set_param accepts; empty if unknown.
std::string get_param(const Params& p, std::string_view name);

// DOMAIN §7's open questions (Q1-Q17) and the parameters that answer them: the model choices a
// result rests on. run.csv and scsim compare list them with their values.
struct ModelChoice {
  const char* question;  // "Q12"
  const char* topic;     // "cross-node call when the link drops"
  std::vector<const char*> params;
};
const std::vector<ModelChoice>& model_choices();
// "name=value" for each parameter of a choice, with " (default)" or " (default V)" after each.
std::string describe_choice(const Params& p, const ModelChoice& c);
// Whether any parameter of a choice differs from its default.
bool choice_differs(const Params& p, const ModelChoice& c);

// Edit distance based suggestion among `candidates`, or empty if nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace scsim::model
