// The scenario loader: the `timeline` (actions of vocabulary.hpp, repeats).
#include "scenario/loader_impl.hpp"

#include <algorithm>
#include <set>

#include "core/random.hpp"

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

// Nodes named directly or through their DC ("DC1" = every node of DC1); with gws_out, GWS
// nodes named go there (a cut of their connection to a node of the other side, R30).
std::vector<int> Loader::node_set(const YAML::Node& n, const std::string& path,
                                  std::vector<int>* gws_out) {
  std::vector<int> out;
  for (auto& [s, node] : name_list(n, path, "a node or DC name")) {
    int k = nodes.find(s);
    int d = dcs.find(s);
    int g = gws_out ? gws.find(s) : -1;
    if (g >= 0 && k < 0 && d < 0) {
      gws_out->push_back(g);
    } else if (k >= 0) {
      out.push_back(k);
    } else if (d >= 0) {
      for (size_t i = 0; i < sc.cluster.nodes.size(); ++i) {
        if (sc.cluster.nodes[i].dc == d) out.push_back(static_cast<int>(i));
      }
    } else if (nodes.reliable && dcs.reliable) {
      error(node, path,
            "unknown node or DC " + quote(s) + " (nodes are " + join(nodes.names) + "; DCs are " +
                join(dcs.names) +
                (gws_out && !gws.names.empty() ? "; GWS nodes are " + join(gws.names) : "") + ")");
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Parses the value of one action key into `a`. Returns false on error.
bool Loader::action_value(const ActionWord& k, const YAML::Node& v, const std::string& path,
                          model::Action& a, std::vector<int>& targets, size_t entry) {
  size_t before = reported;
  auto map_or_scalar = [&](std::vector<std::string> allowed, const char* expected) {
    std::optional<Fields> f;
    if (v.IsMap()) {
      f = fields(v, path, allowed, expected);
      if (!f->ok) return std::optional<Fields>();
    }
    return f;
  };
  switch (k.form) {
    case Form::agent:
    case Form::agent_ready: {
      // An agent selector (load_selectors.cpp), with ready for logins.
      std::vector<std::string> keys = {"agent", "dn",  "group",    "dc",
                                       "kind",  "gws", "fraction", "count"};
      if (k.form == Form::agent_ready) keys.push_back("ready");
      selector_filtered = false;
      if (v.IsMap()) {
        Fields f = fields(v, path, keys, "an agent selector such as A1, [A1, A2] or {dc: DC1}");
        if (!f.ok) return false;
        if (const Field* r = f.get("ready")) {
          if (auto b = boolean(r->v, sub(path, "ready"))) a.ready = *b;
        }
        selector_filtered = f.get("group") || f.get("dc") || f.get("kind") || f.get("gws");
        targets = agent_selector(v, path, &f, entry);
      } else {
        targets = agent_selector(v, path, nullptr, entry);
      }
      if (!targets.empty()) a.agent = targets[0];
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
        a.nodes_a = node_set(bt->v[0], idx(bp, 0), &a.gws_a);
        a.nodes_b = node_set(bt->v[1], idx(bp, 1), &a.gws_b);
      } else if (fa && fb) {
        a.nodes_a = node_set(fa->v, sub(path, "a"), &a.gws_a);
        a.nodes_b = node_set(fb->v, sub(path, "b"), &a.gws_b);
      } else {
        error(v, path, "expected between: [X, Y] or both a: and b:");
        return false;
      }
      if (const Field* o = f.get("one_way")) {
        if (auto b = boolean(o->v, sub(path, "one_way"))) a.one_way = *b;
      }
      if (reported == before) {
        for (auto* s : {&a.gws_a, &a.gws_b}) {
          std::sort(s->begin(), s->end());
          s->erase(std::unique(s->begin(), s->end()), s->end());
        }
        bool pairs = (!a.nodes_a.empty() || !a.gws_a.empty()) && !a.nodes_b.empty();
        pairs = pairs || (!a.gws_b.empty() && !a.nodes_a.empty());
        if (!pairs) {
          error(v, path,
                "no pair to cut (a side names no node; a GWS node pairs only with a node)");
        }
        for (int g : a.gws_a) {
          if (std::find(a.gws_b.begin(), a.gws_b.end(), g) != a.gws_b.end()) {
            error(v, path, "GWS node " + gws.names[g] + " is on both sides");
            break;
          }
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
      auto f =
          map_or_scalar({"node", "kind"}, "a node name, a list, all or {node: N1, kind: host}");
      if (v.IsMap() && !f) return false;
      a.crash = sc.cluster.params.crash_kind;
      if (!f) {
        targets = node_selector(v, path);
      } else {
        if (const Field* n = f->get("node")) {
          targets = node_selector(n->v, sub(path, "node"));
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
      auto f = map_or_scalar({"node"}, "a node name, a list, all or {node: N1}");
      if (v.IsMap() && !f) return false;
      if (!f) {
        targets = node_selector(v, path);
      } else if (const Field* n = f->get("node")) {
        targets = node_selector(n->v, sub(path, "node"));
      } else {
        error(v, path, "missing node");
      }
      break;
    }
    case Form::gws: {
      auto f = map_or_scalar({"gws"}, "a GWS node name, a list, all or {gws: G1}");
      if (v.IsMap() && !f) return false;
      if (!f) {
        targets = gws_selector(v, path);
      } else if (const Field* n = f->get("gws")) {
        targets = gws_selector(n->v, sub(path, "gws"));
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
  const bool agent_form = k.form == Form::agent || k.form == Form::agent_ready;
  if (agent_form) {
    // Kind-specific consistency: an agent named for an action it cannot take is an error; a
    // filter ({dc: DC1}) keeps only the agents that can take it (phones: sip agents; WWE: agents
    // with a gws).
    std::string kname = k.name;
    std::vector<int> able;
    for (int i : targets) {
      const auto& ag = sc.cluster.agents[static_cast<size_t>(i)];
      const char* why = nullptr;
      if (kname.rfind("phone_", 0) == 0 && ag.kind != model::DnKind::sip) {
        why = " is a pstn agent: it has no SIP phone (";
      } else if (kname.rfind("wwe_", 0) == 0 && ag.gws < 0) {
        why = " has no gws (";
      }
      if (!why) {
        able.push_back(i);
      } else if (!selector_filtered) {
        error(v, path,
              "agent " + ag.name + why + kname +
                  (kname.rfind("phone_", 0) == 0
                       ? " needs a sip agent)"
                       : " needs the agent's WWE GWS node; set gws in the population)"));
        return false;
      }
    }
    targets = std::move(able);
  }
  if (targets.empty() &&
      (agent_form || k.form == Form::node || k.form == Form::crash || k.form == Form::gws)) {
    std::string what = agent_form ? "agent" : k.form == Form::gws ? "GWS node" : "node";
    std::string hint;
    if (agent_form && selector_filtered) {
      std::string kname = k.name;
      if (kname.rfind("phone_", 0) == 0) hint = " that has a SIP phone";
      if (kname.rfind("wwe_", 0) == 0) hint = " that has a WWE (gws)";
    }
    error(v, path, "selector " + yaml_text(v) + " selects no " + what + hint);
    return false;
  }
  if (!targets.empty()) {
    if (agent_form) a.agent = targets[0];
    if (k.form == Form::node || k.form == Form::crash) a.node = targets[0];
    if (k.form == Form::gws) a.gws = targets[0];
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
  std::vector<std::string> allowed = {"at", "every", "count", "until", "spread", "stagger"};
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
      if (fl.key != "at" && fl.key != "every" && fl.key != "count" && fl.key != "until" &&
          fl.key != "spread" && fl.key != "stagger") {
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
    std::vector<int> targets;
    bool ok = action_value(*kind, act->v, sub(p, act->key), a, targets, i);
    std::vector<Time> offsets;
    bool spread_ok = spread(f, p, targets, offsets, i);
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
    if (!ok || !rep_ok || !spread_ok || !at) continue;
    const auto entry = static_cast<uint32_t>(sc.source.entries.size());
    sc.source.entries.push_back(file + ":" + std::to_string(e.Mark().line + 1) + ":" +
                                std::to_string(e.Mark().column + 1));
    const uint64_t per = std::max<uint64_t>(1, targets.size());
    if (count > kMaxActions / per || sc.timeline.size() + count * per > kMaxActions) {
      error(ev ? ev->k : e, p,
            "too many actions after expanding repeats and selectors (the limit is " +
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
    if (!offsets.empty() && end &&
        *at + offsets.back() + (every ? *every * static_cast<int64_t>(count - 1) : Time::zero()) >
            *end) {
      error(e, p, "the spread runs past the end of the run (" + secs(*end) + ")");
      continue;
    }
    {
      Expansion x{p, e.Mark().line + 1, kind->name, "", targets.size(), count * per};
      if (!targets.empty()) x.selector = yaml_text(act->v);
      for (const char* w : {"spread", "stagger", "every"}) {
        if (const Field* fw = f.get(w))
          x.selector += (x.selector.empty() ? "" : " ") + std::string(w) + " " + yaml_text(fw->v);
      }
      sc.expansions.push_back(std::move(x));
    }
    for (uint64_t r = 0; r < count; ++r) {
      Time base = *at + (every ? *every * static_cast<int64_t>(r) : Time::zero());
      if (targets.empty()) {
        a.at = base;
        sc.timeline.push_back(a);
        sc.source.action_entry.push_back(entry);
        continue;
      }
      for (size_t t = 0; t < targets.size(); ++t) {
        model::Action b = a;
        b.at = base + (offsets.empty() ? Time::zero() : offsets[t]);
        if (kind->form == Form::agent || kind->form == Form::agent_ready) b.agent = targets[t];
        if (kind->form == Form::node || kind->form == Form::crash) b.node = targets[t];
        if (kind->form == Form::gws) b.gws = targets[t];
        sc.timeline.push_back(std::move(b));
        sc.source.action_entry.push_back(entry);
      }
    }
  }
  // Sorted by time (stable: equal times keep their file order), each action with its entry.
  std::vector<size_t> order(sc.timeline.size());
  for (size_t k = 0; k < order.size(); ++k)
    order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t x, size_t y) { return sc.timeline[x].at < sc.timeline[y].at; });
  std::vector<model::Action> sorted;
  std::vector<uint32_t> entries;
  sorted.reserve(order.size());
  entries.reserve(order.size());
  const bool mapped = sc.source.action_entry.size() == sc.timeline.size();
  for (size_t k : order) {
    sorted.push_back(std::move(sc.timeline[k]));
    if (mapped) entries.push_back(sc.source.action_entry[k]);
  }
  sc.timeline = std::move(sorted);
  sc.source.action_entry = std::move(entries);
}

}  // namespace scsim::scenario::detail

namespace scsim::scenario::detail {

// spread: 60s | {over: 60s, order: selector|random, resolution: 1s} and stagger: 2s turn one
// selector action into one action per target over time: target k of n at at + over * k / n
// (whole microseconds, rounded down to a multiple of `resolution` when given) or at + k * step;
// `order: random` first shuffles the targets with the scenario seed's stream "timeline-spread"
// keyed by the entry's index (shifts: "shift-spread", see load_shifts.cpp). Without either,
// every target acts at `at`.
bool Loader::spread(const Fields& f, const std::string& p, std::vector<int>& targets,
                    std::vector<Time>& offsets, size_t entry) {
  return spread_of(f.get("spread"), f.get("stagger"), p, targets, offsets, "timeline-spread",
                   entry);
}

bool Loader::spread_of(const Field* sp, const Field* st, const std::string& p,
                       std::vector<int>& targets, std::vector<Time>& offsets, const char* stream,
                       uint64_t key) {
  if (!sp && !st) return true;
  if (sp && st) {
    error(st->k, sub(p, "stagger"), "give either spread or stagger, not both");
    return false;
  }
  if (targets.empty()) {
    const Field* x = sp ? sp : st;
    error(x->k, sub(p, x->key),
          x->key + " needs an action on several agents, nodes or GWS nodes (a selector)");
    return false;
  }
  const size_t n = targets.size();
  offsets.assign(n, Time::zero());
  if (st) {
    auto step = time_value(st->v, sub(p, "stagger"), true);
    if (!step) return false;
    if ((Time::max() / 2).micros() / step->micros() < static_cast<int64_t>(n)) {
      error(st->v, sub(p, "stagger"), "the stagger runs past the largest time scsim can represent");
      return false;
    }
    for (size_t k = 0; k < n; ++k)
      offsets[k] = *step * static_cast<int64_t>(k);
    return true;
  }
  std::optional<Time> over;
  std::optional<Time> resolution;
  bool random = false;
  std::string sp_path = sub(p, sp->key);
  if (sp->v.IsMap()) {
    Fields g = fields(sp->v, sp_path, {"over", "order", "resolution"},
                      "a time or {over: 60s, order: random, resolution: 1s}");
    if (!g.ok) return false;
    if (const Field* o = g.get("resolution")) {
      resolution = time_value(o->v, sub(sp_path, "resolution"), true);
      if (!resolution) return false;
    }
    if (const Field* o = g.get("over")) {
      over = time_value(o->v, sub(sp_path, "over"), true);
    } else {
      error(sp->v, sp_path, "missing over (the window the actions are spread over)");
    }
    if (const Field* o = g.get("order")) {
      auto s = name(o->v, sub(sp_path, "order"), "selector or random");
      if (s && (*s == "random" || *s == "selector")) {
        random = *s == "random";
      } else if (s) {
        error(o->v, sub(sp_path, "order"), "expected selector or random, got " + quote(*s));
        return false;
      }
    }
  } else {
    over = time_value(sp->v, sp_path, true);
  }
  if (!over) return false;
  if (random) {
    Rng rng(sc.seed, stream, key);
    for (size_t k = n; k > 1; --k)
      std::swap(targets[k - 1], targets[rng.below(k)]);
  }
  for (size_t k = 0; k < n; ++k) {
    // over * k / n without overflow: over < 2^63 us, k < n <= 10^6.
    const int64_t w = over->micros();
    offsets[k] = micros((w / int64_t(n)) * int64_t(k) + (w % int64_t(n)) * int64_t(k) / int64_t(n));
    // resolution: rounded down to a whole multiple (times as a person writes them, 08:00:01).
    if (resolution) offsets[k] = *resolution * (offsets[k].micros() / resolution->micros());
  }
  return true;
}

}  // namespace scsim::scenario::detail
