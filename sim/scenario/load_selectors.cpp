// The scenario loader: selectors, one action for many agents, nodes or GWS nodes (issue 18 §1).
//
// Agent selectors expand at load time, in this order (documented in scenarios/README.md):
//   A1, [A1, A2], A001..A400       names and ranges in the order written (duplicates dropped);
//   {agent: ...} / {dn: ...}        the same, by agent name or by DN (dn: 10001..10400);
//   {group:, dc:, kind:, gws:}      every agent matching all the filters, in population order
//                                   (intersected with agent/dn when both are given);
//   fraction: 0.3 / count: 50       a sample of what the rest selects, drawn from the scenario
//                                   seed's stream "timeline-sample" keyed by the entry's index,
//                                   then kept in selector order.
// A selector that selects nothing is an error that names it.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "core/random.hpp"
#include "scenario/loader_impl.hpp"

namespace scsim::scenario::detail {

std::optional<Range> parse_range(const std::string& s, std::string& why) {
  size_t dots = s.find("..");
  if (dots == std::string::npos) return std::nullopt;
  std::string a = s.substr(0, dots), b = s.substr(dots + 2);
  auto split = [](const std::string& x, std::string& prefix, std::string& digits) {
    size_t k = x.size();
    while (k > 0 && std::isdigit(static_cast<unsigned char>(x[k - 1])))
      --k;
    prefix = x.substr(0, k);
    digits = x.substr(k);
  };
  std::string pa, da, pb, db;
  split(a, pa, da);
  split(b, pb, db);
  if (da.empty() || db.empty() || (pb != pa && !pb.empty())) {
    why = "expected a range such as A001..A400 or 10001..10400 (same prefix, numbers at the end)";
    return Range{};
  }
  Range r;
  r.prefix = pa;
  r.width = da.size();
  auto ra = std::from_chars(da.data(), da.data() + da.size(), r.lo);
  auto rb = std::from_chars(db.data(), db.data() + db.size(), r.hi);
  if (ra.ec != std::errc() || rb.ec != std::errc() || r.hi < r.lo || r.hi - r.lo >= kMaxActions) {
    why = "the range's end must be a number not below its start, at most " +
          std::to_string(kMaxActions) + " apart";
    return Range{};
  }
  return r;
}

std::string range_name(const Range& r, uint64_t v) {
  std::string d = std::to_string(v);
  if (d.size() < r.width) d.insert(0, r.width - d.size(), '0');
  return r.prefix + d;
}

// Names (or DNs) and ranges, in the order written; each must exist.
std::vector<int> Loader::named_agents(const YAML::Node& n, const std::string& path, bool by_dn) {
  std::vector<int> out;
  const std::vector<std::string>& table = by_dn ? dns : agents.names;
  Names names{by_dn ? "DN" : "agent", by_dn ? "DNs" : "agents", {}};
  auto find = [&](const std::string& s) -> int {
    if (!by_dn) return agents.find(s);
    if (dn_index.empty()) {
      for (size_t i = 0; i < dns.size(); ++i)
        dn_index.emplace(dns[i], static_cast<int>(i));
    }
    auto it = dn_index.find(s);
    return it == dn_index.end() ? -1 : it->second;
  };
  auto unknown = [&](const YAML::Node& at, const std::string& p, const std::string& s) {
    if (!agents.reliable) return;
    if (names.names.empty()) names.names = table;
    error(at, p, names.unknown(s));
  };
  for (auto& [s, node] :
       name_list(n, path, by_dn ? "a DN or a range" : "an agent name or a range")) {
    std::string why;
    auto r = parse_range(s, why);
    if (!r) {
      int i = find(s);
      if (i >= 0) {
        out.push_back(i);
      } else {
        unknown(node, path, s);
      }
      continue;
    }
    if (!why.empty()) {
      error(node, path, why + ", got " + quote(s));
      continue;
    }
    for (uint64_t v = r->lo; v <= r->hi; ++v) {
      std::string name = range_name(*r, v);
      int i = find(name);
      if (i < 0) {
        if (agents.reliable) {
          error(node, path,
                "range " + quote(s) + " names " + quote(name) + ", which is not " +
                    (by_dn ? "a DN of the population" : "an agent of the population"));
        }
        break;
      }
      out.push_back(i);
    }
  }
  return out;
}

std::vector<int> Loader::agent_selector(const YAML::Node& v, const std::string& path,
                                        const Fields* f, size_t entry) {
  const size_t before = reported;
  std::vector<int> out;
  if (!f) {
    out = named_agents(v, path, false);
  } else {
    const Field* a = f->get("agent");
    const Field* d = f->get("dn");
    if (a && d) {
      error(d->k, sub(path, "dn"), "give either agent or dn, not both");
      return {};
    }
    bool named = a || d;
    if (a) out = named_agents(a->v, sub(path, "agent"), false);
    if (d) out = named_agents(d->v, sub(path, "dn"), true);
    // Filters.
    int dc = -1, gw = -1, kind = -1;
    std::string group;
    bool filtered = false;
    if (const Field* x = f->get("dc")) {
      filtered = true;
      dc = lookup(x->v, sub(path, "dc"), dcs);
    }
    if (const Field* x = f->get("gws")) {
      filtered = true;
      gw = lookup(x->v, sub(path, "gws"), gws);
    }
    if (const Field* x = f->get("kind")) {
      filtered = true;
      if (auto s = name(x->v, sub(path, "kind"), "sip or pstn")) {
        if (*s == "sip" || *s == "pstn") {
          kind = *s == "sip" ? 0 : 1;
        } else {
          error(x->v, sub(path, "kind"), "expected sip or pstn, got " + quote(*s));
        }
      }
    }
    if (const Field* x = f->get("group")) {
      filtered = true;
      if (auto s = name(x->v, sub(path, "group"), "a group name")) {
        std::set<std::string> all;
        for (const auto& ag : sc.cluster.agents)
          all.insert(ag.groups.begin(), ag.groups.end());
        if (all.count(*s)) {
          group = *s;
        } else if (agents.reliable) {
          Names gn{"group", "groups", {all.begin(), all.end()}};
          error(x->v, sub(path, "group"), gn.unknown(*s));
        }
      }
    }
    if (!named && !filtered) {
      error(v, path,
            "expected a selector: agent, dn, group, dc, kind or gws (e.g. {dc: DC1, group: "
            "sales})");
      return {};
    }
    if (filtered) {
      auto keep = [&](int i) {
        const auto& ag = sc.cluster.agents[static_cast<size_t>(i)];
        if (dc >= 0 && ag.dc != dc) return false;
        if (gw >= 0 && ag.gws != gw) return false;
        if (kind >= 0 && int(ag.kind == model::DnKind::pstn) != kind) return false;
        if (!group.empty() &&
            std::find(ag.groups.begin(), ag.groups.end(), group) == ag.groups.end()) {
          return false;
        }
        return true;
      };
      if (named) {
        out.erase(std::remove_if(out.begin(), out.end(), [&](int i) { return !keep(i); }),
                  out.end());
      } else {
        for (size_t i = 0; i < sc.cluster.agents.size(); ++i) {
          if (keep(static_cast<int>(i))) out.push_back(static_cast<int>(i));
        }
      }
    }
    // Samples.
    if (!sample(*f, path, out, "timeline-sample", entry, reported == before)) return {};
  }
  // Duplicates dropped, first place kept.
  std::vector<int> uniq;
  std::vector<bool> seen(sc.cluster.agents.size(), false);
  for (int i : out) {
    if (!seen[static_cast<size_t>(i)]) {
      seen[static_cast<size_t>(i)] = true;
      uniq.push_back(i);
    }
  }
  return uniq;
}

// fraction: 0.3 / count: 50: a sample of `out`, drawn with a partial Fisher-Yates from the seed's
// stream `stream` keyed by `key`, then kept in selector order.
bool Loader::sample(const Fields& f, const std::string& path, std::vector<int>& out,
                    const char* stream, uint64_t key, bool report_count) {
  const Field* fr = f.get("fraction");
  const Field* ct = f.get("count");
  if (fr && ct) {
    error(ct->k, sub(path, "count"), "give either fraction or count, not both");
    return false;
  }
  std::optional<uint64_t> want;
  if (fr) {
    auto s = scalar(fr->v, sub(path, "fraction"), "a fraction between 0 and 1");
    char* end = nullptr;
    double x = s ? std::strtod(s->c_str(), &end) : -1;
    if (!s || end != s->c_str() + s->size() || !(x > 0 && x <= 1)) {
      if (s) error(fr->v, sub(path, "fraction"), "expected a fraction in (0, 1], got " + quote(*s));
      return false;
    }
    want = static_cast<uint64_t>(std::llround(x * double(out.size())));
  }
  if (ct) {
    want = whole(ct->v, sub(path, "count"), 1, kMaxActions);
    if (!want) return false;
    if (*want > out.size() && report_count) {
      error(ct->v, sub(path, "count"),
            "count " + std::to_string(*want) + " is more than the " + std::to_string(out.size()) +
                " agents selected");
      return false;
    }
  }
  if (want && *want < out.size()) {
    // Partial Fisher-Yates on positions, then kept in selector order.
    Rng rng(sc.seed, stream, key);
    std::vector<size_t> pos(out.size());
    for (size_t i = 0; i < pos.size(); ++i)
      pos[i] = i;
    for (size_t i = 0; i < *want; ++i)
      std::swap(pos[i], pos[i + rng.below(pos.size() - i)]);
    pos.resize(*want);
    std::sort(pos.begin(), pos.end());
    std::vector<int> picked;
    for (size_t p : pos)
      picked.push_back(out[p]);
    out = std::move(picked);
  }
  return true;
}

// N1, [N1, N3], DC1 (its nodes), all; in node order.
std::vector<int> Loader::node_selector(const YAML::Node& n, const std::string& path) {
  if (n.IsScalar() && n.Scalar() == "all") {
    std::vector<int> out(sc.cluster.nodes.size());
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = static_cast<int>(i);
    return out;
  }
  return node_set(n, path);
}

// G1, [G1, G2], all; in GWS order.
std::vector<int> Loader::gws_selector(const YAML::Node& n, const std::string& path) {
  std::vector<int> out;
  if (n.IsScalar() && n.Scalar() == "all") {
    for (size_t i = 0; i < sc.cluster.gws.size(); ++i)
      out.push_back(static_cast<int>(i));
    return out;
  }
  for (auto& [s, node] : name_list(n, path, "a GWS node name")) {
    int g = gws.find(s);
    if (g >= 0) {
      out.push_back(g);
    } else if (gws.reliable) {
      error(node, path, gws.unknown(s));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace scsim::scenario::detail
