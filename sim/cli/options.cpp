#include "cli/options.hpp"

namespace po = boost::program_options;

namespace scsim::cli {

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
