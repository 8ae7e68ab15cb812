// scsim's version and the git commit it was built from, as CMake passes them to the `scsim`
// target (sim/CMakeLists.txt); "unknown" when built outside a git checkout or another way.
#pragma once

#ifndef SCSIM_VERSION
#define SCSIM_VERSION "unknown"
#endif
#ifndef SCSIM_GIT_COMMIT
#define SCSIM_GIT_COMMIT "unknown"
#endif
