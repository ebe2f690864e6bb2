#define _GNU_SOURCE
#include "thread_placement.h"

#include <sched.h>
#include <stdlib.h>

struct start {
    void *(*body)(void *);
    void *context;
    /// The processors to allow once running (the process's); valid when `widen` is set.
    cpu_set_t allowed;
    int widen;
};

static void *run(void *argument) {
    struct start start = *(struct start *)argument;
    free(argument);
    if (start.widen) pthread_setaffinity_np(pthread_self(), sizeof start.allowed, &start.allowed);
    return start.body(start.context);
}

int keos_thread_start_elsewhere(pthread_t *thread, void *(*body)(void *), void *context) {
    struct start *start = malloc(sizeof *start);
    if (start == NULL) return pthread_create(thread, NULL, body, context);
    start->body = body;
    start->context = context;
    start->widen = 0;
    pthread_attr_t attributes;
    int usable = pthread_attr_init(&attributes) == 0;
#if defined(__linux__)
    if (usable && sched_getaffinity(0, sizeof start->allowed, &start->allowed) == 0) {
        cpu_set_t others = start->allowed;
        int current = sched_getcpu();
        if (current >= 0 && current < CPU_SETSIZE) CPU_CLR(current, &others);
        if (CPU_COUNT(&others) > 0 && pthread_attr_setaffinity_np(&attributes, sizeof others, &others) == 0) {
            start->widen = 1;
        }
    }
#endif
    int result = pthread_create(thread, usable ? &attributes : NULL, run, start);
    if (usable) pthread_attr_destroy(&attributes);
    if (result != 0) free(start);
    return result;
}

int keos_allowed_processor_count(void) {
#if defined(__linux__)
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0) return CPU_COUNT(&allowed);
#endif
    return 0;
}
