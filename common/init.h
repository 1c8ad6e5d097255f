/* init.h - library start-up.
 *
 * Every program calls shomei_init() once before anything else; every other
 * function of libshomei assumes it was called (libsodium must be initialised
 * before its random generator and its secure memory are used). */
#ifndef SHOMEI_INIT_H
#define SHOMEI_INIT_H

/* Initialises libsodium. Safe to call more than once. Returns 0, or
 * SHOMEI_ERR_UNSUPPORTED when libsodium cannot start. */
int shomei_init(void) __attribute__((warn_unused_result));

#endif
