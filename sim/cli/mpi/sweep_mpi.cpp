// `scsim sweep --mpi`: the runs of a campaign on MPI ranks (Open MPI C API). Built only with
// SCSIM_WITH_MPI; nothing else in scsim includes mpi.h.
//
// Protocol: rank 0 is the writer and also runs campaign runs itself, on a second thread, so
// that its MPI thread answers at once. Each other rank is handed kAhead run indices at first
// (so it always has the next one), sends each result back (the encoded RunResult) without
// waiting for rank 0 to take it (MPI_Isend: a result is larger than the eager limit, so a
// blocking send would wait for rank 0's current run to end and leave the rank idle), and gets
// one more index per result until none are left; then -1 tells it to stop. Results are a pure
// function of the run, so which rank runs what does not change the database (campaign.hpp).
#include <mpi.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli/sweep.hpp"

namespace scsim::cli {
namespace {

constexpr int kTagTask = 1;
constexpr int kTagResult = 2;
// Runs handed to a rank before its first result: the one it runs and the next, so that it
// never waits for rank 0's answer.
constexpr int kAhead = 2;

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

void worker(const scenario::Campaign& c, const run::Plan& plan, const run::Store& store,
            const std::filesystem::path& scratch) {
  std::deque<long long> queue;
  std::string sending;  // the result in flight (the buffer of the pending MPI_Isend)
  MPI_Request pending = MPI_REQUEST_NULL;
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
    if (t < 0) {
      MPI_Wait(&pending, MPI_STATUS_IGNORE);
      return;
    }
    const run::PlannedRun& r = plan.runs.at(size_t(t));
    std::string bytes = run::encode_result(
        run::execute_run(c, plan, r, scratch / ("run-" + std::to_string(r.run_id)), store));
    MPI_Wait(&pending, MPI_STATUS_IGNORE);  // the previous result (taken long ago as a rule)
    sending = std::move(bytes);
    MPI_Isend(sending.data(), int(sending.size()), MPI_CHAR, 0, kTagResult, MPI_COMM_WORLD,
              &pending);
  }
}

}  // namespace

int sweep_mpi(const scenario::Campaign& c, const run::Plan& plan, const run::Store& store,
              const std::filesystem::path& scratch,
              const std::function<int(const SweepExecutor&)>& writer) {
  int provided = 0;
  MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::filesystem::path mine = scratch / ("rank-" + std::to_string(rank));
  if (rank != 0) {
    worker(c, plan, store, mine);
    MPI_Finalize();
    return 0;
  }
  std::vector<int> outstanding(size_t(size), 0);
  std::vector<char> stopped(size_t(size), 0);
  auto stop = [&](int w) {
    if (!stopped[size_t(w)]) send_task(w, -1);
    stopped[size_t(w)] = 1;
  };
  // Rank 0: this thread talks MPI (FUNNELED) and feeds the writer; one more thread runs
  // campaign runs here, taking the next index from the same counter as the other ranks, so
  // rank 0 answers a rank within a millisecond whatever run it is busy with.
  SweepExecutor exec = [&](const std::vector<size_t>& todo,
                           const std::function<void(const run::RunResult&)>& sink) {
    std::mutex mu;
    size_t next = 0, received = 0;
    std::deque<run::RunResult> local_done;
    auto take_index = [&]() -> long long {
      std::lock_guard<std::mutex> lock(mu);
      return next < todo.size() ? (long long)todo[next++] : -1;
    };
    for (int w = 1; w < size; ++w) {
      for (int k = 0; k < kAhead; ++k) {
        const long long t = take_index();
        if (t < 0) break;
        send_task(w, t);
        ++outstanding[size_t(w)];
      }
      if (outstanding[size_t(w)] == 0) stop(w);
    }
    std::thread local([&] {
      for (long long t; (t = take_index()) >= 0;) {
        const run::PlannedRun& r = plan.runs[size_t(t)];
        run::RunResult res =
            run::execute_run(c, plan, r, mine / ("run-" + std::to_string(r.run_id)), store);
        std::lock_guard<std::mutex> lock(mu);
        local_done.push_back(std::move(res));
      }
    });
    auto take_remote = [&] {
      int from = 0;
      run::RunResult res = run::decode_result(recv_result(from));
      --outstanding[size_t(from)];
      const long long t = take_index();
      if (t >= 0) {
        send_task(from, t);
        ++outstanding[size_t(from)];
      } else if (outstanding[size_t(from)] == 0) {
        stop(from);
      }
      sink(res);
      ++received;
    };
    try {
      while (received < todo.size()) {
        std::deque<run::RunResult> mine_done;
        {
          std::lock_guard<std::mutex> lock(mu);
          mine_done.swap(local_done);
        }
        for (const auto& res : mine_done) {
          sink(res);
          ++received;
        }
        int flag = 0;
        MPI_Iprobe(MPI_ANY_SOURCE, kTagResult, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (flag) {
          take_remote();
        } else if (mine_done.empty()) {
          // Idle: poll again in a millisecond (Open MPI's blocking calls would spin a core
          // that the local run needs).
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
      }
    } catch (...) {
      {
        std::lock_guard<std::mutex> lock(mu);
        next = todo.size();
      }
      local.join();
      throw;
    }
    local.join();
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
