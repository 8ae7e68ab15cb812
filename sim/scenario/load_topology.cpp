// The scenario loader: `parameters` and `topology` (DCs, nodes, GWS nodes, link delays).
#include "scenario/loader_impl.hpp"

#include <algorithm>
#include <set>

#include "model/params.hpp"

namespace scsim::scenario::detail {

// A name that must be in `table`; -1 (and an error) if not.
int Loader::lookup(const YAML::Node& n, const std::string& path, const Names& table) {
  auto s = name(n, path, (std::string("a ") + table.what_singular + " name").c_str());
  if (!s) return -1;
  int i = table.find(*s);
  if (i < 0 && table.reliable) error(n, path, table.unknown(*s));
  return i;
}

void Loader::parameters(const YAML::Node& n, const std::string& path) {
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    error(n, path, "expected a map of parameter names to values, got " + describe(n));
    return;
  }
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    YAML::Node k = it->first, v = it->second;
    if (!k.IsScalar()) {
      error(k, path, "expected a parameter name, got " + describe(k));
      continue;
    }
    std::string key = k.Scalar();
    if (!seen.insert(key).second) {
      error(k, sub(path, key), "duplicate key " + quote(key));
      continue;
    }
    std::string value;
    if (v.IsScalar()) {
      value = v.Scalar();
    } else if (v.IsSequence()) {
      std::vector<std::string> items;
      bool ok = true;
      for (auto e = v.begin(); e != v.end(); ++e) {
        if (!e->IsScalar()) {
          ok = false;
          break;
        }
        items.push_back(e->Scalar());
      }
      if (!ok) {
        error(v, sub(path, key), "expected a value or a list of plain values");
        continue;
      }
      value = "[" + join(items) + "]";
    } else {
      error(v, sub(path, key), "expected a value, got " + describe(v));
      continue;
    }
    std::string err = model::set_param(sc.cluster.params, key, value);
    if (!err.empty()) {
      bool unknown = err.rfind("unknown parameter", 0) == 0;
      error(unknown ? k : v, sub(path, key), err);
      continue;
    }
    sc.parameter_overrides.emplace_back(key, value);
  }
}

void Loader::topology(const YAML::Node& n, const std::string& path) {
  auto fail = [&] {
    dcs.reliable = false;
    nodes.reliable = false;
    gws.reliable = false;
  };
  model::Params params = sc.cluster.params;
  auto base_of = [&](const YAML::Node& b, const std::string& p) -> bool {
    auto s = scalar(b, p, "T2 or T4");
    if (!s) return false;
    if (*s == "T2" || *s == "t2") {
      sc.cluster = model::topology_t2();
    } else if (*s == "T4" || *s == "t4") {
      sc.cluster = model::topology_t4();
    } else {
      error(b, p, "unknown topology " + quote(*s) + "; expected T2 or T4 (DOMAIN section 2)");
      return false;
    }
    sc.cluster.params = params;
    return true;
  };
  auto fill_names = [&] {
    for (auto& d : sc.cluster.dcs)
      dcs.names.push_back(d.name);
    for (auto& nd : sc.cluster.nodes)
      nodes.names.push_back(nd.name);
  };
  if (n.IsScalar()) {
    if (base_of(n, path)) {
      fill_names();
    } else {
      fail();
    }
    return;
  }
  Fields f = fields(n, path, {"base", "dcs", "nodes", "gws", "link_delays"},
                    "T2, T4 or a map with dcs, nodes, gws, link_delays");
  if (!f.ok) {
    fail();
    return;
  }
  bool ok = true;
  if (const Field* b = f.get("base")) {
    if (!base_of(b->v, sub(path, "base"))) ok = false;
    for (const char* k : {"dcs", "nodes"}) {
      if (const Field* x = f.get(k)) {
        error(x->k, sub(path, k),
              std::string(k) + " cannot be combined with base (" + "base fixes the DCs and nodes)");
        ok = false;
      }
    }
    fill_names();
  } else {
    const Field* d = f.get("dcs");
    const Field* nd = f.get("nodes");
    if (!d || !nd) {
      error(n, path, "expected dcs and nodes (or base: T2 / T4)");
      fail();
      return;
    }
    std::string dp = sub(path, "dcs");
    if (!d->v.IsSequence() || d->v.size() == 0) {
      error(d->v, dp, "expected a non-empty list of DC names, got " + describe(d->v));
      ok = false;
    } else {
      size_t i = 0;
      for (auto it = d->v.begin(); it != d->v.end(); ++it, ++i) {
        auto s = name(*it, idx(dp, i), "a DC name");
        if (!s) {
          ok = false;
          continue;
        }
        if (dcs.find(*s) >= 0) {
          error(*it, idx(dp, i), "duplicate DC " + quote(*s));
          ok = false;
          continue;
        }
        dcs.names.push_back(*s);
        sc.cluster.dcs.push_back(model::DcSpec{*s});
      }
    }
    if (!ok) dcs.reliable = false;
    std::string np = sub(path, "nodes");
    if (!nd->v.IsMap()) {
      error(nd->v, np,
            "expected a map of node names to DCs, e.g. {N1: DC1, N2: DC2}, got " + describe(nd->v));
      ok = false;
    } else {
      if (nd->v.size() == 0) {
        error(nd->v, np, "expected at least one node");
        ok = false;
      }
      bool misnamed = false;  // report the first misnamed node only
      for (auto it = nd->v.begin(); it != nd->v.end(); ++it) {
        YAML::Node k = it->first, v = it->second;
        auto s = name(k, np, "a node name");
        if (!s) {
          ok = false;
          continue;
        }
        std::string p = sub(np, *s);
        std::string expect = "N" + std::to_string(sc.cluster.nodes.size() + 1);
        if (nodes.find(*s) >= 0) {
          error(k, p, "duplicate node " + quote(*s));
          ok = false;
          continue;
        }
        if (*s != expect && !misnamed) {
          misnamed = true;
          error(k, p,
                "nodes are named N1, N2, ... in number order: expected " + expect + " here, got " +
                    quote(*s));
          ok = false;
        }
        if (int(sc.cluster.nodes.size()) == model::kNodesMax) {
          error(k, p,
                "too many nodes: a cluster has at most " + std::to_string(model::kNodesMax) +
                    " nodes");
          ok = false;
          break;
        }
        int dc = lookup(v, p, dcs);
        if (dc < 0) ok = false;
        nodes.names.push_back(*s);
        sc.cluster.nodes.push_back(model::NodeSpec{*s, std::max(dc, 0)});
      }
    }
  }
  if (!ok) fail();
  if (const Field* g = f.get("gws")) gws_section(g->v, sub(path, "gws"));
  if (const Field* l = f.get("link_delays")) link_delays(l->v, sub(path, "link_delays"));
}

