#include "report/table.hpp"

#include <zlib.h>

#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace scsim::report {

namespace fs = std::filesystem;

std::string read_file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot be opened");
  std::string raw;
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (!ec) raw.resize(size);
  in.read(raw.data(), std::streamsize(raw.size()));
  if (in.bad() || size_t(in.gcount()) != raw.size()) {
    throw std::runtime_error(path.string() + ": read error");
  }
  if (path.extension() != ".gz") return raw;

  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) {  // 15 + 32: zlib or gzip header, detected
    throw std::runtime_error(path.string() + ": cannot start zlib");
  }
  std::string out;
  char buf[1 << 16];
  z.next_in = reinterpret_cast<Bytef*>(raw.data());
  z.avail_in = static_cast<uInt>(raw.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc == Z_STREAM_END && z.avail_in > 0) {
      // Concatenated gzip members: continue with the next one.
      out.append(buf, sizeof buf - z.avail_out);
      inflateReset(&z);
      rc = Z_OK;
      continue;
    }
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      throw std::runtime_error(path.string() + ": not a valid gzip file (zlib: " +
                               (z.msg ? z.msg : "error " + std::to_string(rc)) + ")");
    }
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      throw std::runtime_error(path.string() + ": truncated gzip file");
    }
  }
  inflateEnd(&z);
  return out;
}

Table Table::parse(std::string_view text, const std::string& source) {
  Table t;
  t.source_ = source;
  parse_into(t, text, nullptr);
  return t;
}

bool Table::scan(const fs::path& dir, const std::string& name, const Sink& row) {
  fs::path plain = dir / (name + ".csv");
  fs::path gz = dir / (name + ".csv.gz");
  std::error_code ec;
  fs::path p = fs::is_regular_file(plain, ec) ? plain : gz;
  if (!fs::is_regular_file(p, ec)) return false;
  Table t;
  t.source_ = p.string();
  parse_into(t, read_file_bytes(p), &row);
  return true;
}

void Table::parse_into(Table& t, std::string_view text, const Sink* sink) {
  const std::string& source = t.source_;
  std::vector<std::string> row;
  std::string field;
  size_t line = 1, row_line = 1;
  bool quoted = false, any = false;
  auto end_row = [&] {
    row.push_back(std::move(field));
    field.clear();
    if (t.header_.empty() && t.rows_.empty()) {
      t.header_ = std::move(row);
    } else if (!(row.size() == 1 && row[0].empty())) {
      if (sink) {
        (*sink)(t, row);
      } else {
        t.rows_.push_back(std::move(row));
      }
    }
    row.clear();
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n') {
      end_row();
      ++line;
      row_line = line;
    } else if (c == '\r') {
      // part of CRLF: ignored
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) {
    throw std::runtime_error(source + ":" + std::to_string(row_line) +
                             ": unterminated quoted field");
  }
  if (any || !field.empty() || !row.empty()) end_row();
}

std::optional<Table> Table::load(const fs::path& dir, const std::string& name) {
  fs::path plain = dir / (name + ".csv");
  fs::path gz = dir / (name + ".csv.gz");
  std::error_code ec;
  if (fs::is_regular_file(plain, ec)) return parse(read_file_bytes(plain), plain.string());
  if (fs::is_regular_file(gz, ec)) return parse(read_file_bytes(gz), gz.string());
  return std::nullopt;
}

int Table::index(std::string_view column) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == column) return int(i);
  }
  return -1;
}

const std::string& Table::at(size_t r, int col) const {
  static const std::string empty;
  if (col < 0 || r >= rows_.size() || size_t(col) >= rows_[r].size()) return empty;
  return rows_[r][size_t(col)];
}

const std::string& Table::get(size_t r, std::string_view column) const {
  return at(r, index(column));
}

double Table::num(size_t r, std::string_view column, double fallback) const {
  const std::string& s = get(r, column);
  if (s.empty()) return fallback;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return fallback;
  return v;
}

}  // namespace scsim::report
