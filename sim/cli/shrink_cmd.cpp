#include "cli/commands.hpp"

namespace scsim::cli {
int cmd_shrink(const std::vector<std::string>&) {
  return 2;
}
}  // namespace scsim::cli
