#include "stats/results_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <system_error>

namespace scsim::stats {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStampHeader = "scsim-results 1";
constexpr const char* kPartialMarker = ".scsim-partial";

fs::path normalized(fs::path p) {
  p = p.lexically_normal();
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();  // "out/" -> "out"
  return p;
}
fs::path sibling(const fs::path& target, const std::string& suffix) {
  return target.parent_path() / ("." + target.filename().string() + suffix);
}
fs::path lock_path_for(const fs::path& target) {
  return sibling(target, ".lock");
}

// Test hook: SCSIM_TEST_KILL_AT=<point> kills the process with SIGKILL at that point of the
// protocol, so tests can check what a kill -9 there leaves behind. Unset in normal use.
void kill_point(const char* point) {
  const char* at = std::getenv("SCSIM_TEST_KILL_AT");
  if (at && std::strcmp(at, point) == 0) std::raise(SIGKILL);
}

// Test hook: SCSIM_TEST_HOLD=<fifo> makes the process, once it holds the target's lock, wait
// for one line on that named pipe, so a test can start a second run while the first one holds
// the lock, without sleeping. Unset in normal use.
void hold_point() {
  const char* fifo = std::getenv("SCSIM_TEST_HOLD");
  if (!fifo || !*fifo) return;
  std::ifstream in(fifo);
  std::string line;
  std::getline(in, line);
}

// Entries under `dir`, relative, '/'-separated, directories with a trailing '/', sorted.
// Symbolic links are listed with a trailing '@' so they never match a stamp's entry.
std::vector<std::string> entries_of(const fs::path& dir) {
  std::vector<std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    std::string rel = fs::relative(it->path(), dir).generic_string();
    auto st = it->symlink_status();
    if (fs::is_symlink(st)) {
      rel += '@';
    } else if (fs::is_directory(st)) {
      rel += '/';
    }
    out.push_back(std::move(rel));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string refusal(const fs::path& target, const std::string& why) {
  return target.string() + ": exists and is not a scsim results directory (" + why +
         "); choose another or remove it";
}

// Reads the pid written into a lock file, or 0.
long pid_in(int fd) {
  char buf[32] = {};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return 0;
  return std::strtol(buf, nullptr, 10);
}

// Opens and locks `path` without blocking. Returns the fd, or -1 when another open file holds
// the lock (pid of the holder in *holder), or -2 when the file does not exist and !create.
int try_lock(const fs::path& path, bool create, long* holder) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0644);
    if (fd < 0) {
      if (errno == ENOENT && !create) return -2;
      throw fs::filesystem_error("cannot open lock file", path,
                                 std::error_code(errno, std::generic_category()));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int e = errno;
      if (holder) *holder = pid_in(fd);
      ::close(fd);
      if (e == EWOULDBLOCK) return -1;
      throw fs::filesystem_error("cannot lock", path, std::error_code(e, std::generic_category()));
    }
    // The holder before us unlinks the file while it still holds the lock; if we locked such
    // an unlinked file, the path now names another file (or none): try again.
    struct stat a {
    }, b{};
    const int sa = ::fstat(fd, &a);
    const int sb = ::stat(path.c_str(), &b);
    const int stat_errno = errno;
    if (sa == 0 && sb == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) return fd;
    ::close(fd);
    if (!create && sb != 0 && stat_errno == ENOENT) return -2;
  }
  throw fs::filesystem_error("lock file keeps changing", path,
                             std::make_error_code(std::errc::resource_unavailable_try_again));
}

void unlock(const fs::path& path, int fd) {
  if (fd < 0) return;
  ::unlink(path.c_str());  // while still holding the lock: see try_lock
  ::close(fd);
}

