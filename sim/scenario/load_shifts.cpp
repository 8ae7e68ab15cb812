// The scenario loader: `shifts` (issue 18 §3), named working periods of a set of agents that
// expand at load time into the timeline actions a person would write per agent:
//
//   shifts:
//     - {name: early, agents: A001..A200, start: "08:00:00", end: "16:00:00",
//        login_spread: 10min, breaks: [{at: "10:00:00", for: 15min, fraction: 0.25}]}
//
// Agent k of the selector (selector order, or drawn with `order: random`) starts at
// start + spread offset k (as a timeline `spread`, load_timeline.cpp) and ends at end + its
// logout spread offset:
//   sip agent:  phone_on, then agent_login (ready) `login_delay` later (R13: the REGISTER is
//               accepted client_request_delay_ms after it is sent; a login before that finds no
//               owner and is rejected, R16); at the end agent_logout, then phone_unregister
//               (REGISTER with Expires 0, R13) `unregister_delay` later (or phone_off);
//   pstn agent: wwe_login (TRegisterAddress, then the login, R45); at the end wwe_logout (R46).
// A break takes a sample of the shift's agents (fraction or count, drawn from the seed's stream
// "shift-break" keyed by shift and break) NotReady at `at` (+ its own spread) and Ready `for`
// later (R16: a request reaching a busy agent waits until the agent is freed).
// Actions are generated agent by agent in that order, before the timeline's, and the timeline is
// then stably sorted by time: at one instant, earlier agents act first.
#include <algorithm>
#include <set>

#include "scenario/loader_impl.hpp"

