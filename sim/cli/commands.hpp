// Subcommands of `scsim` that live in their own files (main.cpp dispatches to them).
// Each takes the arguments after the command name and returns the exit code (0 ok, 1 run
// failed, 2 bad input or usage); boost::program_options errors propagate to main's handler.
#pragma once

#include <string>
#include <vector>

namespace scsim::cli {

// scsim erlang --rate L --aht S --agents C [--patience P] [--threshold T]
int cmd_erlang(const std::vector<std::string>& args);
// scsim compare FILE [--modes auto,local_node] [--replications R] [--seed N] [--out DIR]
int cmd_compare(const std::vector<std::string>& args);
// scsim swarm --seeds N [--first S] [--jobs J] [--out DIR] [--quiet]
int cmd_swarm(const std::vector<std::string>& args);
// scsim shrink FILE --until invariant|liveness|fingerprint:HEX|outcome:CALL=OUTCOME [--out F]
int cmd_shrink(const std::vector<std::string>& args);

// scsim sweep CAMPAIGN.yaml [--jobs J] [--out DIR] [--resume] [--dry-run] [--mpi]
int cmd_sweep(const std::vector<std::string>& args);

}  // namespace scsim::cli
