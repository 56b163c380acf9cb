/* Marks for benchmarks/request_cost.py: callgrind's client requests, callable from Python
   through ctypes, so that each scenario's instructions are dumped on their own. Built by
   the benchmark with the system's cc and valgrind's headers (Debian: valgrind). */
#include <valgrind/callgrind.h>

void marks_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void marks_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