// A leftover partial directory: `.<name>.partial.<digits>` (or `...<digits>.prev`, the previous
// results moved aside where the file system cannot swap); returns <name> or "".
std::string partial_owner(std::string file) {
  if (file.size() > 5 && file.compare(file.size() - 5, 5, ".prev") == 0)
    file.resize(file.size() - 5);
  if (file.size() < 2 || file[0] != '.') return {};
  auto at = file.rfind(".partial.");
  if (at == std::string::npos || at < 2) return {};
  std::string digits = file.substr(at + 9);
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return {};
  }
  return file.substr(1, at - 1);
}

// True when `dir` was made by scsim: it holds the partial marker or a stamp, or is empty.
bool made_by_scsim(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return false;
  return fs::exists(dir / kPartialMarker, ec) || fs::exists(dir / ResultsDir::kStamp, ec) ||
         fs::is_empty(dir, ec);
}

}  // namespace

fs::path ResultsDir::temp_path_for(const fs::path& target) {
  return sibling(normalized(target), ".partial." + std::to_string(::getpid()));
}

std::string ResultsDir::check_target(const fs::path& raw) {
  const fs::path target = normalized(raw);
  std::error_code ec;
  auto st = fs::symlink_status(target, ec);
  if (ec || !fs::exists(st)) return {};
  if (fs::is_symlink(st)) return refusal(target, "it is a symbolic link");
  if (!fs::is_directory(st)) return refusal(target, "it is a file");
  std::ifstream in(target / kStamp);
  std::string line;
  if (!in || !std::getline(in, line) || line != kStampHeader) {
    return refusal(target, std::string("it has no ") + kStamp + " stamp");
  }
  std::set<std::string> listed;
  while (std::getline(in, line))
    listed.insert(line);
  try {
    for (const auto& e : entries_of(target)) {
      if (e == kStamp || listed.count(e)) continue;
      return refusal(target, "it holds " + e + ", which scsim did not write");
    }
  } catch (const fs::filesystem_error& e) {
    return refusal(target, std::string("cannot list it: ") + e.code().message());
  }
  return {};
}

ResultsDir::ResultsDir(fs::path target) : target_(normalized(std::move(target))) {
  auto name = target_.filename().string();
  if (name.empty() || name == "." || name == "..") {
    throw ResultsRefused("results directory \"" + target_.string() +
                         "\" has no name (give a directory such as results/run1)");
  }
  if (auto why = check_target(target_); !why.empty()) throw ResultsRefused(why);
  if (target_.has_parent_path()) fs::create_directories(target_.parent_path());
  temp_ = temp_path_for(target_);
  lock_path_ = lock_path_for(target_);
  lock();
  try {
    // Again under the lock: the check above may have raced with another run.
    if (auto why = check_target(target_); !why.empty()) throw ResultsRefused(why);
    clean_leftovers();
    fs::create_directory(temp_);
    std::ofstream(temp_ / kPartialMarker) << "scsim partial results of pid " << ::getpid() << "\n";
    kill_point("partial");
    hold_point();
  } catch (...) {
    std::error_code ec;
    fs::remove_all(temp_, ec);
    unlock(lock_path_, lock_fd_);
    throw;
  }
}

void ResultsDir::lock() {
  long holder = 0;
  lock_fd_ = try_lock(lock_path_, true, &holder);
  if (lock_fd_ < 0) {
    throw ResultsRefused(target_.string() + ": another scsim run (pid " +
                         (holder > 0 ? std::to_string(holder) : std::string("unknown")) +
                         ") is writing it; wait for it to finish or choose another directory");
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, pid.data(), pid.size(), 0) < 0) {
    // The pid is only for messages; the lock itself holds.
  }
}

