// A results table read by column NAME: scsim report reads result files written by other
// versions of scsim (columns added, removed or reordered, optional files absent, files
// compressed as NAME.csv.gz), so nothing here depends on a column's position.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scsim::report {

class Table {
 public:
  // Parses RFC 4180 text (quoted fields, doubled quotes, CRLF or LF); the first row is the
  // header. Throws std::runtime_error naming `source` and the line on an unterminated quote.
  static Table parse(std::string_view text, const std::string& source);

  // Reads DIR/NAME.csv, or DIR/NAME.csv.gz when only that exists; std::nullopt if neither does.
  // Throws std::runtime_error naming the file when it exists but cannot be read or inflated.
  static std::optional<Table> load(const std::filesystem::path& dir, const std::string& name);

  // Streams DIR/NAME.csv(.gz) row by row without keeping the rows (for the large files:
  // dn_views, calls, routing): `row` gets this table (its header, no rows) and the fields.
  // Returns false if neither file exists.
  static bool scan(const std::filesystem::path& dir, const std::string& name,
                   const std::function<void(const Table&, const std::vector<std::string>&)>& row);

  size_t rows() const { return rows_.size(); }
  bool has(std::string_view column) const { return index(column) >= 0; }
  // The field of row r in `column`; "" when the column is absent or the row is short.
  const std::string& get(size_t r, std::string_view column) const;
  // The field as a number; `fallback` when absent, empty or not a number.
  double num(size_t r, std::string_view column, double fallback = 0) const;
  int index(std::string_view column) const;
  const std::string& at(size_t r, int col) const;
  const std::vector<std::string>& header() const { return header_; }
  const std::string& source() const { return source_; }

 private:
  using Sink = std::function<void(const Table&, const std::vector<std::string>&)>;
  static void parse_into(Table& t, std::string_view text, const Sink* sink);
  std::string source_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// The bytes of a file; a .gz file is inflated (zlib, gzip format). Throws std::runtime_error
// naming the file on a read or inflate error.
std::string read_file_bytes(const std::filesystem::path& path);

}  // namespace scsim::report
