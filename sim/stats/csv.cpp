#include "stats/csv.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

#include <zlib.h>

namespace scsim::stats {

namespace {
constexpr size_t kBufferSize = size_t(1) << 16;
// zlib's fastest level: CSV text still shrinks about 5 to 10 times, at a few hundred MB/s.
constexpr const char* kGzipMode = "wb1";
}  // namespace

bool csv_needs_quotes(std::string_view field) {
  for (char c : field) {
    // All four are at or below ',' (0x2C); digits, letters, '.', '-' and '_' are above it.
    if (static_cast<unsigned char>(c) <= ',' && (c == ',' || c == '"' || c == '\r' || c == '\n'))
      return true;
  }
  return false;
}

void append_time(std::string& out, Time t) {
  // The same text as format_time(), without printf: "-"? seconds "." six digits.
  int64_t us = t.micros();
  uint64_t mag = us < 0 ? uint64_t(0) - static_cast<uint64_t>(us) : static_cast<uint64_t>(us);
  char buf[32];
  char* p = buf + sizeof buf;
  uint64_t frac = mag % 1000000, whole = mag / 1000000;
  for (int i = 0; i < 6; ++i) {
    *--p = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  *--p = '.';
  do {
    *--p = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole != 0);
  if (us < 0) *--p = '-';
  out.append(p, static_cast<size_t>(buf + sizeof buf - p));
}

void append_csv_field(std::string& out, std::string_view field) {
  if (!csv_needs_quotes(field)) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_csv_field(out, fields[i]);
  }
  out.push_back('\n');
  return out;
}

CsvWriter::CsvWriter(const std::filesystem::path& path, std::vector<std::string> prefix_values,
                     std::vector<std::string> prefix_names)
    : path_(path), prefix_names_(std::move(prefix_names)) {
  for (size_t i = 0; i < prefix_values.size(); ++i) {
    if (i > 0) prefix_.push_back(',');
    append_csv_field(prefix_, prefix_values[i]);
  }
  open();
}

CsvWriter::CsvWriter(const std::filesystem::path& path, std::vector<std::string> prefix_values,
                     CsvMode mode)
    : path_(path), mode_(mode), prefix_names_{"seed", "scenario"} {
  if (mode_ == CsvMode::gzip) path_ += ".gz";
  for (size_t i = 0; i < prefix_values.size(); ++i) {
    if (i > 0) prefix_.push_back(',');
    append_csv_field(prefix_, prefix_values[i]);
  }
  open();
}

void CsvWriter::open() {
  if (mode_ == CsvMode::off) {
    closed_ = true;
    return;
  }
  if (mode_ == CsvMode::gzip) {
    gz_ = gzopen(path_.c_str(), kGzipMode);
    if (!gz_) throw std::runtime_error("cannot create " + path_.string());
    gzbuffer(static_cast<gzFile>(gz_), unsigned(kBufferSize));
  } else {
    out_.open(path_, std::ios::out | std::ios::trunc | std::ios::binary);
    if (!out_) throw std::runtime_error("cannot create " + path_.string());
  }
  buf_.reserve(kBufferSize + 4096);
}

CsvWriter::~CsvWriter() {
  if (!closed_) {
    try {
      close();
    } catch (...) {  // a destructor must not throw; close() explicitly to see errors
    }
  }
}

void CsvWriter::header(const std::vector<std::string>& names) {
  if (mode_ == CsvMode::off) return;
  std::vector<std::string> all = prefix_names_;
  all.insert(all.end(), names.begin(), names.end());
  buf_.append(csv_row(all));
  write_out(buf_.size());
}

void CsvWriter::begin_if_needed() {
  if (in_row_) {
    buf_.push_back(',');
    return;
  }
  in_row_ = true;
  row_start_ = buf_.size();
  buf_.append(prefix_);
  if (!prefix_.empty()) buf_.push_back(',');
}

void CsvWriter::write_out(size_t n) {
  if (n == 0) return;
  if (gz_) {
    if (gzwrite(static_cast<gzFile>(gz_), buf_.data(), unsigned(n)) != int(n)) gz_failed_ = true;
  } else {
    out_.write(buf_.data(), static_cast<std::streamsize>(n));
  }
  buf_.erase(0, n);
  row_start_ -= std::min(row_start_, n);
}

CsvWriter& CsvWriter::field(std::string_view v) {
  if (mode_ == CsvMode::off) return *this;
  begin_if_needed();
  append_csv_field(buf_, v);
  return *this;
}

CsvWriter& CsvWriter::field(Time t) {
  if (mode_ == CsvMode::off) return *this;
  begin_if_needed();
  append_time(buf_, t);
  return *this;
}

namespace {
// The decimal text of an integer, as std::to_string writes it, without a temporary string.
template <class Int>
void append_integer(std::string& out, Int v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
}
}  // namespace

CsvWriter& CsvWriter::field(int64_t v) {
  if (mode_ == CsvMode::off) return *this;
  begin_if_needed();
  append_integer(buf_, v);
  return *this;
}

CsvWriter& CsvWriter::field(uint64_t v) {
  if (mode_ == CsvMode::off) return *this;
  begin_if_needed();
  append_integer(buf_, v);
  return *this;
}

void CsvWriter::end_row() {
  if (mode_ == CsvMode::off) return;
  if (!in_row_) begin_if_needed();  // an empty row still carries the prefix
  buf_.push_back('\n');
  in_row_ = false;
  ++rows_;
  if (buf_.size() >= kBufferSize) write_out(buf_.size());
}

void CsvWriter::flush() {
  if (mode_ == CsvMode::off) return;
  write_out(in_row_ ? row_start_ : buf_.size());  // finished rows only
  if (gz_) {
    if (gzflush(static_cast<gzFile>(gz_), Z_SYNC_FLUSH) != Z_OK) gz_failed_ = true;
  } else {
    out_.flush();
  }
}

void CsvWriter::close() {
  if (closed_) return;
  closed_ = true;
  write_out(in_row_ ? row_start_ : buf_.size());
  if (gz_) {
    const int rc = gzclose(static_cast<gzFile>(gz_));
    gz_ = nullptr;
    if (gz_failed_ || rc != Z_OK) throw std::runtime_error("error writing " + path_.string());
    return;
  }
  out_.flush();
  bool ok = static_cast<bool>(out_);
  out_.close();
  if (!ok || out_.fail()) throw std::runtime_error("error writing " + path_.string());
}

std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace scsim::stats
