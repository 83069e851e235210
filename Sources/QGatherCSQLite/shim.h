#ifndef QGATHER_CSQLITE_SHIM_H
#define QGATHER_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import.
static inline sqlite3_destructor_type qgather_sqlite_transient(void) { return SQLITE_TRANSIENT; }
/// `sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)`: no memory statistics, and with them no global
/// mutex taken by every allocation of every connection. sqlite3_config is variadic, which Swift
/// cannot call. Returns SQLITE_MISUSE once SQLite is initialised (the call then changes nothing).
static inline int qgather_sqlite_disable_memstatus(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
#endif
