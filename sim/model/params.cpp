#include "model/params.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <sstream>

namespace scsim::model {

Params reference_params() {
  Params p;
  p.tc_one_way_delay = millis(40);
  p.tc_one_way_delay_same_dc = millis(2);
  p.local_stat_delay = millis(20);
  p.client_request_delay = millis(10);
  p.sip_delivery_delay = millis(20);
  p.addp_timeout = seconds(10);
  p.addp_detection_model = AddpDetection::min;
  p.tc_reconnect_interval = seconds(5);
  p.resync_per_dn = Time::zero();
  p.register_expires = seconds(120);
  p.sip_proxy_oos_check = seconds(5);
  p.agent_answer_delay = seconds(2);
  p.handle_time_mean = seconds(20);
  p.handle_time_law = DurationLaw::fixed;
  p.acw_time_mean = Time::zero();
  p.agent_relogin_delay = seconds(30);
  p.agent_relogin_delay_law = DurationLaw::fixed;
  p.patience_infinite = true;
  return p;
}

namespace {

using Setter = std::function<std::string(Params&, std::string_view)>;
using Getter = std::function<std::string(const Params&)>;

struct Entry {
  ParamInfo info;
  Setter set;
  Getter get;
};

std::optional<double> to_double(std::string_view v) {
  std::string s(v);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::string fmt_double(double d) {
  std::ostringstream o;
  o.precision(15);
  o << d;
  return o.str();
}

// A duration parameter in unit `unit_s` (1 for _s, 1e-3 for _ms, 1e-6 for _us).
Entry duration(std::string name, Time Params::*field, double unit_s, double lo, double hi,
               std::string rules, std::string meaning, std::string range = "") {
  if (range.empty()) range = fmt_double(lo) + "-" + fmt_double(hi);
  const char* unit = unit_s == 1 ? "s" : unit_s == 1e-3 ? "ms" : "us";
  ParamInfo info{name, unit, range, rules, meaning};
  Setter set = [=](Params& p, std::string_view v) -> std::string {
    auto d = to_double(v);
    if (!d) return "expected a number, got \"" + std::string(v) + "\"";
    if (*d < lo || *d > hi) {
      return "value " + std::string(v) + " is out of range " + range;
    }
    p.*field = seconds(*d * unit_s);
    return {};
  };
  Getter get = [=](const Params& p) {
    return fmt_double(static_cast<double>((p.*field).micros()) / (unit_s * 1e6));
  };
  return {info, set, get};
}

Entry boolean(std::string name, bool Params::*field, std::string rules, std::string meaning) {
  ParamInfo info{name, "", "bool", rules, meaning};
  Setter set = [=](Params& p, std::string_view v) -> std::string {
    if (v == "true" || v == "1" || v == "yes" || v == "on") {
      p.*field = true;
    } else if (v == "false" || v == "0" || v == "no" || v == "off") {
      p.*field = false;
    } else {
      return "expected true or false, got \"" + std::string(v) + "\"";
    }
    return {};
  };
  Getter get = [=](const Params& p) { return std::string(p.*field ? "true" : "false"); };
  return {info, set, get};
}

template <class E>
Entry choice(std::string name, E Params::*field, std::vector<std::pair<std::string, E>> options,
             std::string rules, std::string meaning) {
  std::string range;
  for (auto& o : options)
    range += (range.empty() ? "" : ", ") + o.first;
  ParamInfo info{name, "", range, rules, meaning};
  Setter set = [=](Params& p, std::string_view v) -> std::string {
    for (auto& o : options) {
      if (o.first == v) {
        p.*field = o.second;
        return {};
      }
    }
    return "expected one of " + range + ", got \"" + std::string(v) + "\"";
  };
  Getter get = [=](const Params& p) {
    for (auto& o : options) {
      if (o.second == p.*field) return o.first;
    }
    return std::string("?");
  };
  return {info, set, get};
}

Entry number(std::string name, double Params::*field, double lo, double hi, std::string rules,
             std::string unit, std::string meaning) {
  std::string range = fmt_double(lo) + "-" + fmt_double(hi);
  ParamInfo info{name, unit, range, rules, meaning};
  Setter set = [=](Params& p, std::string_view v) -> std::string {
    auto d = to_double(v);
    if (!d) return "expected a number, got \"" + std::string(v) + "\"";
    if (*d < lo || *d > hi) return "value " + std::string(v) + " is out of range " + range;
    p.*field = *d;
    return {};
  };
  Getter get = [=](const Params& p) { return fmt_double(p.*field); };
  return {info, set, get};
}

// TC links, views and Stat Servers, ADDP, partitions (R20-R33).
void add_links_params(std::vector<Entry>& t) {
  using P = Params;
  t.push_back(duration("tc_one_way_delay_ms", &P::tc_one_way_delay, 1e-3, 1, 500, "R25",
                       "one-way TC delay between nodes of different DCs"));
  t.push_back(duration("tc_one_way_delay_same_dc_ms", &P::tc_one_way_delay_same_dc, 1e-3, 0, 50,
                       "R25", "one-way TC delay between two nodes of one DC"));
  t.push_back(duration("local_stat_delay_ms", &P::local_stat_delay, 1e-3, 0, 500, "R20, R25",
                       "delay from a node's view to its own Stat Server (TCport)"));
  t.push_back(duration("client_request_delay_ms", &P::client_request_delay, 1e-3, 0, 1000,
                       "R13, R16, R45",
                       "delay from any client request (REGISTER, agent request, "
                       "TRegisterAddress) to its acceptance"));
  t.push_back(
      duration("addp_timeout_s", &P::addp_timeout, 1, 1, 60, "R31",
               "ADDP timeout T: an end declares a cut connection lost T*(1+u) after the cut"));
  t.push_back(choice<AddpDetection>(
      "addp_detection_model", &P::addp_detection_model,
      {{"uniform", AddpDetection::uniform},
       {"min", AddpDetection::min},
       {"max", AddpDetection::max}},
      "R31", "how u of the ADDP declaration is drawn: uniform in [0,1), 0 (min) or 1 (max)"));
  t.push_back(
      duration("oos_grace_after_link_loss_s", &P::oos_grace_after_link_loss, 1, 0, 60, "R22",
               "wait after declaring a link lost before the lost owner's DNs go OOS in the view"));
  t.push_back(duration("tc_reconnect_interval_s", &P::tc_reconnect_interval, 1, 1, 60, "R33",
                       "interval between a node's reconnect attempts on a lost TC link"));
  t.push_back(duration("resync_per_dn_us", &P::resync_per_dn, 1e-6, 0, 10000, "R33",
                       "time to apply a heal snapshot, per DN its sender owns"));
  // R23: relaying through a third node is not modelled; only the default is accepted.
  t.push_back(choice<bool>("tc_relay_via_peers", &P::tc_relay_via_peers, {{"false", false}}, "R23",
                           "views relayed through a third node (not modelled: only false)"));
  t.push_back(choice<PartitionScope>(
      "partition_scope", &P::partition_scope,
      {{"network", PartitionScope::network}, {"tc_layer", PartitionScope::tc_layer}}, "R30",
      "what a partition cuts: all traffic between the sides (network) or only TC (tc_layer)"));
}

// Registration, proxies, offers over SIP, ownership, crashes (R4-R15, R39-R43, R58, R60, R67).
void add_registration_params(std::vector<Entry>& t) {
  using P = Params;
  t.push_back(choice<RegisterNodeSelection>(
      "register_node_selection", &P::register_node_selection,
      {{"sticky", RegisterNodeSelection::sticky},
       {"round_robin_each", RegisterNodeSelection::round_robin_each}},
      "R4", "the proxy's node for a REGISTER: sticky while alive, or round robin each time"));
  t.push_back(duration("register_expires_s", &P::register_expires, 1, 60, 7200, "R13",
                       "registration lifetime after acceptance"));
  t.push_back(
      number("register_refresh_ratio", &P::register_refresh_ratio, 0.1, 0.95, "R13", "ratio",
             "a phone re-registers this fraction of register_expires_s after its last REGISTER"));
  t.push_back(duration("register_retry_interval_s", &P::register_retry_interval, 1, 1, 600, "R42",
                       "a phone retries a failed REGISTER this long after sending it"));
  t.push_back(
      duration("sip_proxy_oos_check_s", &P::sip_proxy_oos_check, 1, 1, 300, "R41",
               "the proxy's probe period: a crashed node gets no traffic from the next probe"));
  t.push_back(duration("sip_proxy_oos_force_s", &P::sip_proxy_oos_force, 1, 1, 32, "R41",
                       "the proxy takes a restarted node back at the next multiple of this"));
  t.push_back(boolean("proxy_replays_registrations", &P::proxy_replays_registrations, "R42",
                      "the proxy replays a crashed node's bindings to a live node"));
  t.push_back(duration(
      "dn_oos_check_s", &P::dn_oos_check, 1, 0, 300, "R15",
      "owners probe phones at this period (a switched-off phone's DN goes OOS); 0: never"));
  t.push_back(
      duration("sip_delivery_delay_ms", &P::sip_delivery_delay, 1e-3, 0, 1000, "R58",
               "SIP delay of an offer to the DN's owner (plus the TC delay between nodes)"));
  t.push_back(duration("sip_invite_timeout_s", &P::sip_invite_timeout, 1, 1, 34, "R60",
                       "an offer to an owner out of reach or to a silent phone fails after this"));
  t.push_back(choice<HandoverMode>("handover_mode", &P::handover_mode,
                                   {{"seamless", HandoverMode::seamless},
                                    {"release_then_claim", HandoverMode::release_then_claim}},
                                   "R8",
                                   "ownership moving between live nodes: seamless, or the old "
                                   "owner releases first (OOS gap)"));
  t.push_back(boolean("release_ownership_on_unregister", &P::release_ownership_on_unregister, "R9",
                      "an ended registration releases the DN until the next one"));
  t.push_back(
      choice<SplitBrainPolicy>("split_brain_policy", &P::split_brain_policy,
                               {{"latest_registration", SplitBrainPolicy::latest_registration},
                                {"earliest_registration", SplitBrainPolicy::earliest_registration},
                                {"lowest_node_id", SplitBrainPolicy::lowest_node_id}},
                               "R67", "which of two claims wins when a heal shows a split brain"));
  t.push_back(choice<CrashKind>(
      "crash_kind", &P::crash_kind, {{"host", CrashKind::host}, {"process", CrashKind::process}},
      "R39", "default crash kind: host (peers detect it by ADDP) or process (detected at once)"));
  t.push_back(choice<bool>("model_ha_pairs", &P::model_ha_pairs, {{"false", false}}, "R40",
                           "HA primary/backup pairs (not modelled: only false)"));
  t.push_back(boolean("failback_on_restart", &P::failback_on_restart, "R43",
                      "a restarted node becomes its phones' sticky choice again"));
}

// GWS, WWE and agents (R5, R16-R18, R36, R37, R47-R49).
void add_gws_agents_params(std::vector<Entry>& t) {
  using P = Params;
  {
    ParamInfo info{"gws_client_names", "", "list of names, e.g. [GWS, GWS2]", "R5",
                   "client names whose TRegisterAddress makes the node own a pstn DN"};
    Setter set = [](Params& p, std::string_view v) -> std::string {
      std::string s(v);
      if (!s.empty() && s.front() == '[') s.erase(0, 1);
      if (!s.empty() && s.back() == ']') s.pop_back();
      std::vector<std::string> names;
      std::stringstream ss(s);
      std::string item;
      while (std::getline(ss, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t\"'"));
        item.erase(item.find_last_not_of(" \t\"'") + 1);
        if (item.empty()) return "empty client name in list";
        names.push_back(item);
      }
      if (names.empty()) return "expected at least one client name";
      p.gws_client_names = names;
      return {};
    };
    Getter get = [](const Params& p) {
      std::string s = "[";
      for (size_t i = 0; i < p.gws_client_names.size(); ++i) {
        s += (i ? ", " : "") + p.gws_client_names[i];
      }
      return s + "]";
    };
    t.push_back({info, set, get});
  }
  t.push_back(duration("wwe_reconnect_window_s", &P::wwe_reconnect_window, 1, 0, 600, "R49",
                       "how long a WWE retries a GWS node out of reach before it moves"));
  t.push_back(
      duration("gws_reconnect_delay_s", &P::gws_reconnect_delay, 1, 1, 300, "R47",
               "delay (and retry interval) of a GWS node reconnecting after losing its node"));
  t.push_back(choice<GwsFailoverScope>(
      "gws_failover_scope", &P::gws_failover_scope,
      {{"same_dc", GwsFailoverScope::same_dc}, {"any_dc", GwsFailoverScope::any_dc}}, "R47",
      "where a GWS node reconnects: its own DC only, or any DC when its DC has no node"));
  t.push_back(boolean("gws_auto_relogin", &P::gws_auto_relogin, "R48",
                      "a GWS node logs its agents in again after re-registering their DNs"));
  t.push_back(duration("agent_relogin_delay_s", &P::agent_relogin_delay, 1, 0, 600, "R18, R48, R49",
                       "an agent logs in again by hand this long after a move, crash or GWS loss"));
  t.push_back(choice<DurationLaw>(
      "agent_relogin_delay_law", &P::agent_relogin_delay_law,
      {{"exponential", DurationLaw::exponential}, {"fixed", DurationLaw::fixed}}, "R18",
      "law of agent_relogin_delay_s: exponential with that mean, or fixed"));
  t.push_back(boolean("logout_on_oos", &P::logout_on_oos, "R17",
                      "a DN going OOS logs its agent out (false: logged in, unroutable)"));
  t.push_back(boolean("transfer_agent_state_on_move", &P::transfer_agent_state_on_move, "R18",
                      "a new owner adopts the agent state it last received (false: logged out)"));
  t.push_back(
      boolean("stuck_busy_until_resync", &P::stuck_busy_until_resync, "R36",
              "an agent whose call end was missed across a cut stays busy until the resync"));
  t.push_back(number("cross_partition_call_drop_prob", &P::cross_partition_call_drop_prob, 0, 1,
                     "R37", "probability",
                     "probability that an answered call across a cut pair drops at the cut"));
}

// Calls and routing (R52-R65).
void add_calls_params(std::vector<Entry>& t) {
  using P = Params;
  const double inf = 1e12;
  t.push_back(choice<RoutingMode>(
      "routing_mode", &P::routing_mode,
      {{"auto", RoutingMode::auto_},
       {"local_node", RoutingMode::local_node},
       {"local_dc", RoutingMode::local_dc}},
      "R54", "DNs a node routes to: all it sees (auto), owned by itself, or owned in its DC"));
  t.push_back(choice<TargetSelection>(
      "target_selection", &P::target_selection,
      {{"longest_ready", TargetSelection::longest_ready},
       {"prefer_local", TargetSelection::prefer_local},
       {"random", TargetSelection::random}},
      "R55", "which eligible DN gets the call: ready longest, local first, or random"));
  t.push_back(boolean("agent_reservation_enabled", &P::agent_reservation_enabled, "R52",
                      "the Stat Server reserves the picked agent; later offers fail as collision"));
  t.push_back(choice<CallNodeSelection>(
      "call_node_selection", &P::call_node_selection,
      {{"round_robin", CallNodeSelection::round_robin}, {"random", CallNodeSelection::random}},
      "R56", "the proxy's node for a call: round robin or random"));
  t.push_back(choice<QueueDiscipline>(
      "queue_discipline", &P::queue_discipline, {{"fifo", QueueDiscipline::fifo}}, "R57",
      "order in which waiting calls take a DN that becomes eligible"));
  t.push_back(boolean("avoid_failed_target", &P::avoid_failed_target, "R59",
                      "a requeued call skips the DN that failed until its next update"));
  t.push_back(choice<RingingOosPolicy>(
      "ringing_oos_policy", &P::ringing_oos_policy,
      {{"requeue", RingingOosPolicy::requeue}, {"continue", RingingOosPolicy::continue_}}, "R61",
      "a DN going OOS while ringing: requeue the call, or ring on (continue)"));
  {
    ParamInfo info{"redirection_limit", "offers", "0-15", "R62",
                   "failed offers after which a call ends as routing_failure; 0: no limit"};
    Setter set = [](Params& p, std::string_view v) -> std::string {
      int x = 0;
      auto r = std::from_chars(v.data(), v.data() + v.size(), x);
      if (r.ec != std::errc() || r.ptr != v.data() + v.size()) {
        return "expected a whole number, got \"" + std::string(v) + "\"";
      }
      if (x < 0 || x > 15) return "value " + std::string(v) + " is out of range 0-15";
      p.redirection_limit = x;
      return {};
    };
    Getter get = [](const Params& p) { return std::to_string(p.redirection_limit); };
    t.push_back({info, set, get});
  }
  t.push_back(
      duration("router_timeout_s", &P::router_timeout, 1, 0, 600, "R63",
               "a call that sees no staffed DN for this long ends as routing_failure; 0: never"));
  t.push_back(duration("agent_answer_delay_s", &P::agent_answer_delay, 1, 0, 60, "R58",
                       "time from ringing to answer"));
  t.push_back(duration("handle_time_mean_s", &P::handle_time_mean, 1, 1e-6, inf, "R65",
                       "mean talk time of a call (law: handle_time_law)", "> 0"));
  t.push_back(choice<DurationLaw>(
      "handle_time_law", &P::handle_time_law,
      {{"exponential", DurationLaw::exponential}, {"fixed", DurationLaw::fixed}}, "R65",
      "law of handle_time_mean_s: exponential with that mean, or fixed"));
  t.push_back(duration("acw_time_mean_s", &P::acw_time_mean, 1, 0, inf, "R65",
                       "mean after-call work (law: acw_time_law); 0: none", ">= 0"));
  t.push_back(choice<DurationLaw>(
      "acw_time_law", &P::acw_time_law,
      {{"exponential", DurationLaw::exponential}, {"fixed", DurationLaw::fixed}}, "R65",
      "law of acw_time_mean_s: exponential with that mean, or fixed"));
  {
    ParamInfo info{"patience_mean_s", "s", "> 0 or inf", "R64",
                   "mean caller patience (exponential); inf: callers never abandon"};
    Setter set = [](Params& p, std::string_view v) -> std::string {
      if (v == "inf" || v == "infinite" || v == ".inf") {
        p.patience_infinite = true;
        return {};
      }
      auto d = to_double(v);
      if (!d) return "expected a number or inf, got \"" + std::string(v) + "\"";
      if (!(*d > 0)) return "value " + std::string(v) + " is out of range > 0 or inf";
      p.patience_infinite = false;
      p.patience_mean = seconds(*d);
      return {};
    };
    Getter get = [](const Params& p) {
      return p.patience_infinite ? std::string("inf") : fmt_double(p.patience_mean.to_seconds());
    };
    t.push_back({info, set, get});
  }
}

// Statistics (DOMAIN §6).
void add_stats_params(std::vector<Entry>& t) {
  using P = Params;
  const double inf = 1e12;
  t.push_back(duration("service_level_threshold_s", &P::service_level_threshold, 1, 1e-6, inf,
                       "6.2", "a call answered within this counts for the service level", "> 0"));
  t.push_back(duration("short_abandon_threshold_s", &P::short_abandon_threshold, 1, 0, inf, "6.2",
                       "a call abandoned within this is a short abandon, left out of the KPIs",
                       ">= 0"));
  t.push_back(duration("stats_interval_s", &P::stats_interval, 1, 1e-6, inf, "6",
                       "length of a statistics interval", "> 0"));
  t.push_back(duration("warmup_s", &P::warmup, 1, 0, inf, "6",
                       "time from the start that the run's KPIs leave out", ">= 0"));
  t.push_back(duration("staleness_min_window_ms", &P::staleness_min_window, 1e-3, 0, inf, "6.3",
                       "staleness windows shorter than this are not counted", ">= 0"));
  t.push_back(duration("episode_merge_gap_s", &P::episode_merge_gap, 1, 0, inf, "6.5",
                       "faults closer than this form one fault episode", ">= 0"));
}

const std::vector<Entry>& entries() {
  static const std::vector<Entry> table = [] {
    std::vector<Entry> t;
    add_links_params(t);
    add_registration_params(t);
    add_gws_agents_params(t);
    add_calls_params(t);
    add_stats_params(t);
    return t;
  }();
  return table;
}

}  // namespace

const std::vector<ParamInfo>& param_table() {
  static const std::vector<ParamInfo> infos = [] {
    std::vector<ParamInfo> v;
    for (auto& e : entries())
      v.push_back(e.info);
    return v;
  }();
  return infos;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
      prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::string best;
  size_t best_d = std::max<size_t>(3, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    size_t d = distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string set_param(Params& p, std::string_view name, std::string_view value) {
  for (auto& e : entries()) {
    if (e.info.name == name) {
      std::string err = e.set(p, value);
      if (!err.empty()) return "parameter " + std::string(name) + ": " + err;
      return {};
    }
  }
  std::vector<std::string> names;
  for (auto& e : entries())
    names.push_back(e.info.name);
  std::string msg = "unknown parameter \"" + std::string(name) + "\"";
  std::string hint = did_you_mean(name, names);
  if (!hint.empty()) msg += " (did you mean \"" + hint + "\"?)";
  return msg;
}

std::string get_param(const Params& p, std::string_view name) {
  for (auto& e : entries()) {
    if (e.info.name == name) return e.get(p);
  }
  return {};
}

const std::vector<ModelChoice>& model_choices() {
  static const std::vector<ModelChoice> table = {
      {"Q1", "which node of a DC takes a REGISTER", {"register_node_selection"}},
      {"Q2", "remote DNs OOS at once on link loss", {"oos_grace_after_link_loss_s"}},
      {"Q3", "ADDP settings of TC links", {"addp_timeout_s", "addp_detection_model"}},
      {"Q4", "a WAN partition also cuts SIP between DCs", {"partition_scope"}},
      {"Q5", "split-brain resolution at heal", {"split_brain_policy"}},
      {"Q6", "handover while connected", {"handover_mode", "transfer_agent_state_on_move"}},
      {"Q7", "heal resync form and duration", {"resync_per_dn_us"}},
      {"Q8", "proxy replays bindings after a crash", {"proxy_replays_registrations"}},
      {"Q9", "agent logged in while its DN is OOS", {"logout_on_oos"}},
      {"Q10",
       "GWS reconnect: when, where, with re-login",
       {"gws_reconnect_delay_s", "gws_failover_scope", "gws_auto_relogin"}},
      {"Q11", "strategy with no target", {"router_timeout_s"}},
      {"Q12",
       "cross-node call when the link drops",
       {"stuck_busy_until_resync", "cross_partition_call_drop_prob"}},
      {"Q13", "DN goes OOS while ringing", {"ringing_oos_policy"}},
      {"Q14", "views through a third node", {"tc_relay_via_peers"}},
      {"Q15", "reservation across a partition", {"partition_scope", "agent_reservation_enabled"}},
      {"Q16", "HA switchover effects", {"model_ha_pairs"}},
      {"Q17", "failback after restart", {"failback_on_restart"}},
  };
  return table;
}

std::string describe_choice(const Params& p, const ModelChoice& c) {
  static const Params defaults{};
  std::string out;
  for (const char* name : c.params) {
    const std::string v = get_param(p, name), d = get_param(defaults, name);
    if (!out.empty()) out += ", ";
    out += std::string(name) + "=" + v + (v == d ? " (default)" : " (default " + d + ")");
  }
  return out;
}

bool choice_differs(const Params& p, const ModelChoice& c) {
  static const Params defaults{};
  for (const char* name : c.params) {
    if (get_param(p, name) != get_param(defaults, name)) return true;
  }
  return false;
}

}  // namespace scsim::model
