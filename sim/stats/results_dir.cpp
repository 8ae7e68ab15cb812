#include "stats/results_dir.hpp"

#include <stdexcept>
#include <system_error>

namespace scsim::stats {

namespace fs = std::filesystem;

namespace {
fs::path normalized(fs::path p) {
  p = p.lexically_normal();
  if (!p.has_filename() && p.has_parent_path()) p = p.parent_path();  // "out/" -> "out"
  return p;
}
fs::path sibling(const fs::path& target, const char* suffix) {
  return target.parent_path() / ("." + target.filename().string() + suffix);
}
}  // namespace

fs::path ResultsDir::temp_path_for(const fs::path& target) {
  return sibling(normalized(target), ".partial");
}
fs::path ResultsDir::old_path_for(const fs::path& target) {
  return sibling(normalized(target), ".old");
}

ResultsDir::ResultsDir(fs::path target)
    : target_(normalized(std::move(target))),
      temp_(temp_path_for(target_)),
      old_(old_path_for(target_)) {
  auto name = target_.filename().string();
  if (name.empty() || name == "." || name == "..") {
    throw std::invalid_argument("results directory \"" + target_.string() +
                                "\" has no name (give a directory such as results/run1)");
  }
  if (target_.has_parent_path()) fs::create_directories(target_.parent_path());
  // Recover from a run that died between the two renames of commit().
  if (fs::exists(old_)) {
    if (!fs::exists(target_)) {
      fs::rename(old_, target_);
    } else {
      fs::remove_all(old_);
    }
  }
  fs::remove_all(temp_);  // leftovers of an interrupted run
  fs::create_directory(temp_);
}

ResultsDir::~ResultsDir() {
  if (!committed_ && !discarded_) {
    std::error_code ec;
    fs::remove_all(temp_, ec);  // best effort: never throw from a destructor
  }
}

void ResultsDir::commit() {
  if (committed_) return;
  bool had_previous = fs::exists(target_);
  if (had_previous) fs::rename(target_, old_);
  try {
    fs::rename(temp_, target_);
  } catch (...) {
    if (had_previous) {
      std::error_code ec;
      fs::rename(old_, target_, ec);  // put the previous results back
    }
    throw;
  }
  committed_ = true;
  if (had_previous) {
    std::error_code ec;
    fs::remove_all(old_, ec);  // a failure here is repaired by the next run
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
