#include "stats/recording.hpp"

namespace scsim::stats {

namespace {
constexpr const char* kNames[kTables] = {"kpis",      "calls",     "routing", "views",
                                         "staleness", "ownership", "links",   "events"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}
}  // namespace

const char* to_string(Table t) {
  auto i = static_cast<unsigned>(t);
  return i < unsigned(kTables) ? kNames[i] : "?";
}

std::string Recording::names() const {
  std::string out;
  for (int i = 0; i < kTables; ++i) {
    if (!has(static_cast<Table>(i))) continue;
    if (!out.empty()) out.push_back(',');
    out += kNames[i];
  }
  return out;
}

bool parse_record_word(std::string_view word, uint32_t* tables) {
  word = trim(word);
  if (word == "all") {
    *tables |= Recording::kAll;
    return true;
  }
  if (word == "default") {
    *tables |= Recording::kDefault;
    return true;
  }
  for (int i = 0; i < kTables; ++i) {
    if (word == kNames[i]) {
      *tables |= Recording::bit(static_cast<Table>(i));
      return true;
    }
  }
  return false;
}

std::string record_choices() {
  std::string out;
  for (const char* n : kNames) {
    out += n;
    out += ", ";
  }
  return out + "all, default";
}

std::string parse_record_list(std::string_view list, uint32_t* tables) {
  uint32_t got = 0;
  size_t i = 0;
  while (i <= list.size()) {
    size_t j = list.find(',', i);
    if (j == std::string_view::npos) j = list.size();
    std::string_view w = trim(list.substr(i, j - i));
    if (!parse_record_word(w, &got)) {
      return w.empty()
                 ? "an empty table name in \"" + std::string(list) + "\" (expected " +
                       record_choices() + ")"
                 : "unknown table \"" + std::string(w) + "\" (expected " + record_choices() + ")";
    }
    i = j + 1;
  }
  *tables = got;
  return "";
}

}  // namespace scsim::stats
