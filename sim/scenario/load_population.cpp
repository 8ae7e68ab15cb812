// The scenario loader: `population` (agents inline and from a roster CSV).
#include "scenario/loader_impl.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/hash.hpp"
#include "scenario/csv_input.hpp"

namespace scsim::scenario::detail {

namespace fs = std::filesystem;

void Loader::add_agent(const AgentIn& in, const std::string& where, const Report& report) {
  model::AgentSpec a;
  bool ok = true;
  if (in.name.empty()) {
    report("agent", "expected an agent name");
    ok = false;
  } else if (auto w = agent_where.find(in.name); w != agent_where.end()) {
    report("agent",
           "duplicate agent name " + quote(in.name) + " (first defined at " + w->second + ")");
    ok = false;
  }
  if (in.dn.empty()) {
    report("dn", "expected a DN");
    ok = false;
  } else if (auto w = dn_where.find(in.dn); w != dn_where.end()) {
    report("dn", "duplicate DN " + quote(in.dn) + " (first used at " + w->second +
                     "; each agent DN is configured once, DOMAIN section 2)");
    ok = false;
  }
  if (in.kind == "sip" || in.kind.empty()) {
    a.kind = model::DnKind::sip;
  } else if (in.kind == "pstn") {
    a.kind = model::DnKind::pstn;
  } else {
    report("kind", "expected sip or pstn, got " + quote(in.kind));
  }
  int dc = -1;
  if (in.dc.empty()) {
    report("dc", "expected the agent's home DC");
  } else {
    dc = dcs.find(in.dc);
    if (dc < 0 && dcs.reliable) report("dc", dcs.unknown(in.dc));
  }
  int g = -1;
  if (!in.gws.empty()) {
    g = gws.find(in.gws);
    if (g < 0 && gws.reliable) {
      report("gws", gws.unknown(in.gws));
    } else if (g >= 0 && dc >= 0 && sc.cluster.gws[g].dc != dc) {
      report("gws", "GWS node " + in.gws + " is in " + dcs.names[sc.cluster.gws[g].dc] +
                        ", not in the agent's DC " + in.dc +
                        " (a WWE uses a GWS node of its DC, R44)");
    }
  }
  std::set<std::string> gs;
  for (const auto& grp : in.groups) {
    if (!gs.insert(grp).second) report("groups", "duplicate group " + quote(grp));
  }
  a.name = in.name;
  a.dn = in.dn;
  a.dc = std::max(dc, 0);
  a.gws = g;
  a.groups = in.groups;
  if (!in.name.empty() && !agent_where.count(in.name)) agent_where[in.name] = where;
  if (!in.dn.empty() && !dn_where.count(in.dn)) dn_where[in.dn] = where;
  if (!ok) return;
  if (int(sc.cluster.agents.size()) == model::kDnsMax) {
    if (!too_many_dns) {
      report("dn",
             "too many agents: a scenario has at most " + std::to_string(model::kDnsMax) + " DNs");
    }
    too_many_dns = true;
    agents.reliable = false;
    return;
  }
  agents.names.push_back(a.name);
  dns.push_back(a.dn);
  sc.cluster.agents.push_back(std::move(a));
  sc.source.agents.push_back(where);
}

void Loader::population(const YAML::Node& n, const std::string& path) {
  if (n.IsNull()) return;
  Fields f = fields(n, path, {"agents", "roster"}, "a map with agents and/or roster");
  if (!f.ok) {
    agents.reliable = false;
    return;
  }
  if (const Field* a = f.get("agents")) inline_agents(a->v, sub(path, "agents"));
  if (const Field* r = f.get("roster")) {
    if (auto s = name(r->v, sub(path, "roster"), "a CSV file path")) {
      roster(*s, r->v, sub(path, "roster"));
    } else {
      agents.reliable = false;
    }
  }
  const int64_t cells = int64_t(sc.cluster.nodes.size()) * int64_t(sc.cluster.agents.size());
  if (cells > model::kNodeDnCellsMax) {
    error(n, path,
          std::to_string(sc.cluster.nodes.size()) + " nodes x " +
              std::to_string(sc.cluster.agents.size()) + " DNs is over the limit of " +
              std::to_string(model::kNodeDnCellsMax) +
              " (each node keeps a view and a Stat Server entry of every DN)");
    agents.reliable = false;
  }
}

void Loader::inline_agents(const YAML::Node& n, const std::string& path) {
  if (n.IsNull()) return;
  if (!n.IsSequence()) {
    error(n, path, "expected a list of agents, got " + describe(n));
    agents.reliable = false;
    return;
  }
  size_t i = 0;
  for (auto it = n.begin(); it != n.end(); ++it, ++i) {
    std::string p = idx(path, i);
    YAML::Node e = *it;
    Fields f = fields(e, p, {"name", "dn", "kind", "dc", "groups", "gws"},
                      "a map with name, dn, kind, dc, groups, gws");
    if (!f.ok) {
      agents.reliable = false;
      continue;
    }
    AgentIn in;
    bool ok = true;
    auto text = [&](const char* key, std::string& out, bool required) {
      const Field* x = f.get(key);
      if (!x) {
        if (required) {
          error(e, p, std::string("missing ") + key);
          ok = false;
        }
        return;
      }
      if (auto s = name(x->v, sub(p, key), "a value")) {
        out = *s;
      } else {
        ok = false;
      }
    };
    text("name", in.name, true);
    text("dn", in.dn, true);
    text("kind", in.kind, false);
    text("dc", in.dc, true);
    text("gws", in.gws, false);
    if (const Field* g = f.get("groups")) {
      for (auto& [s, node] : name_list(g->v, sub(p, "groups"), "a group name")) {
        in.groups.push_back(s);
      }
    }
    if (!ok) {
      agents.reliable = false;
      continue;
    }
    YAML::Mark m = e.Mark();
    std::string where =
        file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    auto report = [&](const std::string& field, const std::string& msg) {
      const Field* x = f.get(field == "agent" ? "name" : field);
      error(x ? x->v : e, sub(p, field == "agent" ? "name" : field), msg);
    };
    // A range of agents: {name: A00001..A10000, dn: 100001..110000, dc: DC1}, one agent per
    // number, the k-th name with the k-th DN.
    std::string why_n, why_d;
    auto rn = parse_range(in.name, why_n);
    auto rd = parse_range(in.dn, why_d);
    if (!rn && !rd) {
      add_agent(in, where, report);
      continue;
    }
    if (!why_n.empty() || !why_d.empty() || !rn || !rd || rn->size() != rd->size()) {
      const bool name_bad = !rn || !why_n.empty();
      std::string msg = !why_n.empty()   ? why_n + ", got " + quote(in.name)
                        : !why_d.empty() ? why_d + ", got " + quote(in.dn)
                        : !rn || !rd
                            ? "a range of agents gives both name and dn as ranges (A001..A400 "
                              "with 10001..10400)"
                            : "the name range has " + std::to_string(rn->size()) +
                                  " agents, the dn range " + std::to_string(rd->size()) +
                                  "; give ranges of the same length";
      report(name_bad ? "agent" : "dn", msg);
      agents.reliable = false;
      continue;
    }
    for (uint64_t k = 0; k < rn->size() && !too_many_dns && errors.size() < kMaxErrors; ++k) {
      AgentIn one = in;
      one.name = range_name(*rn, rn->lo + k);
      one.dn = range_name(*rd, rd->lo + k);
      add_agent(one, where, report);
    }
  }
}

void Loader::roster(const std::string& rel, const YAML::Node& at, const std::string& path) {
  fs::path rp = fs::path(rel).is_absolute() ? fs::path(rel) : dir / rel;
  std::string rname = rp.lexically_normal().string();
  FileRead fr = read_input(rp, kMaxRosterBytes, "roster file");
  if (!fr.error.empty()) {
    agents.reliable = false;
    if (fr.line > 0) {
      error_at(rname, fr.line, fr.column, path, fr.error);
    } else {
      error(at, path, fr.error + " (" + quote(rname) + ", relative to the scenario file)");
    }
    return;
  }
  sc.file_hash = fnv1a(fr.bytes, sc.file_hash);
  std::istringstream in(fr.bytes);
  int line = 0;
  try {
    io::CSVReader<6, io::trim_chars<' ', '\t'>, strict_double_quote_escape<',', '"'>,
                  io::throw_on_overflow, io::empty_line_comment>
        csv(rname, in);
    csv.read_header(io::ignore_no_column, "agent", "dn", "kind", "dc", "groups", "gws");
    AgentIn row;
    std::string groups;
    size_t i = 0;
    while (csv.read_row(row.name, row.dn, row.kind, row.dc, groups, row.gws)) {
      line = static_cast<int>(csv.get_file_line());
      row.groups.clear();
      std::stringstream gs(groups);
      std::string g;
      while (std::getline(gs, g, ';')) {
        g.erase(0, g.find_first_not_of(" \t"));
        g.erase(g.find_last_not_of(" \t") + 1);
        if (!g.empty()) row.groups.push_back(g);
      }
      std::string p = idx(path, i++);
      add_agent(row, rname + ":" + std::to_string(line),
                [&](const std::string& field, const std::string& msg) {
                  error_at(rname, line, 0, sub(p, field), msg);
                });
      if (errors.size() >= kMaxErrors) break;
    }
  } catch (const io::error::base& e) {
    agents.reliable = false;
    CsvProblem pr =
        describe_csv_error(e, line + 1, "; expected 6 (agent,dn,kind,dc,groups,gws)",
                           "empty roster; expected the header agent,dn,kind,dc,groups,gws",
                           "bad header; expected the columns agent,dn,kind,dc,groups,gws: ");
    error_at(rname, pr.line, 0, path, pr.message);
  }
}

}  // namespace scsim::scenario::detail
