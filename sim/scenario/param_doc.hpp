// The documentation of the model's parameters (`scsim params`, docs/PARAMETERS.md), generated
// from model::param_table(), the table that set_param validates `parameters:` and `--set`
// against: a parameter cannot be accepted without being documented, nor documented with another
// name, unit or range than the one accepted. Values come from model::Params{} (`settings:
// defaults`) and model::reference_params() (`settings: reference`) through get_param, in the
// syntax a scenario file accepts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/params.hpp"

namespace scsim::scenario {

enum class DocFormat { text, csv, markdown };

struct ParamRow {
  const model::ParamInfo* info = nullptr;
  std::string defaults;   // value under `settings: defaults`
  std::string reference;  // value under `settings: reference`
};

// Every parameter (empty `filter`), the one named `filter`, else every parameter whose name
// contains it. None: empty, with `error` saying so (with a "did you mean").
std::vector<ParamRow> param_rows(std::string_view filter, std::string* error);

// "text" (a block per parameter), "csv" (RFC 4180, a header row) or "markdown" (a table).
std::string format_params(const std::vector<ParamRow>& rows, DocFormat f);

}  // namespace scsim::scenario
