// The scenario loader: the `timeline` (actions of vocabulary.hpp, repeats).
#include "scenario/loader_impl.hpp"

#include <algorithm>
#include <set>

namespace scsim::scenario::detail {

// The agent named by `agent:` (or `dn:`) in f, or by the scalar n.
int Loader::agent_ref(const YAML::Node& n, const Fields* f, const std::string& path) {
  if (!f) return lookup(n, path, agents);
  const Field* a = f->get("agent");
  const Field* d = f->get("dn");
  if (a && d) {
    error(d->k, sub(path, "dn"), "give either agent or dn, not both");
    return -1;
  }
  if (a) return lookup(a->v, sub(path, "agent"), agents);
  if (d) {
    auto s = name(d->v, sub(path, "dn"), "a DN");
    if (!s) return -1;
    for (size_t i = 0; i < dns.size(); ++i) {
      if (dns[i] == *s) return static_cast<int>(i);
    }
    if (agents.reliable) {
      Names dn_names{"DN", "DNs", dns};
      error(d->v, sub(path, "dn"), dn_names.unknown(*s));
    }
    return -1;
  }
  error(n, path, "expected agent: <name> (or dn: <number>)");
  return -1;
}

// Nodes named directly or through their DC ("DC1" = every node of DC1).
std::vector<int> Loader::node_set(const YAML::Node& n, const std::string& path) {
  std::vector<int> out;
  for (auto& [s, node] : name_list(n, path, "a node or DC name")) {
    int k = nodes.find(s);
    int d = dcs.find(s);
    if (k >= 0) {
      out.push_back(k);
    } else if (d >= 0) {
      for (size_t i = 0; i < sc.cluster.nodes.size(); ++i) {
        if (sc.cluster.nodes[i].dc == d) out.push_back(static_cast<int>(i));
      }
    } else if (nodes.reliable && dcs.reliable) {
      error(node, path,
            "unknown node or DC " + quote(s) + " (nodes are " + join(nodes.names) + "; DCs are " +
                join(dcs.names) + ")");
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Parses the value of one action key into `a`. Returns false on error.
bool Loader::action_value(const ActionWord& k, const YAML::Node& v, const std::string& path,
                          model::Action& a) {
  size_t before = reported;
  auto map_or_scalar = [&](std::vector<std::string> allowed, const char* expected) {
    std::optional<Fields> f;
    if (!v.IsScalar()) {
      f = fields(v, path, allowed, expected);
      if (!f->ok) return std::optional<Fields>();
    }
    return f;
  };
  switch (k.form) {
    case Form::agent: {
      auto f = map_or_scalar({"agent", "dn"}, "an agent name or {agent: A1}");
      if (!v.IsScalar() && !f) return false;
      a.agent = agent_ref(v, f ? &*f : nullptr, path);
      break;
    }
    case Form::agent_ready: {
      auto f = map_or_scalar({"agent", "dn", "ready"}, "an agent name or {agent: A1, ready: true}");
      if (!v.IsScalar() && !f) return false;
      a.agent = agent_ref(v, f ? &*f : nullptr, path);
      if (f) {
        if (const Field* r = f->get("ready")) {
          if (auto b = boolean(r->v, sub(path, "ready"))) a.ready = *b;
        }
      }
      break;
    }
    case Form::agent_dc: {
      Fields f = fields(v, path, {"agent", "dn", "dc"}, "a map {agent: A2, dc: DC1}");
      if (!f.ok) return false;
      a.agent = agent_ref(v, &f, path);
      if (const Field* d = f.get("dc")) {
        a.dc = lookup(d->v, sub(path, "dc"), dcs);
      } else {
        error(v, path, "missing dc (the DC the phone moves to)");
      }
      break;
    }
    case Form::agent_node_client: {
      Fields f = fields(v, path, {"agent", "dn", "node", "client"},
                        "a map {agent: A3, node: N1, client: Monitor}");
      if (!f.ok) return false;
      a.agent = agent_ref(v, &f, path);
      if (const Field* d = f.get("node")) {
        a.node = lookup(d->v, sub(path, "node"), nodes);
      } else {
        error(v, path, "missing node (where the TRegisterAddress goes)");
      }
      if (const Field* c = f.get("client")) {
        if (auto s = name(c->v, sub(path, "client"), "a client name")) a.client = *s;
      } else {
        error(v, path, "missing client (the client name, e.g. GWS or Monitor)");
      }
      break;
    }
    case Form::pairs: {
      Fields f = fields(v, path, {"between", "a", "b", "one_way"},
                        "{between: [DC1, DC2]} or {a: [N1], b: [N2], one_way: false}");
      if (!f.ok) return false;
      const Field* bt = f.get("between");
      const Field* fa = f.get("a");
      const Field* fb = f.get("b");
      if (bt && (fa || fb)) {
        error(bt->k, sub(path, "between"), "give either between or a and b, not both");
        return false;
      }
      if (bt) {
        std::string bp = sub(path, "between");
        if (!bt->v.IsSequence() || bt->v.size() != 2) {
          error(bt->v, bp,
                "expected two node or DC names, e.g. [DC1, DC2], got " + describe(bt->v));
          return false;
        }
        a.nodes_a = node_set(bt->v[0], idx(bp, 0));
        a.nodes_b = node_set(bt->v[1], idx(bp, 1));
      } else if (fa && fb) {
        a.nodes_a = node_set(fa->v, sub(path, "a"));
        a.nodes_b = node_set(fb->v, sub(path, "b"));
      } else {
        error(v, path, "expected between: [X, Y] or both a: and b:");
        return false;
      }
      if (const Field* o = f.get("one_way")) {
        if (auto b = boolean(o->v, sub(path, "one_way"))) a.one_way = *b;
      }
      if (reported == before) {
        if (a.nodes_a.empty() || a.nodes_b.empty()) {
          error(v, path, "no node pair to cut (a side names no node)");
        }
        for (int x : a.nodes_a) {
          if (std::find(a.nodes_b.begin(), a.nodes_b.end(), x) != a.nodes_b.end()) {
            error(v, path, "node " + nodes.names[x] + " is on both sides");
            break;
          }
        }
      }
      break;
    }
    case Form::crash: {
      auto f = map_or_scalar({"node", "kind"}, "a node name or {node: N1, kind: host}");
      if (!v.IsScalar() && !f) return false;
      a.crash = sc.cluster.params.crash_kind;
      if (!f) {
        a.node = lookup(v, path, nodes);
      } else {
        if (const Field* n = f->get("node")) {
          a.node = lookup(n->v, sub(path, "node"), nodes);
        } else {
          error(v, path, "missing node");
        }
        if (const Field* kd = f->get("kind")) {
          if (auto s = scalar(kd->v, sub(path, "kind"), "host or process")) {
            if (*s == "host") {
              a.crash = model::CrashKind::host;
            } else if (*s == "process") {
              a.crash = model::CrashKind::process;
            } else {
              error(kd->v, sub(path, "kind"), "expected host or process, got " + quote(*s));
            }
          }
        }
      }
      break;
    }
    case Form::node: {
      auto f = map_or_scalar({"node"}, "a node name or {node: N1}");
      if (!v.IsScalar() && !f) return false;
      if (!f) {
        a.node = lookup(v, path, nodes);
      } else if (const Field* n = f->get("node")) {
        a.node = lookup(n->v, sub(path, "node"), nodes);
      } else {
        error(v, path, "missing node");
      }
      break;
    }
    case Form::gws: {
      auto f = map_or_scalar({"gws"}, "a GWS node name or {gws: G1}");
      if (!v.IsScalar() && !f) return false;
      if (!f) {
        a.gws = lookup(v, path, gws);
      } else if (const Field* n = f->get("gws")) {
        a.gws = lookup(n->v, sub(path, "gws"), gws);
      } else {
        error(v, path, "missing gws");
      }
      break;
    }
    case Form::call: {
      // One scripted call: through a DC's SIP Proxy (R56) or straight onto a node; handle
      // time, ACW and patience given here, else drawn from the parameters.
      Fields f = fields(v, path, {"dc", "node", "group", "handle", "patience", "acw"},
                        "a map {dc: DC1, group: support} or {node: N1, group: support}");
      if (!f.ok) return false;
      const Field* d = f.get("dc");
      const Field* n = f.get("node");
      if (d && n) {
        error(n->k, sub(path, "node"), "give either dc or node, not both");
        return false;
      }
      if (d) {
        a.dc = lookup(d->v, sub(path, "dc"), dcs);
      } else if (n) {
        a.node = lookup(n->v, sub(path, "node"), nodes);
      } else {
        error(v, path, "missing dc (the DC whose proxy takes the call) or node");
      }
      std::set<std::string> groups;
      for (const auto& ag : sc.cluster.agents)
        groups.insert(ag.groups.begin(), ag.groups.end());
      for (const auto& st : sc.cluster.workload.streams)
        groups.insert(st.group);
      for (const auto& tc : sc.cluster.workload.trace)
        groups.insert(tc.group);
      if (const Field* g = f.get("group")) {
        if (auto gname = name(g->v, sub(path, "group"), "a group name")) {
          if (groups.count(*gname)) {
            a.group = *gname;
          } else if (agents.reliable) {
            Names gn{"group", "groups", {groups.begin(), groups.end()}};
            error(g->v, sub(path, "group"), gn.unknown(*gname));
          }
        }
      } else {
        error(v, path, "missing group (the call's routing group)");
      }
      if (const Field* h = f.get("handle")) a.handle = time_value(h->v, sub(path, "handle"), false);
      if (const Field* c = f.get("acw")) a.acw = time_value(c->v, sub(path, "acw"), false);
      if (const Field* pa = f.get("patience")) {
        const std::string& s = pa->v.IsScalar() ? pa->v.Scalar() : std::string();
        if (s == "infinite" || s == "never") {
          a.patience = Time::max();
        } else {
          a.patience = time_value(pa->v, sub(path, "patience"), false);
        }
      }
      break;
    }
  }
  if (reported != before) return false;
  // Kind-specific consistency.
  if (a.agent >= 0) {
    const auto& ag = sc.cluster.agents[a.agent];
    std::string kname = k.name;
    if (kname.rfind("phone_", 0) == 0 && ag.kind != model::DnKind::sip) {
      error(v, path,
            "agent " + ag.name + " is a pstn agent: it has no SIP phone (" + kname +
                " needs a sip agent)");
      return false;
    }
    if (kname.rfind("wwe_", 0) == 0 && ag.gws < 0) {
      error(v, path,
            "agent " + ag.name + " has no gws (" + kname +
                " needs the agent's WWE GWS node; set gws in the population)");
      return false;
    }
  }
  return true;
}

void Loader::timeline(const YAML::Node& n, const std::string& path, std::optional<Time> end) {
  if (n.IsNull()) return;
  if (!n.IsSequence()) {
    error(n, path,
          "expected a list of actions such as [{at: 1, phone_on: A1}], got " + describe(n));
    return;
  }
  std::vector<std::string> allowed = {"at", "every", "count", "until"};
  for (const auto& k : action_words())
    allowed.push_back(k.name);
  std::optional<Time> prev;
  size_t prev_i = 0;
  size_t i = 0;
  for (auto it = n.begin(); it != n.end(); ++it, ++i) {
    std::string p = idx(path, i);
    YAML::Node e = *it;
    Fields f = fields(e, p, allowed, "a map such as {at: 100, cut: {between: [DC1, DC2]}}");
    if (!f.ok) continue;
    std::vector<const Field*> acts;
    for (const auto& fl : f.list) {
      if (fl.key != "at" && fl.key != "every" && fl.key != "count" && fl.key != "until") {
        acts.push_back(&fl);
      }
    }
    std::optional<Time> at;
    if (const Field* a = f.get("at")) {
      at = time_value(a->v, sub(p, "at"), false);
      if (at) {
        if (prev && *at < *prev) {
          error(a->v, sub(p, "at"),
                "action at " + secs(*at) + " is out of time order: the action before it (" +
                    idx(path, prev_i) + ") is at " + secs(*prev) +
                    "; write timeline actions in time order");
        }
        if (end && *at > *end) {
          error(a->v, sub(p, "at"),
                "action at " + secs(*at) + " is after the end of the run (" + secs(*end) + ")");
        }
        prev = at;
        prev_i = i;
      }
    } else if (f.missing("at")) {
      error(e, p, "missing at (the action's time)");
    }
    if (acts.empty()) {
      if (f.rejected > 0) continue;  // the unknown key was probably meant as the action
      std::vector<std::string> names;
      for (const auto& k : action_words())
        names.push_back(k.name);
      error(e, p, "expected one action key (" + join(names) + ")");
      continue;
    }
    if (acts.size() > 1) {
      error(acts[1]->k, sub(p, acts[1]->key),
            "one action per entry; this entry already has " + acts[0]->key);
      continue;
    }
    const Field* act = acts[0];
    const ActionWord* kind = find_action_word(act->key);
    model::Action a;
    a.kind = kind->kind;
    bool ok = action_value(*kind, act->v, sub(p, act->key), a);
    // Repeats.
    const Field* ev = f.get("every");
    const Field* ct = f.get("count");
    const Field* ut = f.get("until");
    std::optional<Time> every;
    uint64_t count = 1;
    bool rep_ok = true;
    if (ev) {
      every = time_value(ev->v, sub(p, "every"), true);
      if (!every) rep_ok = false;
      if (ct && ut) {
        error(ut->k, sub(p, "until"), "give either count or until, not both");
        rep_ok = false;
      } else if (!ct && !ut) {
        error(ev->k, sub(p, "every"), "every needs count: N or until: T");
        rep_ok = false;
      }
      if (ct) {
        if (auto c = whole(ct->v, sub(p, "count"), 1, kMaxActions)) {
          count = *c;
        } else {
          rep_ok = false;
        }
      }
      if (ut) {
        auto u = time_value(ut->v, sub(p, "until"), false);
        if (!u) {
          rep_ok = false;
        } else if (at && *u < *at) {
          error(ut->v, sub(p, "until"), "until " + secs(*u) + " is before at " + secs(*at));
          rep_ok = false;
        } else if (at && every) {
          count = static_cast<uint64_t>((*u - *at).micros() / every->micros()) + 1;
        }
      }
    } else {
      for (const Field* x : {ct, ut}) {
        if (x) {
          error(x->k, sub(p, x->key), x->key + " needs every: T (the repeat interval)");
          rep_ok = false;
        }
      }
    }
    if (!ok || !rep_ok || !at) continue;
    if (sc.timeline.size() + count > kMaxActions) {
      error(ev ? ev->k : e, p,
            "too many actions after expanding repeats (the limit is " +
                std::to_string(kMaxActions) + ")");
      return;
    }
    if (every && count > 1) {
      // The last repeat's time must be representable (int64 µs) even without an end to
      // check it against (fuzzing, issue 12: every: 9000000000000, count: 3 overflowed).
      if ((Time::max() - *at).micros() / every->micros() < static_cast<int64_t>(count - 1)) {
        error(ct ? ct->v : ut->v, sub(p, ct ? "count" : "until"),
              "repeats run past the largest time scsim can represent (every " + secs(*every) +
                  " s, " + std::to_string(count) + " times from " + secs(*at) + ")");
        continue;
      }
      Time last = *at + *every * static_cast<int64_t>(count - 1);
      if (end && last > *end) {
        error(ct ? ct->v : ut->v, sub(p, ct ? "count" : "until"),
              "repeats run past the end of the run: the last one would be at " + secs(last) +
                  ", the run ends at " + secs(*end));
        continue;
      }
    }
    for (uint64_t r = 0; r < count; ++r) {
      a.at = *at + (every ? *every * static_cast<int64_t>(r) : Time::zero());
      sc.timeline.push_back(a);
    }
  }
  std::stable_sort(sc.timeline.begin(), sc.timeline.end(),
                   [](const model::Action& x, const model::Action& y) { return x.at < y.at; });
}

}  // namespace scsim::scenario::detail
