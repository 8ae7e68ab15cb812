// Subcommands of `scsim` that live in their own files (main.cpp dispatches to them).
// Each takes the arguments after the command name and returns the exit code (0 ok, 1 run
// failed, 2 bad input or usage); boost::program_options errors propagate to main's handler.
#pragma once

#include <string>
#include <vector>

namespace scsim::cli {

// Exit codes of every command.
inline constexpr int kOk = 0;
inline constexpr int kRunFailed = 1;  // a run failed or was stopped by a limit
inline constexpr int kBadInput = 2;   // bad input or usage; nothing written

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
// scsim params [NAME] [--format text|csv|markdown]
int cmd_params(const std::vector<std::string>& args);
// scsim report DIR [-o FILE.html] [--chartjs FILE] [--quiet]
int cmd_report(const std::vector<std::string>& args);
// Writes DIR's HTML report to `out` (scsim run --report, scsim compare --report, scsim
// report); `name` is the results' name shown in the page. Prints the file, its size and the
// time it took unless quiet. Returns false (after printing why on stderr) on failure.
bool write_html_report(const std::string& dir, const std::string& out, const std::string& name,
                       bool quiet, const std::string& chartjs = "");

}  // namespace scsim::cli
