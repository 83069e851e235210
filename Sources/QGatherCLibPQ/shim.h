#ifndef QGATHER_CLIBPQ_SHIM_H
#define QGATHER_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
