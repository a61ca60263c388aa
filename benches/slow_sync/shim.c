/*
 * A slow disk for benchmarks: LD_PRELOAD this library and every fsync and fdatasync takes
 * CHAT_PICKUP_SYNC_DELAY_US microseconds longer, as on EFS ("as low as" 1.6-2.7 ms per
 * write). Built and used by scripts/slow-sync.sh.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static void delay(void) {
    const char *text = getenv("CHAT_PICKUP_SYNC_DELAY_US");
    long micros = text ? atol(text) : 0;
    if (micros > 0) {
        struct timespec pause = {micros / 1000000, (micros % 1000000) * 1000};
        nanosleep(&pause, NULL);
    }
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    delay();
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    delay();
    return real(fd);
}