void ResultsDir::clean_leftovers() {
  const fs::path parent = target_.has_parent_path() ? target_.parent_path() : fs::path(".");
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(parent)) {
    if (!partial_owner(e.path().filename().string()).empty()) found.push_back(e.path());
  }
  std::sort(found.begin(), found.end());
  for (const auto& p : found) {
    if (!made_by_scsim(p)) continue;
    const std::string owner = partial_owner(p.filename().string());
    int fd = -3;  // our own target: we hold its lock already
    const fs::path other_lock = parent / ("." + owner + ".lock");
    if (owner != target_.filename().string()) {
      fd = try_lock(other_lock, false, nullptr);
      if (fd == -1) continue;  // a live run is writing that target: its partial is in use
    }
    std::error_code ec;
    const fs::path owner_target = parent / owner;
    if (p.extension() == ".prev" && !fs::exists(fs::symlink_status(owner_target, ec)) &&
        fs::exists(p / kStamp, ec)) {
      // Killed between the two renames of the fallback commit: put the previous results back.
      fs::rename(p, owner_target, ec);
      if (fd >= 0) unlock(other_lock, fd);
      if (!ec) cleaned_.push_back("restored " + owner_target.string() + " from " + p.string());
      continue;
    }
    auto n = fs::remove_all(p, ec);
    if (fd >= 0) unlock(other_lock, fd);
    if (!ec) {
      cleaned_.push_back("removed " + p.string() + " (" + std::to_string(n) +
                         " entries left by an interrupted run)");
    }
  }
}

ResultsDir::~ResultsDir() {
  if (!committed_ && !discarded_) {
    std::error_code ec;
    fs::remove_all(temp_, ec);  // best effort: never throw from a destructor
  }
  unlock(lock_path_, lock_fd_);
}

void ResultsDir::commit() {
  if (committed_) return;
  fs::remove(temp_ / kPartialMarker);
  {
    std::ofstream stamp(temp_ / kStamp);
    stamp << kStampHeader << "\n";
    for (const auto& e : entries_of(temp_)) {
      if (e != kStamp) stamp << e << "\n";
    }
    if (!stamp.flush()) {
      throw fs::filesystem_error("cannot write the results stamp", temp_ / kStamp,
                                 std::make_error_code(std::errc::io_error));
    }
  }
  kill_point("stamped");
  std::error_code ec;
  const bool had_previous = fs::exists(fs::symlink_status(target_, ec));
  if (had_previous) {
    // The target may have changed during the run (a user's file put into it).
    if (auto why = check_target(target_); !why.empty()) throw ResultsRefused(why);
    // One atomic swap: the target holds either the previous results or the new ones, whole.
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_EXCHANGE) == 0) {
      committed_ = true;
      kill_point("exchanged");
      fs::remove_all(temp_, ec);  // the previous results; a failure is repaired by the next run
      return;
    }
    if (errno != EINVAL && errno != ENOSYS) {
      throw fs::filesystem_error("cannot put the results in place", temp_, target_,
                                 std::error_code(errno, std::generic_category()));
    }
    // A file system without RENAME_EXCHANGE: two renames. A kill between them leaves the
    // previous results in `<partial>.prev`, which the next run moves back (clean_leftovers).
    fs::path prev = temp_;
    prev += ".prev";
    fs::rename(target_, prev);
    try {
      fs::rename(temp_, target_);
    } catch (...) {
      fs::rename(prev, target_, ec);
      throw;
    }
    committed_ = true;
    fs::remove_all(prev, ec);
  } else {
    if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) != 0) {
      int e = errno;
      if (e == EEXIST || e == ENOTEMPTY) {
        throw ResultsRefused(refusal(target_, "it appeared during the run"));
      }
      throw fs::filesystem_error("cannot put the results in place", temp_, target_,
                                 std::error_code(e, std::generic_category()));
    }
    committed_ = true;
  }
}

void ResultsDir::discard() {
  if (committed_ || discarded_) return;
  discarded_ = true;
  std::error_code ec;
  fs::remove_all(temp_, ec);
}

std::string dir_name(const std::string& name) {
  std::string s;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    s.push_back(ok ? c : '_');
  }
  if (s.empty() || s == "." || s == "..") s = "scenario";
  if (s[0] == '.') s[0] = '_';  // no hidden directories
  return s;
}

}  // namespace scsim::stats
