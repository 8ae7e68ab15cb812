// The `workload:` section: Poisson arrival streams (constant rate or piecewise-constant profile)
// and call-trace replay (CSV through libfccp), into model::Workload. See workload.hpp and
// scenarios/README.md ("Workload").
//
// Robustness as in the rest of the loader: every value is checked (finite, in range, of the
// right type), every error is reported with file:line:column and key path, nothing throws out
// of parse_workload, and the trace file is size-checked before libfccp reads it.
#include "scenario/workload.hpp"

#include "scenario/yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/hash.hpp"
#include "scenario/csv_input.hpp"

namespace scsim::scenario::detail {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxTraceBytes = 256u << 20;  // 256 MiB
constexpr size_t kMaxTraceCalls = 20'000'000;
constexpr size_t kMaxProfile = 100'000;
constexpr size_t kMaxStreams = 100'000;
constexpr double kMaxRatePerS = 1e6;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A plain decimal number (no units); nullopt if not one or not finite.
std::optional<double> number_of(const std::string& s) {
  if (s.empty()) return std::nullopt;
  std::string low = lower(s);
  if (low.find("inf") != std::string::npos || low.find("nan") != std::string::npos) {
    return std::nullopt;
  }
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

bool is_never(const std::string& s) {
  std::string l = lower(s);
  return l == "none" || l == "inf" || l == "infinite" || l == "infinity" || l == "never";
}

// The share of a law's draws below `x` seconds: lognormal by its CDF, gamma (and erlang) by
// the series of the regularised lower incomplete gamma function P(shape, x / scale), and 1 when
// x is past the mode of the law, where the series would be slow (the share is then large
// anyway). Used to reject handle-time laws whose draws round to 0 µs (issue 12).
double share_below(const Distribution& d, double x) {
  using K = Distribution::Kind;
  if (d.kind == K::lognormal) {
    if (!(d.mean > 0)) return 1;
    double sigma2 = std::log1p((d.sd * d.sd) / (d.mean * d.mean));
    double mu = std::log(d.mean) - 0.5 * sigma2;
    if (!(sigma2 > 0)) return d.mean < x ? 1 : 0;
    return 0.5 * std::erfc(-(std::log(x) - mu) / std::sqrt(2.0 * sigma2));
  }
  if (d.kind == K::gamma || d.kind == K::erlang) {
    double a = d.shape;
    if (!(a > 0) || !(d.mean > 0)) return 1;
    double z = x / (d.mean / a);
    if (!(z < a + 1)) return 1;
    // P(a, z) = z^a e^-z / Gamma(a + 1) * sum_n z^n / ((a + 1) ... (a + n)).
    double term = 1, sum = 1;
    for (int n = 1; n < 1000 && term > sum * 1e-12; ++n) {
      term *= z / (a + n);
      sum += term;
    }
    return std::min(1.0, std::exp(a * std::log(z) - z - std::lgamma(a + 1)) * sum);
  }
  return 0;
}

// Reads the workload section through the shared YAML reader (yaml_reader.hpp).
struct Parser : YamlReader {
  const WorkloadContext& ctx;

  Parser(const WorkloadContext& c, const ErrorSink& s) : ctx(c) {
    file = c.file;
    sink = s;
  }

  // A non-empty scalar ("expected X, got ...").
  std::optional<std::string> text(const YAML::Node& n, const std::string& path,
                                  const char* expected) {
    if (!n.IsScalar() || n.Scalar().empty()) {
      error(n, path, std::string("expected ") + expected + ", got " + describe(n));
      return std::nullopt;
    }
    return n.Scalar();
  }

  // A duration in seconds: a number or a time (12.5, 250ms, 5min, 01:30:00).
  std::optional<double> duration_s(const YAML::Node& n, const std::string& path, bool positive) {
    auto t = time_value(n, path, positive, "duration");
    if (!t) return std::nullopt;
    return t->to_seconds();
  }

  std::optional<Time> instant(const YAML::Node& n, const std::string& path) {
    auto d = duration_s(n, path, false);
    if (!d) return std::nullopt;
    return seconds(*d);
  }

  std::optional<double> rate(const YAML::Node& n, const std::string& path, const char* unit) {
    auto s = text(n, path, "a rate (a number >= 0)");
    if (!s) return std::nullopt;
    auto d = number_of(*s);
    if (!d) {
      error(n, path,
            std::string("expected a finite number of calls ") + unit + ", got " + quote(*s));
      return std::nullopt;
    }
    if (*d < 0) {
      error(n, path, "a rate must not be negative, got " + quote(*s));
      return std::nullopt;
    }
    return d;
  }

  // A distribution of durations. `what` is "handle_time", "patience" or "acw".
  //   180 / 3min            exponential with that mean
  //   none / inf            (patience only) never abandons
  //   {law: lognormal, mean: 240, sd: 120}, {law: fixed, mean: 20}, {law: erlang, mean, k},
  //   {law: gamma, mean, shape}, {law: normal, mean, sd}, {law: uniform, min, max}
  struct Dist {
    Distribution d;
    bool never = false;
  };
  std::optional<Dist> distribution(const YAML::Node& n, const std::string& path,
                                   const std::string& what) {
    const bool patience = what == "patience";
    const bool zero_ok = what == "acw" || patience;
    Dist out;
    if (n.IsScalar()) {
      if (patience && is_never(n.Scalar())) {
        out.never = true;
        return out;
      }
      auto m = duration_s(n, path, !zero_ok);
      if (!m) return std::nullopt;
      out.d.kind = Distribution::Kind::exponential;
      out.d.mean = *m;
      return out;
    }
    std::string expected = std::string("a mean in seconds (exponential), ") +
                           (patience ? "none, " : "") +
                           "or a map such as {law: lognormal, mean: 240, sd: 120}";
    auto f = fields(n, path, {"law", "mean", "sd", "k", "shape", "min", "max"}, expected.c_str());
    if (!f.ok) return std::nullopt;
    const Field* law = f.get("law");
    if (!law) {
      error(n, path, "missing law (fixed, exponential, lognormal, normal, erlang, gamma, uniform)");
      return std::nullopt;
    }
    auto ls = text(law->v, sub(path, "law"), "a law name");
    if (!ls) return std::nullopt;
    using K = Distribution::Kind;
    struct LawInfo {
      const char* name;
      K kind;
      std::vector<std::string> needs;
    };
    static const std::vector<LawInfo> laws = {
        {"fixed", K::fixed, {"mean"}},
        {"exponential", K::exponential, {"mean"}},
        {"lognormal", K::lognormal, {"mean", "sd"}},
        {"normal", K::normal, {"mean", "sd"}},
        {"erlang", K::erlang, {"mean", "k"}},
        {"gamma", K::gamma, {"mean", "shape"}},
        {"uniform", K::uniform, {"min", "max"}},
    };
    const LawInfo* li = nullptr;
    for (const auto& l : laws) {
      if (*ls == l.name) li = &l;
    }
    if (!li) {
      std::vector<std::string> names;
      for (const auto& l : laws)
        names.push_back(l.name);
      std::string hint = model::did_you_mean(*ls, names);
      error(law->v, sub(path, "law"),
            "unknown law " + quote(*ls) +
                (hint.empty() ? " (laws are " + join(names) + ")"
                              : " (did you mean " + quote(hint) + "?)"));
      return std::nullopt;
    }
    out.d.kind = li->kind;
    bool ok = true;
    for (const auto& fl : f.list) {
      if (fl.key == "law") continue;
      if (std::find(li->needs.begin(), li->needs.end(), fl.key) == li->needs.end()) {
        error(fl.k, sub(path, fl.key),
              std::string("law ") + li->name + " takes " + join(li->needs) + ", not " + fl.key);
        ok = false;
      }
    }
    for (const auto& need : li->needs) {
      const Field* x = f.get(need);
      if (!x) {
        error(n, path, std::string("law ") + li->name + " needs " + need);
        ok = false;
        continue;
      }
      std::string p = sub(path, need);
      if (need == "k") {
        auto s = text(x->v, p, "a whole number >= 1");
        auto v = s ? number_of(*s) : std::nullopt;
        if (!v || *v < 1 || *v > 1000 || *v != std::floor(*v)) {
          if (s) error(x->v, p, "expected a whole number from 1 to 1000, got " + quote(*s));
          ok = false;
        } else {
          out.d.shape = *v;
        }
      } else if (need == "shape") {
        auto s = text(x->v, p, "a number > 0");
        auto v = s ? number_of(*s) : std::nullopt;
        if (!v || *v <= 0 || *v > 1e6) {
          if (s) error(x->v, p, "expected a number greater than 0, got " + quote(*s));
          ok = false;
        } else {
          out.d.shape = *v;
        }
      } else {
        bool pos = need == "mean" && !zero_ok && li->kind != K::normal;
        auto v = duration_s(x->v, p, pos);
        if (!v) {
          ok = false;
        } else if (need == "mean") {
          out.d.mean = *v;
        } else if (need == "sd") {
          out.d.sd = *v;
        } else if (need == "min") {
          out.d.lo = *v;
        } else {
          out.d.hi = *v;
        }
      }
    }
    if (!ok) return std::nullopt;
    if (li->kind == K::lognormal && !(out.d.mean > 0)) {
      error(n, path, "law lognormal needs mean > 0");
      return std::nullopt;
    }
    if ((li->kind == K::erlang || li->kind == K::gamma) && !(out.d.mean > 0)) {
      error(n, path, std::string("law ") + li->name + " needs mean > 0");
      return std::nullopt;
    }
    if (li->kind == K::uniform) {
      if (out.d.hi < out.d.lo) {
        error(n, path, "law uniform needs min <= max");
        return std::nullopt;
      }
      if (!zero_ok && out.d.hi <= 0) {
        error(n, path, "law uniform needs max > 0 for " + what);
        return std::nullopt;
      }
      out.d.mean = 0.5 * (out.d.lo + out.d.hi);
    }
    if (li->kind == K::normal && !zero_ok && out.d.mean <= 0) {
      error(n, path, "law normal needs mean > 0 for " + what);
      return std::nullopt;
    }
    // A handle time is at least 1 µs (a trace's handle must be > 0): a gamma, erlang or
    // lognormal law with more than 1 % of its draws below 0.5 µs, which round to 0 µs, is
    // rejected (issue 12), e.g. gamma with shape 0.01, or lognormal with sd far above the mean.
    if (what == "handle_time" &&
        (li->kind == K::lognormal || li->kind == K::gamma || li->kind == K::erlang)) {
      double share = share_below(out.d, 0.5e-6);
      if (share > 0.01) {
        char pct[32];
        std::snprintf(pct, sizeof pct, "%.3g%%", 100 * share);
        error(n, path,
              std::string("law ") + li->name + " gives handle times that round to 0 µs for " + pct +
                  " of the calls (more than 1 %); a handle time must be at least 1 µs: " +
                  (li->kind == K::lognormal ? "use a smaller sd or a larger mean"
                                            : "use a larger shape or mean"));
        return std::nullopt;
      }
    }
    return out;
  }

  // Per-stream defaults: from the section `defaults`, else DOMAIN's parameters.
  struct Defaults {
    Distribution handle, patience, acw;
    bool never = false;
    Time profile_interval = seconds(1800);
    std::string profile_unit = "per_hour";
  };

  Defaults from_params() const {
    Defaults d;
    const auto& p = ctx.params;
    d.handle.kind = p.handle_time_law == model::DurationLaw::fixed
                        ? Distribution::Kind::fixed
                        : Distribution::Kind::exponential;
    d.handle.mean = p.handle_time_mean.to_seconds();
    d.acw.kind = p.acw_time_law == model::DurationLaw::fixed ? Distribution::Kind::fixed
                                                             : Distribution::Kind::exponential;
    d.acw.mean = p.acw_time_mean.to_seconds();
    d.patience.kind = Distribution::Kind::exponential;
    d.patience.mean = p.patience_mean.to_seconds();
    d.never = p.patience_infinite;
    return d;
  }

  // Reads handle_time / patience / acw keys of a map into `d`.
  void durations(const Fields& f, const std::string& path, Defaults& d) {
    if (const Field* x = f.get("handle_time")) {
      if (auto v = distribution(x->v, sub(path, "handle_time"), "handle_time")) d.handle = v->d;
    }
    if (const Field* x = f.get("acw")) {
      if (auto v = distribution(x->v, sub(path, "acw"), "acw")) d.acw = v->d;
    }
    if (const Field* x = f.get("patience")) {
      if (auto v = distribution(x->v, sub(path, "patience"), "patience")) {
        d.never = v->never;
        if (!v->never) d.patience = v->d;
      }
    }
  }

  std::optional<std::string> unit(const YAML::Node& n, const std::string& path) {
    auto s = text(n, path, "per_hour, per_s or per_interval");
    if (!s) return std::nullopt;
    if (*s == "per_hour" || *s == "per_s" || *s == "per_interval") return s;
    error(n, path, "expected per_hour, per_s or per_interval, got " + quote(*s));
    return std::nullopt;
  }

  int group_check(const YAML::Node& n, const std::string& path, const std::string& g) {
    if (!ctx.groups_reliable) return 0;
    if (std::find(ctx.groups.begin(), ctx.groups.end(), g) != ctx.groups.end()) return 0;
    std::string m = "unknown group " + quote(g);
    if (ctx.groups.empty()) {
      m += " (no agent is in any group)";
    } else {
      std::string hint = model::did_you_mean(g, ctx.groups);
      m += " (the agents' groups are " + join(ctx.groups) + ")";
      if (!hint.empty()) m += "; did you mean " + quote(hint) + "?";
    }
    error(n, path, m);
    return -1;
  }

  int find(const std::vector<std::string>& v, const std::string& s) const {
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] == s) return static_cast<int>(i);
    }
    return -1;
  }

  void stream(const YAML::Node& n, const std::string& p, const Defaults& base,
              model::Workload& out) {
    auto f =
        fields(n, p,
               {"dc", "node", "group", "rate_per_hour", "rate_per_s", "profile", "profile_interval",
                "profile_unit", "start", "end", "handle_time", "patience", "acw"},
               "a map such as {dc: DC1, group: support, rate_per_hour: 120}");
    if (!f.ok) return;
    const size_t before = reported;
    model::ArrivalStream s;
    const Field* dc = f.get("dc");
    const Field* nd = f.get("node");
    if (dc && nd) {
      error(nd->k, sub(p, "node"), "give either dc or node, not both");
    } else if (dc) {
      if (auto name = text(dc->v, sub(p, "dc"), "a DC name")) {
        s.dc = find(ctx.dcs, *name);
        if (s.dc < 0 && ctx.names_reliable) {
          error(dc->v, sub(p, "dc"),
                "unknown DC " + quote(*name) + " (DCs are " + join(ctx.dcs) + ")");
        }
      }
    } else if (nd) {
      if (auto name = text(nd->v, sub(p, "node"), "a node name")) {
        s.node = find(ctx.nodes, *name);
        if (s.node < 0) {
          if (ctx.names_reliable) {
            error(nd->v, sub(p, "node"),
                  "unknown node " + quote(*name) + " (nodes are " + join(ctx.nodes) + ")");
          }
        } else {
          s.dc = ctx.node_dc[static_cast<size_t>(s.node)];
        }
      }
    } else {
      error(n, p, "missing dc (the DC whose SIP Proxy takes the calls) or node");
    }
    if (const Field* g = f.get("group")) {
      if (auto name = text(g->v, sub(p, "group"), "a group name")) {
        s.group = *name;
        group_check(g->v, sub(p, "group"), *name);
      }
    } else {
      error(n, p, "missing group (the routing group the calls ask for)");
    }
    const Field* rh = f.get("rate_per_hour");
    const Field* rs = f.get("rate_per_s");
    const Field* pr = f.get("profile");
    int given = (rh != nullptr) + (rs != nullptr) + (pr != nullptr);
    if (given == 0) {
      error(n, p, "missing rate_per_hour, rate_per_s or profile");
    } else if (given > 1) {
      const Field* second = pr && (rh || rs) ? pr : rs;
      error(second->k, sub(p, second->key),
            "give one of rate_per_hour, rate_per_s and profile, not several");
    } else if (rh) {
      if (auto r = rate(rh->v, sub(p, "rate_per_hour"), "per hour")) s.rate_per_s = *r / 3600.0;
    } else if (rs) {
      if (auto r = rate(rs->v, sub(p, "rate_per_s"), "per second")) s.rate_per_s = *r;
    }
    Time interval = base.profile_interval;
    std::string unit_name = base.profile_unit;
    for (const char* k : {"profile_interval", "profile_unit"}) {
      if (const Field* x = f.get(k); x && !pr) {
        error(x->k, sub(p, k), std::string(k) + " applies to a profile only (no profile given)");
      }
    }
    if (const Field* x = f.get("profile_interval")) {
      if (auto d = duration_s(x->v, sub(p, "profile_interval"), true)) interval = seconds(*d);
    }
    if (const Field* x = f.get("profile_unit")) {
      if (auto u = unit(x->v, sub(p, "profile_unit"))) unit_name = *u;
    }
    if (pr && given == 1) {
      std::string pp = sub(p, "profile");
      if (!pr->v.IsSequence() || pr->v.size() == 0) {
        error(
            pr->v, pp,
            "expected a non-empty list of rates, one per profile_interval, got " + describe(pr->v));
      } else if (pr->v.size() > kMaxProfile) {
        error(pr->v, pp,
              "profile too long: " + std::to_string(pr->v.size()) + " values (the limit is " +
                  std::to_string(kMaxProfile) + ")");
      } else {
        double per = unit_name == "per_hour" ? 1.0 / 3600.0
                     : unit_name == "per_s"  ? 1.0
                                             : 1.0 / interval.to_seconds();
        size_t i = 0;
        for (auto it = pr->v.begin(); it != pr->v.end(); ++it, ++i) {
          if (auto r = rate(*it, idx(pp, i),
                            unit_name == "per_interval" ? "per interval"
                            : unit_name == "per_s"      ? "per second"
                                                        : "per hour")) {
            s.profile_per_s.push_back(*r * per);
          }
        }
      }
    }
    s.profile_interval = interval;
    if (const Field* x = f.get("start")) {
      if (auto t = instant(x->v, sub(p, "start"))) s.start = *t;
    }
    if (const Field* x = f.get("end")) {
      if (auto t = instant(x->v, sub(p, "end"))) {
        s.end = *t;
        if (s.end <= s.start) {
          error(x->v, sub(p, "end"), "end must be after start");
        }
      }
    }
    double top = s.rate_per_s;
    for (double r : s.profile_per_s)
      top = std::max(top, r);
    if (top > kMaxRatePerS) {
      error(n, p, "rate too high: at most 1000000 calls per second");
    }
    Defaults d = base;
    durations(f, p, d);
    s.handle = d.handle;
    s.acw = d.acw;
    s.patience = d.patience;
    s.infinite_patience = d.never;
    if (reported == before) out.streams.push_back(std::move(s));
  }

  void trace(const std::string& rel, const YAML::Node& at, const std::string& path,
             const Defaults& base, model::Workload& out, uint64_t& file_hash) {
    fs::path tp = fs::path(rel).is_absolute() ? fs::path(rel) : ctx.dir / rel;
    std::string tname = tp.lexically_normal().string();
    std::string bytes;
    if (ctx.files) {
      auto it = ctx.files->find(tname);
      if (it == ctx.files->end()) {
        error(at, path,
              "cannot open trace file: no such file (" + quote(tname) +
                  ", relative to the scenario file)");
        return;
      }
      if (it->second.size() > kMaxTraceBytes) {
        error(at, path,
              "trace file is too large: " + std::to_string(it->second.size()) +
                  " bytes (the limit is " + std::to_string(kMaxTraceBytes >> 20) + " MiB)");
        return;
      }
      bytes = it->second;
    } else if (!read_trace(tp, tname, at, path, bytes)) {
      return;
    }
    parse_trace(bytes, tname, path, base, out, file_hash);
  }

  // Reads the trace file from disk into `bytes`; false (and an error) if it cannot.
  bool read_trace(const fs::path& tp, const std::string& tname, const YAML::Node& at,
                  const std::string& path, std::string& bytes) {
    std::error_code ec;
    auto st = fs::status(tp, ec);
    if (ec || !fs::exists(st)) {
      error(at, path,
            "cannot open trace file: no such file (" + quote(tname) +
                ", relative to the scenario file)");
      return false;
    }
    if (!fs::is_regular_file(st)) {
      error(at, path, "cannot open trace file: not a regular file (" + quote(tname) + ")");
      return false;
    }
    uintmax_t size = fs::file_size(tp, ec);
    if (ec || size > kMaxTraceBytes) {
      error(at, path,
            ec ? "cannot read trace file: " + ec.message()
               : "trace file is too large: " + std::to_string(size) + " bytes (the limit is " +
                     std::to_string(kMaxTraceBytes >> 20) + " MiB)");
      return false;
    }
    std::ifstream fin(tp, std::ios::binary);
    if (!fin) {
      error(at, path, "cannot open trace file: permission denied or unreadable");
      return false;
    }
    std::ostringstream ss;
    ss << fin.rdbuf();
    bytes = ss.str();
    return true;
  }

  void parse_trace(const std::string& bytes, const std::string& tname, const std::string& path,
                   const Defaults& base, model::Workload& out, uint64_t& file_hash) {
    if (auto z = bytes.find('\0'); z != std::string::npos) {
      int line = 1 + static_cast<int>(std::count(bytes.begin(), bytes.begin() + z, '\n'));
      error_at(tname, line, 0, path, "not a text file (NUL byte); expected a CSV text file");
      return;
    }
    file_hash = fnv1a(bytes, file_hash);
    auto row_error = [&](int line, const std::string& key, const std::string& msg) {
      error_at(tname, line, 0, key, msg);
    };
    std::istringstream in(bytes);
    int line = 0;
    std::vector<model::TraceCall> calls;
    try {
      io::CSVReader<6, io::trim_chars<' ', '\t'>, strict_double_quote_escape<',', '"'>,
                    io::throw_on_overflow, io::empty_line_comment>
          csv(tname, in);
      csv.read_header(io::ignore_missing_column | io::ignore_extra_column, "arrival", "dc", "group",
                      "handle", "patience", "acw");
      std::vector<std::string> missing;
      for (const char* c : {"arrival", "dc", "group", "handle", "patience"}) {
        if (!csv.has_column(c)) missing.push_back(c);
      }
      if (!missing.empty()) {
        row_error(1, path,
                  "bad header: missing column(s) " + join(missing) +
                      "; expected arrival,dc,group,handle,patience (and optionally acw)");
        return;
      }
      const bool has_acw = csv.has_column("acw");
      std::string arrival, dc, group, handle, patience, acw;
      size_t i = 0;
      while (csv.read_row(arrival, dc, group, handle, patience, acw)) {
        line = static_cast<int>(csv.get_file_line());
        std::string p = idx(path, i++);
        if (calls.size() >= kMaxTraceCalls) {
          row_error(
              line, path,
              "too many calls in the trace (the limit is " + std::to_string(kMaxTraceCalls) + ")");
          break;
        }
        const size_t before = reported;
        model::TraceCall c;
        auto when = [&](const std::string& text, const char* col,
                        bool positive) -> std::optional<Time> {
          TimeParse t = parse_time(text);
          if (!t.value) {
            row_error(line, sub(p, col), t.error);
            return std::nullopt;
          }
          if (positive && *t.value <= Time::zero()) {
            row_error(line, sub(p, col), "expected a duration greater than 0, got " + quote(text));
            return std::nullopt;
          }
          return t.value;
        };
        if (auto t = when(arrival, "arrival", false)) c.arrival = *t;
        if (dc.empty()) {
          row_error(line, sub(p, "dc"), "expected a DC (or node) name");
        } else if (int d = find(ctx.dcs, dc); d >= 0) {
          c.dc = d;
        } else if (int k = find(ctx.nodes, dc); k >= 0) {
          c.node = k;
          c.dc = ctx.node_dc[static_cast<size_t>(k)];
        } else if (ctx.names_reliable) {
          row_error(line, sub(p, "dc"),
                    "unknown DC or node " + quote(dc) + " (DCs are " + join(ctx.dcs) +
                        "; nodes are " + join(ctx.nodes) + ")");
        }
        if (group.empty()) {
          row_error(line, sub(p, "group"), "expected a group name");
        } else if (ctx.groups_reliable &&
                   std::find(ctx.groups.begin(), ctx.groups.end(), group) == ctx.groups.end()) {
          row_error(line, sub(p, "group"),
                    "unknown group " + quote(group) + " (the agents' groups are " +
                        join(ctx.groups) + ")");
        }
        c.group = group;
        if (auto t = when(handle, "handle", true)) c.handle = *t;
        if (patience.empty() || is_never(patience)) {
          c.patience = Time::max();
        } else if (auto t = when(patience, "patience", false)) {
          c.patience = *t;
        }
        if (has_acw && !acw.empty()) {
          if (auto t = when(acw, "acw", false)) c.acw = *t;
        } else if (base.acw.kind == Distribution::Kind::fixed) {
          c.acw = seconds(base.acw.mean);
        }
        if (reported == before) calls.push_back(std::move(c));
        if (reported >= 100) break;
      }
    } catch (const io::error::base& e) {
      CsvProblem pr = describe_csv_error(
          e, line + 1, " (as many as in the header)",
          "empty trace; expected the header arrival,dc,group,handle,patience", "bad header: ");
      row_error(pr.line, path, pr.message);
      return;
    }
    // Replay in arrival order (equal times keep file order): call ids follow arrival order.
    std::stable_sort(
        calls.begin(), calls.end(),
        [](const model::TraceCall& a, const model::TraceCall& b) { return a.arrival < b.arrival; });
    out.trace = std::move(calls);
  }

  void run(const YAML::Node& n, const std::string& path, model::Workload& out,
           uint64_t& file_hash) {
    if (n.IsNull()) return;
    auto f = fields(n, path, {"streams", "trace", "defaults", "profile_interval", "profile_unit"},
                    "a map with streams and/or trace (and optionally defaults)");
    if (!f.ok) return;
    Defaults base = from_params();
    if (const Field* x = f.get("profile_interval")) {
      if (auto d = duration_s(x->v, sub(path, "profile_interval"), true)) {
        base.profile_interval = seconds(*d);
      }
    }
    if (const Field* x = f.get("profile_unit")) {
      if (auto u = unit(x->v, sub(path, "profile_unit"))) base.profile_unit = *u;
    }
    if (const Field* x = f.get("defaults")) {
      std::string dp = sub(path, "defaults");
      Fields df = fields(x->v, dp, {"handle_time", "patience", "acw"},
                         "a map with handle_time, patience, acw");
      if (df.ok) durations(df, dp, base);
    }
    if (const Field* x = f.get("streams")) {
      std::string sp = sub(path, "streams");
      if (!x->v.IsSequence()) {
        error(x->v, sp,
              "expected a list of streams such as [{dc: DC1, group: support, rate_per_hour: "
              "120}], got " +
                  describe(x->v));
      } else if (x->v.size() > kMaxStreams) {
        error(x->v, sp, "too many streams (the limit is " + std::to_string(kMaxStreams) + ")");
      } else {
        size_t i = 0;
        for (auto it = x->v.begin(); it != x->v.end(); ++it, ++i) {
          stream(*it, idx(sp, i), base, out);
          if (reported >= 100) return;
        }
      }
    }
    if (const Field* x = f.get("trace")) {
      if (auto s = text(x->v, sub(path, "trace"), "a CSV file path")) {
        trace(*s, x->v, sub(path, "trace"), base, out, file_hash);
      }
    }
  }
};

}  // namespace

void parse_workload(const YAML::Node& n, const std::string& path, const WorkloadContext& ctx,
                    model::Workload& out, uint64_t& file_hash, const ErrorSink& error) {
  Parser p(ctx, error);
  try {
    p.run(n, path, out, file_hash);
  } catch (const std::exception& e) {
    error(ctx.file, 0, 0, path,
          std::string("internal error while reading the workload: ") + e.what());
  }
}

}  // namespace scsim::scenario::detail