void Loader::gws_section(const YAML::Node& n, const std::string& path) {
  if (n.IsNull()) return;
  if (!n.IsMap()) {
    error(n, path,
          "expected a map of GWS names, e.g. {G1: {dc: DC1, node: N1}}, got " + describe(n));
    gws.reliable = false;
    return;
  }
  for (auto it = n.begin(); it != n.end(); ++it) {
    YAML::Node k = it->first, v = it->second;
    auto s = name(k, path, "a GWS node name");
    if (!s) {
      gws.reliable = false;
      continue;
    }
    std::string p = sub(path, *s);
    if (gws.find(*s) >= 0) {
      error(k, p, "duplicate GWS node " + quote(*s));
      continue;
    }
    model::GwsSpec g;
    g.name = *s;
    Fields f = fields(v, p, {"dc", "node", "client"}, "a map with dc, node, client");
    gws.names.push_back(*s);
    if (f.ok) {
      int dc = -1, node = -1;
      if (const Field* d = f.get("dc")) dc = lookup(d->v, sub(p, "dc"), dcs);
      if (const Field* nd = f.get("node")) {
        node = lookup(nd->v, sub(p, "node"), nodes);
        if (node >= 0) {
          int ndc = sc.cluster.nodes[node].dc;
          if (!f.get("dc")) {
            dc = ndc;
          } else if (dc >= 0 && ndc != dc) {
            error(nd->v, sub(p, "node"),
                  "node " + nodes.names[node] + " is in " + dcs.names[ndc] + ", not in " +
                      dcs.names[dc] + " (a GWS node connects to a node of its own DC)");
          }
        }
      }
      if (!f.get("dc") && !f.get("node")) error(v, p, "expected dc (and optionally node)");
      if (const Field* c = f.get("client")) {
        if (auto cn = name(c->v, sub(p, "client"), "a client name")) g.client_name = *cn;
      }
      g.dc = std::max(dc, 0);
      g.node = node;
    } else {
      gws.reliable = false;
    }
    sc.cluster.gws.push_back(g);
  }
}

void Loader::link_delays(const YAML::Node& n, const std::string& path) {
  if (n.IsNull()) return;
  if (!n.IsSequence()) {
    error(n, path,
          "expected a list such as [{between: [N1, N2], one_way_ms: 40}], got " + describe(n));
    return;
  }
  std::set<std::pair<int, int>> seen;
  size_t i = 0;
  for (auto it = n.begin(); it != n.end(); ++it, ++i) {
    std::string p = idx(path, i);
    Fields f =
        fields(*it, p, {"between", "one_way_ms", "one_way"}, "a map with between and one_way_ms");
    if (!f.ok) continue;
    const Field* b = f.get("between");
    const Field* ms = f.get("one_way_ms");
    const Field* t = f.get("one_way");
    if (!b) error(*it, p, "expected between: [Na, Nb]");
    if (!ms && !t) error(*it, p, "expected one_way_ms (or one_way: a time)");
    if (ms && t) error(t->k, sub(p, "one_way"), "give either one_way_ms or one_way, not both");
    Time delay = Time::zero();
    bool have_delay = false;
    if (ms) {
      if (auto d = delay_ms(ms->v, sub(p, "one_way_ms"), 500)) {
        delay = *d;
        have_delay = true;
      }
    }
    if (t && !ms) {
      if (auto d = time_value(t->v, sub(p, "one_way"), false)) {
        if (*d > millis(500)) {
          error(t->v, sub(p, "one_way"), "delay is out of range 0-500 ms");
        } else {
          delay = *d;
          have_delay = true;
        }
      }
    }
    if (!b) continue;
    std::string bp = sub(p, "between");
    if (!b->v.IsSequence() || b->v.size() != 2) {
      error(b->v, bp, "expected two node names, e.g. [N1, N2], got " + describe(b->v));
      continue;
    }
    int a = lookup(b->v[0], idx(bp, 0), nodes);
    int c = lookup(b->v[1], idx(bp, 1), nodes);
    if (a < 0 || c < 0 || !have_delay) continue;
    if (a == c) {
      error(b->v, bp, "expected two different nodes");
      continue;
    }
    if (!seen.insert({std::min(a, c), std::max(a, c)}).second) {
      error(b->v, bp, "duplicate delay for " + nodes.names[a] + "-" + nodes.names[c]);
      continue;
    }
    sc.cluster.link_delays.push_back(model::LinkDelaySpec{a, c, delay});
  }
}

}  // namespace scsim::scenario::detail
