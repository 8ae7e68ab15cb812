#include "run/recording_of.hpp"

#include <string>

namespace scsim::run {

std::vector<scenario::LoadError> recording_of(const scenario::Scenario& sc, stats::Recording* out) {
  std::vector<scenario::LoadError> errors;
  stats::Recording r;
  if (sc.results.compress) r.compress = *sc.results.compress;
  if (sc.results.record) {
    r.tables = 0;
    for (const auto& w : *sc.results.record) {
      if (stats::parse_record_word(w.name, &r.tables)) continue;
      errors.push_back(scenario::LoadError{
          sc.file, w.line, w.column, "results.record",
          "unknown table \"" + w.name + "\"; expected " + stats::record_choices()});
    }
  }
  *out = r;
  return errors;
}

}  // namespace scsim::run
