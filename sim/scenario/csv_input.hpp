// libfccp (Fast C++ CSV Parser) for scenario/: the one place that includes <libfccp/csv.h>
// (with its GCC warning silenced) and turns its exceptions into the loader's messages.
#pragma once

#include <cstdio>
#include <string>

// csv.h's strncpy trips -Wstringop-truncation at -O2 (GCC only; clang has no such warning).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#endif
#include <libfccp/csv.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace scsim::scenario {

// RFC 4180 quoting, stricter than libfccp's double_quote_escape (which keeps `"ab"cd` as the
// raw text `"ab"cd`, and lets a quote inside an unquoted field swallow the separators after
// it): a quoted field ends at its closing quote (issue 12), and an unquoted field has no quote.
struct text_after_closing_quote : io::error::base,
                                  io::error::with_file_name,
                                  io::error::with_file_line {
  void format_error_message() const override {
    std::snprintf(error_message_buffer, sizeof(error_message_buffer),
                  "Text after the closing quote of a field in line %d in file \"%s\".", file_line,
                  file_name);
  }
};
struct quote_in_unquoted_field : io::error::base,
                                 io::error::with_file_name,
                                 io::error::with_file_line {
  void format_error_message() const override {
    std::snprintf(error_message_buffer, sizeof(error_message_buffer),
                  "A quote inside an unquoted field in line %d in file \"%s\".", file_line,
                  file_name);
  }
};

template <char sep, char quote>
struct strict_double_quote_escape {
  static const char* find_next_column_end(const char* col_begin) {
    return io::double_quote_escape<sep, quote>::find_next_column_end(col_begin);
  }
  // [b, e) is the field after trimming.
  static void unescape(char*& b, char*& e) {
    if (b == e) return;
    if (*b != quote) {
      for (const char* c = b; c != e; ++c) {
        if (*c == quote) throw quote_in_unquoted_field();
      }
      return;
    }
    for (const char* c = b + 1;; ++c) {
      if (c == e) throw io::error::escaped_string_not_closed();
      if (*c != quote) continue;
      if (c + 1 != e && c[1] == quote) {
        ++c;  // a doubled quote
        continue;
      }
      if (c + 1 != e) throw text_after_closing_quote();
      break;
    }
    io::double_quote_escape<sep, quote>::unescape(b, e);
  }
};

// What a CSV reading error means for the user, and on which line (1-based).
struct CsvProblem {
  int line;
  std::string message;
};

// `next_line` is the line being read when it failed; the hints say what the file expects:
// `columns` after "wrong number of columns", `empty` for a file without a header, and
// `bad_header` before libfccp's own text for a header it rejects.
inline CsvProblem describe_csv_error(const io::error::base& e, int next_line,
                                     const std::string& columns, const std::string& empty,
                                     const std::string& bad_header) {
  CsvProblem p{next_line, e.what()};
  if (auto* wl = dynamic_cast<const io::error::with_file_line*>(&e)) {
    if (wl->file_line > 0) p.line = wl->file_line;
  }
  if (dynamic_cast<const io::error::escaped_string_not_closed*>(&e)) {
    p.message =
        "a quoted field is not closed (quotes must be doubled inside a quoted field, and a "
        "quoted field cannot span lines): " +
        p.message;
  } else if (dynamic_cast<const text_after_closing_quote*>(&e)) {
    p.message =
        "text after the closing quote of a quoted field (RFC 4180: a quoted field ends at its "
        "closing quote; quote the whole field and double the quotes inside it)";
  } else if (dynamic_cast<const quote_in_unquoted_field*>(&e)) {
    p.message =
        "a quote inside an unquoted field (RFC 4180: quote the whole field and double the "
        "quotes inside it)";
  } else if (dynamic_cast<const io::error::too_few_columns*>(&e) ||
             dynamic_cast<const io::error::too_many_columns*>(&e)) {
    p.message = "wrong number of columns" + columns + ": " + p.message;
  } else if (dynamic_cast<const io::error::header_missing*>(&e)) {
    p.line = 1;
    p.message = empty;
  } else if (dynamic_cast<const io::error::missing_column_in_header*>(&e) ||
             dynamic_cast<const io::error::extra_column_in_header*>(&e) ||
             dynamic_cast<const io::error::duplicated_column_in_header*>(&e)) {
    p.line = 1;
    p.message = bad_header + p.message;
  }
  return p;
}

}  // namespace scsim::scenario
