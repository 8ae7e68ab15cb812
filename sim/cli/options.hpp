// Option parsing shared by the subcommands of `scsim`.
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace scsim::cli {

// A whole decimal number and nothing else ("12"), or nullopt ("", "-1", "1x", overflow).
std::optional<uint64_t> parse_u64(const std::string& s);

// Parses a subcommand's options; FILE arguments are positional and collected in "file" (a
// hidden option added here), `hidden` adds further options that --help does not show.
boost::program_options::variables_map parse_command(
    const std::vector<std::string>& args,
    const boost::program_options::options_description& visible,
    const boost::program_options::options_description& hidden =
        boost::program_options::options_description());

}  // namespace scsim::cli
