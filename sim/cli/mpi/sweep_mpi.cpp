// `scsim sweep --mpi`: the runs of a campaign on MPI ranks (Open MPI C API). Built only with
// SCSIM_WITH_MPI; nothing else in scsim includes mpi.h.
//
// Protocol: rank 0 is the writer and also runs campaign runs itself between messages. Each
// other rank is handed two run indices at first (so it always has the next one while rank 0 is
// busy running), sends each result back (the encoded RunResult), and gets one more index per
// result until none are left; then -1 tells it to stop. Results are a pure function of the
// run, so which rank runs what does not change the database (campaign.hpp).
#include <mpi.h>

#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/sweep.hpp"

namespace scsim::cli {
namespace {

constexpr int kTagTask = 1;
constexpr int kTagResult = 2;

void send_task(int rank, long long task) {
  MPI_Send(&task, 1, MPI_LONG_LONG, rank, kTagTask, MPI_COMM_WORLD);
}

std::string recv_result(int& from) {
  MPI_Status st;
  MPI_Probe(MPI_ANY_SOURCE, kTagResult, MPI_COMM_WORLD, &st);
  int n = 0;
  MPI_Get_count(&st, MPI_CHAR, &n);
  std::string bytes(size_t(n), '\0');
  MPI_Recv(bytes.data(), n, MPI_CHAR, st.MPI_SOURCE, kTagResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  from = st.MPI_SOURCE;
  return bytes;
}

void worker(const scenario::Campaign& c, const run::Plan& plan, bool store_intervals,
            const std::filesystem::path& scratch) {
  std::deque<long long> queue;
  auto receive = [&] {
    long long t = -1;
    MPI_Recv(&t, 1, MPI_LONG_LONG, 0, kTagTask, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    queue.push_back(t);
  };
  while (true) {
    if (queue.empty()) receive();
    int more = 0;
    do {  // take what has arrived without waiting
      MPI_Iprobe(0, kTagTask, MPI_COMM_WORLD, &more, MPI_STATUS_IGNORE);
      if (more) receive();
    } while (more);
    const long long t = queue.front();
    queue.pop_front();
    if (t < 0) return;
    const run::PlannedRun& r = plan.runs.at(size_t(t));
    std::string bytes = run::encode_result(run::execute_run(
        c, plan, r, scratch / ("run-" + std::to_string(r.run_id)), store_intervals));
    MPI_Send(bytes.data(), int(bytes.size()), MPI_CHAR, 0, kTagResult, MPI_COMM_WORLD);
  }
}

}  // namespace

int sweep_mpi(const scenario::Campaign& c, const run::Plan& plan, bool store_intervals,
              const std::filesystem::path& scratch,
              const std::function<int(const SweepExecutor&)>& writer) {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::filesystem::path mine = scratch / ("rank-" + std::to_string(rank));
  if (rank != 0) {
    worker(c, plan, store_intervals, mine);
    MPI_Finalize();
    return 0;
  }
  std::vector<int> outstanding(size_t(size), 0);
  std::vector<char> stopped(size_t(size), 0);
  auto stop = [&](int w) {
    if (!stopped[size_t(w)]) send_task(w, -1);
    stopped[size_t(w)] = 1;
  };
  SweepExecutor exec = [&](const std::vector<size_t>& todo,
                           const std::function<void(const run::RunResult&)>& sink) {
    size_t next = 0, received = 0;
    for (int w = 1; w < size; ++w) {
      for (int k = 0; k < 2 && next < todo.size(); ++k, ++outstanding[size_t(w)])
        send_task(w, (long long)todo[next++]);
      if (outstanding[size_t(w)] == 0) stop(w);
    }
    auto take = [&] {
      int from = 0;
      run::RunResult res = run::decode_result(recv_result(from));
      --outstanding[size_t(from)];
      if (next < todo.size()) {
        send_task(from, (long long)todo[next++]);
        ++outstanding[size_t(from)];
      } else if (outstanding[size_t(from)] == 0) {
        stop(from);
      }
      sink(res);
      ++received;
    };
    while (received < todo.size()) {
      int flag = 0;
      MPI_Iprobe(MPI_ANY_SOURCE, kTagResult, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
      if (flag) {
        take();
      } else if (next < todo.size()) {
        const run::PlannedRun& r = plan.runs[todo[next++]];
        sink(run::execute_run(c, plan, r, mine / ("run-" + std::to_string(r.run_id)),
                              store_intervals));
        ++received;
      } else {
        take();  // waits
      }
    }
  };
  int rc = 1;
  try {
    rc = writer(exec);
  } catch (...) {
    for (int w = 1; w < size; ++w)
      stop(w);
    MPI_Abort(MPI_COMM_WORLD, 1);
    throw;
  }
  for (int w = 1; w < size; ++w)
    stop(w);
  MPI_Finalize();
  return rc;
}

}  // namespace scsim::cli
