// The data of a campaign's report (`scsim report DIR` on a `scsim sweep` results directory):
// section 7 of report.hpp's page.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "report/report.hpp"

namespace scsim::report {

// {kind: campaign, meta, knobs [{name, column}], grid [{point, values, runs, ok, events}],
//  summary [{point, mode, period, kpi, mean, half, n}], paired [{point, period, kpi, a, b,
//  diff, low, high, n}]}: summary and paired hold the DC- and node-wide rows. Throws
// std::runtime_error naming DIR/campaign.sqlite when it cannot be read.
nlohmann::json build_campaign(const std::filesystem::path& dir, const Options& o);

}  // namespace scsim::report
