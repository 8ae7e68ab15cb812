// An all-or-nothing results directory.
//
// Files are written into a sibling temporary directory (`<parent>/.<name>.partial`); commit()
// then moves the previous results aside (`<parent>/.<name>.old`), renames the temporary
// directory into place and deletes the old one. Renames within one directory are atomic, so:
//   - a failed or interrupted run never leaves a half-written `<name>` directory (only the
//     `.partial` one, which the next run removes);
//   - the previous results are never destroyed before the new ones are in place: if the process
//     dies between the two renames, the previous results survive as `.<name>.old` and the next
//     ResultsDir for that target moves them back before doing anything else.
// A ResultsDir that is destroyed without commit() removes its temporary directory.
#pragma once

#include <string>

#include <filesystem>

namespace scsim::stats {

// A directory name from a scenario name: keeps [A-Za-z0-9._-], replaces the rest by '_'.
std::string dir_name(const std::string& name);

class ResultsDir {
 public:
  // Prepares an empty temporary directory for `target` (creating the parent directories).
  // Throws std::filesystem::filesystem_error if that fails.
  explicit ResultsDir(std::filesystem::path target);
  ~ResultsDir();
  ResultsDir(const ResultsDir&) = delete;
  ResultsDir& operator=(const ResultsDir&) = delete;

  const std::filesystem::path& target() const { return target_; }
  // Where to write the files until commit().
  const std::filesystem::path& temp() const { return temp_; }

  // Puts the temporary directory in place of the target. Throws on failure (the previous
  // results then stay where they were, or in `.<name>.old` to be restored by the next run).
  void commit();
  // Removes the temporary directory (also done by the destructor if not committed).
  void discard();
  bool committed() const { return committed_; }

  static std::filesystem::path temp_path_for(const std::filesystem::path& target);
  static std::filesystem::path old_path_for(const std::filesystem::path& target);

 private:
  std::filesystem::path target_, temp_, old_;
  bool committed_ = false;
  bool discarded_ = false;
};

}  // namespace scsim::stats
