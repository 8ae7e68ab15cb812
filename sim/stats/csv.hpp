// A tiny streaming CSV writer (RFC 4180): fields containing a comma, a double quote, CR or LF
// are quoted, with inner quotes doubled; rows end with "\n". Every scsim results file is
// written through it.
//
// A writer can carry fixed leading fields (the run's `seed` and `scenario`), prepended to the
// header and to every row, so that every file names the run it comes from. Rows are streamed
// through a buffer of about 64 KiB written to the file in one call (not one call per row):
// memory use does not grow with the number of rows. Write errors are
// reported by close() (as std::runtime_error naming the file), never silently dropped.
//
// A writer in CsvMode::gzip writes `path` + ".gz" through zlib (streaming, the same bytes once
// gunzipped); one in CsvMode::off creates no file and drops every row (a table not recorded).
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace scsim::stats {

// True if the field needs quoting (contains ',', '"', '\r' or '\n').
bool csv_needs_quotes(std::string_view field);
// Appends one field, quoted if needed (no separator).
void append_csv_field(std::string& out, std::string_view field);
// Appends format_time(t) ("123.456789"), faster.
void append_time(std::string& out, Time t);
// One row of fields, separated by commas, with the trailing newline.
std::string csv_row(const std::vector<std::string>& fields);
// "%016llx": how fingerprints and hashes are printed.
std::string hex64(uint64_t v);

enum class CsvMode : uint8_t { plain, gzip, off };

class CsvWriter {
 public:
  // Opens (truncates) `path`; throws std::runtime_error if it cannot be opened.
  CsvWriter(const std::filesystem::path& path, std::vector<std::string> prefix_values,
            std::vector<std::string> prefix_names = {"seed", "scenario"});
  // The same with the `seed` and `scenario` prefix, written as `mode` says.
  CsvWriter(const std::filesystem::path& path, std::vector<std::string> prefix_values,
            CsvMode mode);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  // Writes the header: the prefix names, then `names`.
  void header(const std::vector<std::string>& names);

  // Builds a row field by field: the prefix values come first automatically.
  CsvWriter& field(std::string_view v);
  CsvWriter& field(const char* v) { return field(std::string_view(v)); }
  CsvWriter& field(const std::string& v) { return field(std::string_view(v)); }
  CsvWriter& field(Time t);  // seconds with six decimals, as format_time()
  CsvWriter& field(int64_t v);
  CsvWriter& field(uint64_t v);
  CsvWriter& field(int v) { return field(static_cast<int64_t>(v)); }
  CsvWriter& field(bool v) { return field(std::string_view(v ? "true" : "false")); }
  void end_row();

  void flush();
  // Flushes and closes; throws std::runtime_error if any write failed. Idempotent.
  void close();
  uint64_t rows() const { return rows_; }
  // The file written (with ".gz" in gzip mode).
  const std::filesystem::path& path() const { return path_; }
  bool on() const { return mode_ != CsvMode::off; }

 private:
  void open();
  void begin_if_needed();
  void write_out(size_t n);  // the first n bytes of buf_ to the file
  std::filesystem::path path_;
  CsvMode mode_ = CsvMode::plain;
  std::ofstream out_;
  void* gz_ = nullptr;  // gzFile in gzip mode
  bool gz_failed_ = false;
  std::string prefix_;  // the prefix values, already quoted and comma-joined
  std::vector<std::string> prefix_names_;
  std::string buf_;       // finished rows not yet written, then the row being built
  size_t row_start_ = 0;  // where the row being built starts in buf_
  bool in_row_ = false;
  bool closed_ = false;
  uint64_t rows_ = 0;
};

}  // namespace scsim::stats