namespace scsim::scenario::detail {

namespace {

constexpr uint64_t kShiftKeys = 1024;  // random stream keys: shift * kShiftKeys + part
// The agents' sample (fraction/count) shares the timeline's stream "timeline-sample"; its keys
// start here, past any timeline entry's index.
constexpr uint64_t kShiftSampleKey = uint64_t(1) << 40;

}  // namespace

// breaks: [{at, for, fraction | count, spread}]: each a sample of `agents` (stream "shift-break",
// key key0 + break) NotReady at `at` (+ spread) and Ready `for` later, within [start, stop].
void Loader::shift_breaks(const Field* fb, const std::string& p, uint64_t key0,
                          const std::vector<int>& agents, Time start, Time stop,
                          std::vector<model::Action>& acts) {
  if (!fb) return;
  auto request = [](model::ActionKind k, int agent, Time at) {
    model::Action a;
    a.kind = k;
    a.agent = agent;
    a.at = at;
    return a;
  };
  const std::string bp = sub(p, "breaks");
  if (!fb->v.IsSequence()) {
    error(fb->v, bp,
          "expected a list of breaks such as [{at: \"10:00:00\", for: 15min, fraction: 0.25}]");
    return;
  }
  size_t j = 0;
  for (auto bt = fb->v.begin(); bt != fb->v.end(); ++bt, ++j) {
    const std::string q = idx(bp, j);
    Fields g = fields(*bt, q, {"at", "for", "fraction", "count", "spread"},
                      "a map such as {at: \"10:00:00\", for: 15min, fraction: 0.25}");
    if (!g.ok) continue;
    const size_t b0 = reported;
    std::optional<Time> at, len;
    if (const Field* x = g.get("at")) at = time_value(x->v, sub(q, "at"), false);
    if (const Field* x = g.get("for")) len = time_value(x->v, sub(q, "for"), true);
    if (!g.get("at") && g.missing("at")) error(*bt, q, "missing at (when the break starts)");
    if (!g.get("for") && g.missing("for")) error(*bt, q, "missing for (how long it lasts)");
    if (at && len && (*at < start || *at + *len > stop)) {
      error(g.get("at")->v, sub(q, "at"),
            "the break (" + secs(*at) + " to " + secs(*at + *len) + ") is not within the shift (" +
                secs(start) + " to " + secs(stop) + ")");
    }
    std::vector<int> who = agents;
    const uint64_t key = key0 + j;
    if (reported != b0 || !at || !len || !sample(g, q, who, "shift-break", key, true)) continue;
    std::vector<Time> off;
    if (!spread_of(g.get("spread"), nullptr, q, who, off, "shift-break-spread", key)) continue;
    if (off.empty()) off.assign(who.size(), Time::zero());
    if (*at + off.back() + *len > stop) {
      error(g.get("spread")->v, sub(q, "spread"),
            "the break's spread runs past the end of the shift (" + secs(stop) + ")");
      continue;
    }
    for (size_t k = 0; k < who.size(); ++k) {
      acts.push_back(request(model::ActionKind::agent_not_ready, who[k], *at + off[k]));
      acts.push_back(request(model::ActionKind::agent_ready, who[k], *at + off[k] + *len));
    }
  }
}

// A shift's agents: any agent selector; every one must be able to log in (sip, or pstn with WWE).
std::vector<int> Loader::shift_agents(const Fields& f, const YAML::Node& e, const std::string& p,
                                      size_t i) {
  const size_t before = reported;
  std::vector<int> agents_sel;
  const Field* fa = f.get("agents");
  if (fa) {
    const std::string ap = sub(p, "agents");
    if (fa->v.IsMap()) {
      Fields g =
          fields(fa->v, ap, {"agent", "dn", "group", "dc", "kind", "gws", "fraction", "count"},
                 "an agent selector such as A001..A200 or {dc: DC1, group: sales}");
      if (g.ok) agents_sel = agent_selector(fa->v, ap, &g, kShiftSampleKey + i);
    } else {
      agents_sel = agent_selector(fa->v, ap, nullptr, kShiftSampleKey + i);
    }
    if (reported == before && agents_sel.empty()) {
      error(fa->v, ap, "selector " + yaml_text(fa->v) + " selects no agent");
    }
    for (int a : agents_sel) {
      const auto& ag = sc.cluster.agents[size_t(a)];
      if (ag.kind == model::DnKind::pstn && ag.gws < 0) {
        error(fa->v, ap,
              "agent " + ag.name +
                  " is a pstn agent without gws: a shift logs PSTN agents in through WWE "
                  "(set gws in the population)");
        break;
      }
    }
  } else if (f.missing("agents")) {
    error(e, p, "missing agents (an agent selector such as A001..A200 or {group: sales})");
  }
  return agents_sel;
}

bool Loader::shift(const YAML::Node& e, const std::string& p, size_t i, std::optional<Time> end,
                   std::set<std::string>& names) {
  Fields f = fields(e, p,
                    {"name", "agents", "start", "end", "login_spread", "logout_spread",
                     "login_delay", "unregister_delay", "phone_at_end", "ready", "breaks"},
                    "a map such as {name: early, agents: A001..A200, start: \"08:00:00\", end: "
                    "\"16:00:00\"}");
  if (!f.ok) return true;
  const size_t before = reported;
  std::string name;
  if (const Field* x = f.get("name")) {
    if (auto s = this->name(x->v, sub(p, "name"), "the shift's name")) {
      name = *s;
      if (!names.insert(name).second) {
        error(x->v, sub(p, "name"), "a shift named " + quote(name) + " is defined already");
      }
    }
  } else if (f.missing("name")) {
    error(e, p, "missing name (the shift's name, e.g. early)");
  }
  std::optional<Time> start, stop;
  const Field* fs = f.get("start");
  const Field* fe = f.get("end");
  if (fs) start = time_value(fs->v, sub(p, "start"), false);
  if (fe) stop = time_value(fe->v, sub(p, "end"), false);
  if (!fs && f.missing("start")) error(e, p, "missing start (when the shift starts)");
  if (!fe && f.missing("end")) error(e, p, "missing end (when the shift ends)");
  if (start && stop && *stop <= *start) {
    error(fe->v, sub(p, "end"),
          "the shift ends at " + secs(*stop) + ", not after its start " + secs(*start));
    return true;
  }
  auto delay = [&](const char* key, Time dflt) -> std::optional<Time> {
    const Field* x = f.get(key);
    return x ? time_value(x->v, sub(p, key), false) : std::optional<Time>(dflt);
  };
  const auto login_delay = delay("login_delay", seconds(20));
  const auto unregister_delay = delay("unregister_delay", seconds(5));
  bool ready = true;
  if (const Field* x = f.get("ready")) {
    if (auto b = boolean(x->v, sub(p, "ready"))) ready = *b;
  }
  model::ActionKind phone_end = model::ActionKind::phone_unregister;
  if (const Field* x = f.get("phone_at_end")) {
    auto s = this->name(x->v, sub(p, "phone_at_end"), "unregister or off");
    if (s && *s == "off") {
      phone_end = model::ActionKind::phone_off;
    } else if (s && *s != "unregister") {
      error(x->v, sub(p, "phone_at_end"), "expected unregister or off, got " + quote(*s));
    }
  }
  const Field* fa = f.get("agents");
  const std::vector<int> agents_sel = shift_agents(f, e, p, i);
  if (reported != before || !start || !stop || !login_delay || !unregister_delay ||
      agents_sel.empty()) {
    return true;
  }

  // Spreads of the logins and of the logouts (the logout's defaults to the login's).
  std::vector<int> in_order = agents_sel, out_order = agents_sel;
  std::vector<Time> in_off, out_off;
  const Field* ls = f.get("login_spread");
  const Field* os = f.get("logout_spread");
  if (!spread_of(ls, nullptr, p, in_order, in_off, "shift-spread", i * kShiftKeys) ||
      !spread_of(os ? os : ls, nullptr, p, out_order, out_off, "shift-spread",
                 i * kShiftKeys + 1)) {
    return true;
  }
  if (in_off.empty()) in_off.assign(in_order.size(), Time::zero());
  if (out_off.empty()) out_off.assign(out_order.size(), Time::zero());
  if (*start + in_off.back() + *login_delay >= *stop) {
    error(fe->v, sub(p, "end"),
          "the shift's last login would be at " + secs(*start + in_off.back() + *login_delay) +
              ", not before its end " + secs(*stop));
    return true;
  }
  if (end && *stop + out_off.back() + *unregister_delay > *end) {
    error(fe->v, sub(p, "end"),
          "the shift's last action would be at " +
              secs(*stop + out_off.back() + *unregister_delay) + ", after the end of the run (" +
              secs(*end) + ")");
    return true;
  }
  std::vector<model::Action> acts;
  auto act = [&](model::ActionKind k, int agent, Time at) {
    model::Action a;
    a.kind = k;
    a.agent = agent;
    a.at = at;
    a.ready = ready;
    acts.push_back(a);
  };
  // Agent k's start (or end): WWE for a pstn agent, else the phone and the agent request
  // (`second` of them `gap` after the first).
  using K = model::ActionKind;
  auto edge = [&](const std::vector<int>& order, const std::vector<Time>& off, Time base, K wwe,
                  K first, K second, Time gap) {
    for (size_t k = 0; k < order.size(); ++k) {
      const int a = order[k];
      const Time t = base + off[k];
      if (sc.cluster.agents[size_t(a)].kind == model::DnKind::pstn) {
        act(wwe, a, t);
      } else {
        act(first, a, t);
        act(second, a, t + gap);
      }
    }
  };
  edge(in_order, in_off, *start, K::wwe_login, K::phone_on, K::agent_login, *login_delay);
  shift_breaks(f.get("breaks"), p, i * kShiftKeys + 2, agents_sel, *start, *stop, acts);
  edge(out_order, out_off, *stop, K::wwe_logout, K::agent_logout, phone_end, *unregister_delay);
  if (reported != before) return true;
  if (sc.timeline.size() + acts.size() > kMaxActions) {
    error(e, p,
          "too many actions after expanding shifts (the limit is " + std::to_string(kMaxActions) +
              ")");
    return false;
  }
  sc.expansions.push_back(Expansion{p + " (" + name + ")", e.Mark().line + 1, "shift",
                                    yaml_text(fa->v), agents_sel.size(), acts.size()});
  sc.timeline.insert(sc.timeline.end(), acts.begin(), acts.end());
  return true;
}

void Loader::shifts(const YAML::Node& n, const std::string& path, std::optional<Time> end) {
  if (n.IsNull()) return;
  if (!n.IsSequence()) {
    error(n, path,
          "expected a list of shifts such as [{name: early, agents: A001..A200, start: "
          "\"08:00:00\", end: \"16:00:00\"}], got " +
              describe(n));
    return;
  }
  std::set<std::string> names;
  size_t i = 0;
  for (auto it = n.begin(); it != n.end(); ++it, ++i) {
    if (!shift(*it, idx(path, i), i, end, names)) break;
  }
  std::stable_sort(sc.timeline.begin(), sc.timeline.end(),
                   [](const model::Action& x, const model::Action& y) { return x.at < y.at; });
}

}  // namespace scsim::scenario::detail
