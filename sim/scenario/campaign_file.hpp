// A campaign file (`scsim sweep CAMPAIGN.yaml`, issue 13; format in scenarios/README.md): a
// scenario (a path, or inline), the knobs it varies and their values, zip groups, `where`
// exclusions, the routing modes to pair, replications, the campaign seed and the KPIs of the
// summary. load_campaign() returns a plain Campaign or every error found, each naming file,
// line, column and key like the scenario loader (`c.yaml:7:12: vary.addp_timeout_s.step: must
// be > 0`). It never throws.
//
// Knobs (Knob::kind):
//   param      any DOMAIN §4 parameter name: applied like `--set name=value` (validated by the
//              scenario loader, so every grid point's scenario is checked before anything runs)
//   at         `timeline.<action>[n].at`: the time of the n-th (0-based) action of that kind in
//              the scenario's timeline (after repeats are expanded), e.g. timeline.cut[0].at
//   duration   `timeline.<action>[n].duration`: moves the first matching end action after it
//              (cut -> heal of the same node sets, crash -> restart of the node, gws_fail ->
//              gws_restart, gws_cut -> gws_heal, wwe_disconnect -> wwe_reconnect) to at + value
//   rate       `workload.rate_factor`: every arrival stream's rate (and profile) x value
//   copies     `agents.copies`: K copies of the roster with their timeline actions and K times
//              the load (scenario::scale_scenario; a whole number >= 1)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "scenario/scenario.hpp"

namespace scsim::scenario {

enum class KnobKind { param, at, duration, rate, copies };

struct Knob {
  std::string name;    // as written, e.g. "addp_timeout_s", "timeline.cut[0].duration"
  std::string column;  // SQL column name: [A-Za-z0-9_] only, e.g. "timeline_cut_0_duration"
  KnobKind kind = KnobKind::param;
  std::string action;               // at / duration: the action kind's name ("cut")
  int index = 0;                    // at / duration: n
  std::vector<std::string> values;  // canonical text (numbers printed with %.10g)
  int zip = -1;                     // zip group, -1: its own dimension
  int line = 0, column_no = 0;      // where it was declared (messages)
};

// One `where:` exclusion: a grid point is left out when every condition holds.
struct Condition {
  int knob = 0;
  std::string op;  // "eq", "ne", "lt", "le", "gt", "ge"
  std::string value;
};

struct Campaign {
  std::string file;        // as given
  uint64_t file_hash = 0;  // of the campaign file's bytes (and of the scenario file's)
  std::string name;
  std::string scenario_path;  // resolved relative to the campaign file; empty when inline
  std::string scenario_text;  // the inline scenario as YAML text; empty when a path
  std::vector<Knob> knobs;
  std::vector<std::vector<Condition>> where;
  std::vector<std::string> modes;  // routing modes, the first is the reference of paired.csv
  int replications = 1;
  uint64_t seed = 1;
  std::vector<std::string> kpis;  // KPI names for summary.csv / paired.csv
  std::optional<Time> until;      // each run's end (default: the scenario's duration)
  uint64_t max_events = 0;        // per run; 0: the run facade's default
};

struct LoadError;
struct CampaignLoad {
  std::optional<Campaign> campaign;
  std::vector<LoadError> errors;
};

// `kpi_names`: the KPI names `kpis:` may list (stats::kpi_fields; the loader knows no stats).
CampaignLoad load_campaign(const std::string& path, const std::vector<std::string>& kpi_names);

// The grid: every combination of the knobs' values (cross product of the dimensions, a zip
// group being one dimension; the last dimension varies fastest), minus the `where` exclusions.
// Each point is the index of its value in every knob.
std::vector<std::vector<int>> campaign_grid(const Campaign& c);

// The scenario of one grid point (routing_mode not set: the caller pairs the modes), or the
// loader's errors (file:line:col; for a knob value the campaign's line).
LoadResult campaign_point_scenario(const Campaign& c, const std::vector<int>& point);

}  // namespace scsim::scenario
