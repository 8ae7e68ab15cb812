#include "scenario/param_doc.hpp"

namespace scsim::scenario {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s)
    out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string rules_text(const std::string& rules) {
  // Section numbers of DOMAIN §6 ("6.2") read as sections, rule numbers as they are.
  return !rules.empty() && rules[0] >= '0' && rules[0] <= '9' ? "section " + rules : rules;
}

}  // namespace

std::vector<ParamRow> param_rows(std::string_view filter, std::string* error) {
  static const model::Params defaults{};
  static const model::Params reference = model::reference_params();
  std::vector<ParamRow> rows;
  auto row = [](const model::ParamInfo& i) {
    return ParamRow{&i, model::get_param(defaults, i.name), model::get_param(reference, i.name)};
  };
  for (const auto& i : model::param_table()) {
    if (i.name == filter) return {row(i)};
  }
  std::vector<std::string> names;
  for (const auto& i : model::param_table()) {
    names.push_back(i.name);
    if (i.name.find(filter) != std::string::npos) rows.push_back(row(i));
  }
  if (rows.empty() && error) {
    *error = "no parameter named or containing \"" + std::string(filter) + "\"";
    std::string hint = model::did_you_mean(filter, names);
    if (!hint.empty()) *error += " (did you mean \"" + hint + "\"?)";
  }
  return rows;
}

std::string format_params(const std::vector<ParamRow>& rows, DocFormat f) {
  std::string out;
  switch (f) {
    case DocFormat::text:
      for (const auto& r : rows) {
        const auto& i = *r.info;
        out += i.name + (i.unit.empty() ? "" : " [" + i.unit + "]") + "\n";
        out += "    " + i.meaning + "\n";
        out += "    defaults: " + r.defaults + "   reference: " + r.reference +
               "   range: " + i.range + "   rules: " + rules_text(i.rules) + "\n";
      }
      break;
    case DocFormat::csv:
      out = "name,unit,defaults,reference,range,rules,meaning\n";
      for (const auto& r : rows) {
        const auto& i = *r.info;
        for (const std::string* s :
             {&i.name, &i.unit, &r.defaults, &r.reference, &i.range, &i.rules}) {
          out += csv_field(*s) + ",";
        }
        out += csv_field(i.meaning) + "\n";
      }
      break;
    case DocFormat::markdown:
      out =
          "| name | unit | defaults | reference | range | rules | meaning |\n"
          "|---|---|---|---|---|---|---|\n";
      for (const auto& r : rows) {
        const auto& i = *r.info;
        out += "| `" + i.name + "` | " + md_cell(i.unit) + " | " + md_cell(r.defaults) + " | " +
               md_cell(r.reference) + " | " + md_cell(i.range) + " | " +
               md_cell(rules_text(i.rules)) + " | " + md_cell(i.meaning) + " |\n";
      }
      break;
  }
  return out;
}

}  // namespace scsim::scenario
