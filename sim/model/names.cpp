// Every readable name of the model's enums (to_string), the TC message kinds and the event
// kinds: one table per enum, in one place.
#include <string>

#include "model/cluster_impl.hpp"

namespace scsim::model {

const char* to_string(AgentState s) {
  switch (s) {
    case AgentState::logged_out:
      return "LoggedOut";
    case AgentState::not_ready:
      return "NotReady";
    case AgentState::ready:
      return "Ready";
    case AgentState::reserved:
      return "Reserved";
    case AgentState::ringing:
      return "Ringing";
    case AgentState::talking:
      return "Talking";
    case AgentState::acw:
      return "ACW";
  }
  return "?";
}

const char* to_string(ViewLevel l) {
  switch (l) {
    case ViewLevel::truth:
      return "truth";
    case ViewLevel::view:
      return "view";
    case ViewLevel::stat:
      return "stat";
  }
  return "?";
}

const char* to_string(LinkEndState s) {
  switch (s) {
    case LinkEndState::up:
      return "up";
    case LinkEndState::cut_undeclared:
      return "cut_undeclared";
    case LinkEndState::declared_lost:
      return "declared_lost";
    case LinkEndState::resyncing:
      return "resyncing";
    case LinkEndState::peer_down:
      return "peer_down";
  }
  return "?";
}

const char* to_string(OwnershipCause c) {
  switch (c) {
    case OwnershipCause::registration:
      return "registration";
    case OwnershipCause::move:
      return "move";
    case OwnershipCause::crash_recovery:
      return "crash_recovery";
    case OwnershipCause::gws_failover:
      return "gws_failover";
    case OwnershipCause::release:
      return "release";
    case OwnershipCause::drop:
      return "drop";
    case OwnershipCause::split_brain:
      return "split_brain";
    case OwnershipCause::expiry:
      return "expiry";
  }
  return "?";
}

const char* msg_kind_name(MsgKind k) {
  switch (k) {
    case MsgKind::update:
      return "update";
    case MsgKind::release:
      return "release";
    case MsgKind::drop:
      return "drop";
    case MsgKind::snapshot:
      return "snapshot";
    case MsgKind::claim_request:
      return "claim_request";
    case MsgKind::retained:
      return "retained";
    case MsgKind::call_end:
      return "call_end";
  }
  return "?";
}

const char* to_string(ActionKind k) {
  switch (k) {
    case ActionKind::phone_on:
      return "phone_on";
    case ActionKind::phone_off:
      return "phone_off";
    case ActionKind::phone_move:
      return "phone_move";
    case ActionKind::phone_unregister:
      return "phone_unregister";
    case ActionKind::phone_register:
      return "phone_register";
    case ActionKind::agent_login:
      return "agent_login";
    case ActionKind::agent_logout:
      return "agent_logout";
    case ActionKind::agent_ready:
      return "agent_ready";
    case ActionKind::agent_not_ready:
      return "agent_not_ready";
    case ActionKind::wwe_login:
      return "wwe_login";
    case ActionKind::wwe_logout:
      return "wwe_logout";
    case ActionKind::wwe_disconnect:
      return "wwe_disconnect";
    case ActionKind::wwe_reconnect:
      return "wwe_reconnect";
    case ActionKind::tregister:
      return "tregister";
    case ActionKind::cut:
      return "cut";
    case ActionKind::heal:
      return "heal";
    case ActionKind::crash:
      return "crash";
    case ActionKind::restart:
      return "restart";
    case ActionKind::gws_fail:
      return "gws_fail";
    case ActionKind::gws_restart:
      return "gws_restart";
    case ActionKind::gws_cut:
      return "gws_cut";
    case ActionKind::gws_heal:
      return "gws_heal";
    case ActionKind::call:
      return "call";
  }
  return "?";
}

const char* Cluster::event_name(uint32_t kind) {
  static const char* const names[] = {
      "action",          "tc_deliver",   "ss_deliver",   "request_arrive", "reg_expiry",
      "addp_declare",    "tc_retry",     "link_up",      "phone_refresh",  "proxy_detect",
      "proxy_take_back", "dn_probe",     "grace_expire", "gws_reconnect",  "wwe_window_end",
      "agent_relogin",   "retry_reach",  "gws_declare",  "stream_arrival", "trace_arrival",
      "route",           "offer_arrive", "offer_fail",   "offer_timeout",  "answer",
      "call_end",        "acw_end",      "patience",     "router_timeout", "held_end",
      "adopted_end"};
  static_assert(sizeof(names) / sizeof(names[0]) == size_t(Ev::adopted_end) + 1,
                "every event kind has a name");
  return kind < sizeof(names) / sizeof(names[0]) ? names[kind] : "?";
}

const char* to_string(CallOutcome o) {
  switch (o) {
    case CallOutcome::answered_local:
      return "answered_local";
    case CallOutcome::answered_remote:
      return "answered_remote";
    case CallOutcome::abandoned:
      return "abandoned";
    case CallOutcome::routing_failure:
      return "routing_failure";
    case CallOutcome::lost_node_failure:
      return "lost_node_failure";
    case CallOutcome::in_progress:
      return "in_progress";
  }
  return "?";
}

const char* to_string(FailCause c) {
  switch (c) {
    case FailCause::stale_view:
      return "stale_view";
    case FailCause::race:
      return "race";
    case FailCause::collision:
      return "collision";
    case FailCause::no_answer:
      return "no_answer";
  }
  return "?";
}

const char* to_string(RoutingFailureCause c) {
  switch (c) {
    case RoutingFailureCause::none:
      return "";
    case RoutingFailureCause::no_target:
      return "no_target";
    case RoutingFailureCause::redirection_limit:
      return "redirection_limit";
  }
  return "?";
}

const char* to_string(DecisionResult r) {
  switch (r) {
    case DecisionResult::offer:
      return "offer";
    case DecisionResult::queued:
      return "queued";
    case DecisionResult::no_target:
      return "no_target";
    case DecisionResult::redirection_limit:
      return "redirection_limit";
  }
  return "?";
}

namespace {
std::string node_name(int n) {
  return "N" + std::to_string(n + 1);
}
std::string pair_name(uint32_t target, int width, const char* sep) {
  return node_name(int(target) / width) + sep + node_name(int(target) % width);
}
}  // namespace

std::string describe_event(const Cluster& c, const Event& e) {
  const int N = c.node_count(), D = c.dn_count();
  const uint32_t t = e.target;
  const uint64_t arg = e.arg;
  std::string s = Cluster::event_name(e.kind);
  auto gen = [&](const char* what) { return std::string(" ") + what + " " + std::to_string(arg); };
  switch (Ev(e.kind)) {
    case Ev::action:
      return s + " #" + std::to_string(t);
    case Ev::tc_deliver:
      return s + " " + pair_name(t, N, "->") + gen("epoch");
    case Ev::ss_deliver:
    case Ev::proxy_detect:
    case Ev::proxy_take_back:
      return s + " " + node_name(int(t)) + gen("epoch");
    case Ev::reg_expiry:
      return s + " " + node_name(int(t) / D) + " dn " + std::to_string(int(t) % D) + gen("gen");
    case Ev::addp_declare:
    case Ev::tc_retry:
    case Ev::grace_expire:
    case Ev::retry_reach:
      return s + " " + pair_name(t, N, " end to ") + gen("gen");
    case Ev::link_up:
      return s + " " + pair_name(t, N, "-") + gen("gen");
    case Ev::phone_refresh:
    case Ev::dn_probe:
    case Ev::wwe_window_end:
    case Ev::agent_relogin:
      return s + " dn " + std::to_string(t) + gen("gen");
    case Ev::gws_reconnect:
      return s + " gws " + std::to_string(t) + gen("gen");
    case Ev::gws_declare: {
      const GwsDeclareArg x = unpack_gws_declare(arg);
      return s + " gws " + std::to_string(t) + (x.side == 0 ? " gws end" : " node end ") +
             (x.side == 0 ? std::string() : node_name(x.node)) + " cut " +
             std::to_string(x.cut_gen);
    }
    case Ev::route:
      return s + " " + node_name(int(t));
    case Ev::held_end:
      return s + " " + pair_name(t, N, " from ");
    case Ev::adopted_end:
      return s + " " + node_name(int(t) / std::max(D, 1)) + " dn " +
             std::to_string(int(t) % std::max(D, 1)) + " acw " + std::to_string(arg) + "us";
    case Ev::acw_end:
      return s + " dn " + std::to_string(t) + " owner " + node_name(int(arg >> 32)) + " gen " +
             std::to_string(uint32_t(arg));
    case Ev::stream_arrival:
      return s + " stream " + std::to_string(t);
    case Ev::trace_arrival:
      return s + " trace " + std::to_string(t);
    case Ev::request_arrive:
      return s + " slot " + std::to_string(t);
    case Ev::offer_arrive:
    case Ev::offer_fail:
    case Ev::offer_timeout:
    case Ev::answer:
    case Ev::call_end:
    case Ev::patience:
    case Ev::router_timeout:
      return s + " call slot " + std::to_string(t) + " gen " + std::to_string(arg >> 32) +
             " step " + std::to_string(uint32_t(arg));
  }
  return s + " " + std::to_string(t) + " " + std::to_string(arg);
}

}  // namespace scsim::model
