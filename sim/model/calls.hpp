// Calls and their workload: what arrives (workload.hpp) and what is observed when a call is
// routed and when it ends (call_record.hpp). Kept so that one include brings both.
#pragma once

#include "model/call_record.hpp"
#include "model/workload.hpp"
