/* memtrim.h - give the heap's free pages back to the system while idle.
 *
 * glibc's malloc_trim() releases free pages, but not the chunks parked in the calling
 * thread's tcache (up to 7 per size class up to 1 KB): after a burst of connections they
 * are scattered over the whole heap and each keeps its page resident (issue 12: ~0.7 MB
 * of the idle RSS after scripts/bench's runs). am_mem_trim() takes those chunks out of
 * the tcache, has a short-lived thread free them (a thread's tcache goes back to the
 * arena when it exits), then trims. Owns nothing; call it from the thread that
 * allocates (the server's only thread), when idle: it costs a thread start. */
#ifndef AM_MEMTRIM_H
#define AM_MEMTRIM_H

/* Returns what malloc_trim() returned: 1 when memory was given back, else 0. */
int am_mem_trim(void);

#endif
