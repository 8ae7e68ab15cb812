// The HTML page of scsim report: a stylesheet, the inlined Chart.js and the script that lays
// out the sections and draws the charts from the embedded JSON.
#pragma once

#include <string>

namespace scsim::report {

// `json` must already be safe inside a <script> element ("</" escaped); `chartjs` is the text
// of Chart.js (UMD build).
std::string render_page(const std::string& json, const std::string& chartjs);

}  // namespace scsim::report
