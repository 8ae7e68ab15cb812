#include "cli/options.hpp"

#include <charconv>

namespace po = boost::program_options;

namespace scsim::cli {

std::optional<uint64_t> parse_u64(const std::string& s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

po::variables_map parse_command(const std::vector<std::string>& args,
                                const po::options_description& visible,
                                const po::options_description& hidden) {
  po::options_description all;
  all.add(visible).add(hidden);
  if (!all.find_nothrow("file", false)) {
    all.add_options()("file", po::value<std::vector<std::string>>());
  }
  po::positional_options_description pos;
  pos.add("file", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  return vm;
}

}  // namespace scsim::cli
