/*
 * The pipe protocol's two primitives, shared by the x87, SSE and packed-integer
 * runners: read exactly n bytes from stdin (-1 at end of input), and write n
 * bytes to stdout (exiting if the test has gone).
 */
#ifndef RUNNER_IO_H
#define RUNNER_IO_H

#include <stddef.h>
#include <unistd.h>

static int read_exact(void *p, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(0, (char *)p + done, n - done);
        if (r <= 0) return -1;
        done += (size_t)r;
    }
    return 0;
}

static void write_all(const void *p, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = write(1, (const char *)p + done, n - done);
        if (r <= 0) _exit(1);
        done += (size_t)r;
    }
}

#endif
