#include "stats/periods.hpp"

namespace scsim::stats {

const char* to_string(Period p) {
  switch (p) {
    case Period::connected:
      return "connected";
    case Period::undetected:
      return "undetected";
    case Period::partitioned:
      return "partitioned";
    case Period::resyncing:
      return "resyncing";
  }
  return "?";
}

}  // namespace scsim::stats
