// An all-or-nothing results directory that never touches what scsim did not write.
//
// Rules (issue 12 §1; README "Results are safe"):
//   - The target is replaced only when it does not exist or is an scsim results directory: it
//     holds the stamp file `.scsim-results` that scsim wrote there, and every other entry is one
//     the stamp lists. A user's folder, a plain file, a symbolic link, or a results directory
//     that someone added a file to is refused (ResultsRefused) and nothing is touched.
//   - One run at a time per target: an advisory lock (flock) on `<parent>/.<name>.lock` is held
//     from the constructor to the destructor; a second run into the same target is refused at
//     once, naming the pid of the run that holds it.
//   - Files are written into a partial directory unique to this process
//     (`<parent>/.<name>.partial.<pid>`); commit() stamps it and swaps it with the target in one
//     atomic rename (renameat2 RENAME_EXCHANGE), then deletes the swapped-out previous results.
//     A run killed at any point leaves either the previous results or the new ones in place,
//     whole, plus at most a hidden partial directory.
//   - Leftover partial directories of killed runs anywhere in the same parent are removed by the
//     next ResultsDir there (only when the run that made them is gone: its target is unlocked),
//     and cleaned() says what was removed.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace scsim::stats {

// A directory name from a scenario name: keeps [A-Za-z0-9._-], replaces the rest by '_'.
std::string dir_name(const std::string& name);

// The target exists and is not an scsim results directory, or another run is writing it.
// Callers report what() and exit 2 (bad input or usage).
class ResultsRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ResultsDir {
 public:
  // The stamp file's name inside a results directory.
  static constexpr const char* kStamp = ".scsim-results";

  // Checks the target, takes its lock, removes leftovers of killed runs in the parent and
  // prepares an empty partial directory (creating the parent directories). Throws
  // ResultsRefused when the target may not be replaced or is locked by another run, and
  // std::filesystem::filesystem_error when the file system fails.
  explicit ResultsDir(std::filesystem::path target);
  ~ResultsDir();
  ResultsDir(const ResultsDir&) = delete;
  ResultsDir& operator=(const ResultsDir&) = delete;

  const std::filesystem::path& target() const { return target_; }
  // Where to write the files until commit().
  const std::filesystem::path& temp() const { return temp_; }
  // Leftovers of killed runs removed by the constructor, one line each, for the user.
  const std::vector<std::string>& cleaned() const { return cleaned_; }

  // Stamps the partial directory and puts it in place of the target. Throws on failure (the
  // previous results then stay where they were).
  void commit();
  // Removes the partial directory (also done by the destructor if not committed).
  void discard();
  bool committed() const { return committed_; }

  // Empty when `target` may be written (it does not exist, or is an scsim results directory);
  // otherwise why not, as a sentence naming the target. Touches nothing.
  static std::string check_target(const std::filesystem::path& target);

  // This process's partial directory for `target`.
  static std::filesystem::path temp_path_for(const std::filesystem::path& target);

 private:
  void lock();
  void clean_leftovers();

  std::filesystem::path target_, temp_, lock_path_;
  int lock_fd_ = -1;
  std::vector<std::string> cleaned_;
  bool committed_ = false;
  bool discarded_ = false;
};

}  // namespace scsim::stats
