// libfccp (Fast C++ CSV Parser) for scenario/: the one place that includes <libfccp/csv.h>
// (with its GCC warning silenced) and turns its exceptions into the loader's messages.
#pragma once

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
