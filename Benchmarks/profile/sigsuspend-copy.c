// LD_PRELOAD shim for profiling qgather under valgrind 3.19 (Debian 12).
//
// An async Swift main parks the main thread in libdispatch (dispatch_main -> _dispatch_sig_thread),
// which calls sigsuspend() with a signal mask that lives in read-only memory. Valgrind 3.19's
// rt_sigsuspend wrapper writes to that mask and dies with "VALGRIND INTERNAL ERROR ... SIGSEGV".
// Passing a copy on the stack avoids it; the program's behaviour is unchanged.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>

int sigsuspend(const sigset_t *mask) {
    static int (*real)(const sigset_t *);
    if (!real) real = (int (*)(const sigset_t *))dlsym(RTLD_NEXT, "sigsuspend");
    sigset_t copy = *mask;
    return real(&copy);
}
