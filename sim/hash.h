/*
** hash.h - the one hash mixer of mmsim.
**
** Every hash that must be equal across runs and machines (trace hashes,
** final-state hashes, event-log digests, Mazurkiewicz trace ids, string
** interning) goes through these three functions: an FNV-1a multiply
** followed by an xorshift, fed 64-bit words, never raw structs (padding is
** not state) and never pointers.  Changing them changes every trace hash
** printed anywhere: do it once and say so in the README.
*/
#ifndef MMSIM_HASH_H
#define MMSIM_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SIM_HASH_INIT 0xcbf29ce484222325ull /* FNV-1a offset basis */

/* Mixes one 64-bit word into *h. */
static inline void sim_hash_u64(uint64_t *h, uint64_t v) {
  *h ^= v;
  *h *= 0x100000001b3ull; /* FNV prime */
  *h ^= *h >> 29;
}

/* Mixes n bytes into *h (FNV-1a), then their length, so that "ab","c" and
   "a","bc" differ. */
static inline void sim_hash_bytes(uint64_t *h, const void *p, size_t n) {
  const unsigned char *b = p;
  uint64_t v = *h; /* in a register: *h may alias the bytes */
  for (size_t i = 0; i < n; i++) {
    v ^= b[i];
    v *= 0x100000001b3ull;
  }
  *h = v;
  sim_hash_u64(h, n);
}

/* sim_hash_bytes(h, s, strlen(s)) in one pass: it runs twice per gated
   step (the step's name and function). */
static inline void sim_hash_str(uint64_t *h, const char *s) {
  const unsigned char *b = (const unsigned char *)s;
  size_t n = 0;
  uint64_t v = *h; /* in a register: *h may alias the string */
  for (; b[n]; n++) {
    v ^= b[n];
    v *= 0x100000001b3ull;
  }
  *h = v;
  sim_hash_u64(h, n);
}

/* A one-shot hash of a word, for table slots (open addressing). */
static inline uint64_t sim_hash_of(uint64_t v) {
  uint64_t h = SIM_HASH_INIT;
  sim_hash_u64(&h, v);
  return h;
}

#endif /* MMSIM_HASH_H */
