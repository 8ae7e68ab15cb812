// `scsim sweep` internals shared by sweep_cmd.cpp and the MPI driver (mpi/sweep_mpi.cpp, built
// with SCSIM_WITH_MPI).
#pragma once

#include <filesystem>
#include <functional>
#include <vector>

#include "run/campaign.hpp"

namespace scsim::cli {

// Runs the planned runs `todo` (indices into plan.runs) and gives each result to `sink`, one
// at a time, on the calling thread or under a lock.
using SweepExecutor = std::function<void(const std::vector<size_t>& todo,
                                         const std::function<void(const run::RunResult&)>& sink)>;

// MPI: every rank calls it after loading the campaign. Rank 0 calls `writer` with an executor
// that hands runs to all ranks (itself included) one at a time as they become idle, and
// returns its exit code; the other ranks run what they are handed and return 0. `scratch`:
// this rank's directory for the runs' temporary files.
int sweep_mpi(const scenario::Campaign& c, const run::Plan& plan, const run::Store& store,
              const std::filesystem::path& scratch,
              const std::function<int(const SweepExecutor&)>& writer);

}  // namespace scsim::cli
