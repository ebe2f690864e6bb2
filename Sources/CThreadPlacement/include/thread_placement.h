#ifndef KEOS_THREAD_PLACEMENT_H
#define KEOS_THREAD_PLACEMENT_H

#include <pthread.h>

/// Creates a thread that runs `body(context)`, starting it on another processor than the calling thread's
/// when the process may run on another one; once running, the thread may run on every processor the process
/// may. Returns pthread_create's result.
///
/// Linux may start a new thread on its creator's processor and move it to an idle one only when it next
/// balances load; in a process that has just started this happens often, and the two threads then take
/// turns on one processor for milliseconds while the other one idles.
int keos_thread_start_elsewhere(pthread_t *thread, void *(*body)(void *), void *context);

/// How many processors this process may run on (its CPU affinity); 0 when that cannot be read.
int keos_allowed_processor_count(void);

#endif
