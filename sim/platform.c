/*
** platform.c - the SimGrid platform the engine runs on: one host per
** virtual CPU and a block device host with a disk (for writeback I/O),
** created once per process by sim_init() with SimGrid's options (context
** factory, actor stack size, signal handlers kept), and the host of each
** CPU.  The step gate is in engine.c, one execution's set-up and results
** in exec.c.
*/
#include "engine_int.h"
#include "sim.h"

#include <assert.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <simgrid/engine.h>
#include <simgrid/host.h>

static int sim_ncpus = -1;
static sg_host_t *cpu_hosts, blockdev_host;

/* ------------------------------------------------------------- platform */

/* Writes the platform: one host per CPU and a block device host with a disk
   (for writeback I/O).  SimGrid's C API cannot build zones, so we generate
   XML into a temporary file and load it. */
int sim_init(int ncpus, char *err, size_t errlen) {
  if (sim_ncpus >= 0) {
    if (ncpus > sim_ncpus) {
      snprintf(err, errlen,
               "engine already started with %d CPUs, scenario needs %d",
               sim_ncpus, ncpus);
      return -1;
    }
    return 0;
  }
  if (ncpus < 1 || ncpus > SIM_MAX_THREADS) {
    snprintf(err, errlen, "cpus must be 1..%d", SIM_MAX_THREADS);
    return -1;
  }
  char path[] = "/tmp/mmsim-platform-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) {
    snprintf(err, errlen, "cannot create the platform file in /tmp");
    return -1;
  }
  FILE *f = fdopen(fd, "w");
  fprintf(f, "<?xml version='1.0'?>\n"
             "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
             "<platform version=\"4.1\">\n"
             "  <zone id=\"smp\" routing=\"Full\">\n");
  for (int i = 0; i < ncpus; i++)
    fprintf(f, "    <host id=\"cpu%d\" speed=\"1Gf\"/>\n", i);
  fprintf(f,
          "    <host id=\"blockdev\" speed=\"1Gf\">\n"
          "      <disk id=\"sda\" read_bw=\"200MBps\" write_bw=\"150MBps\"/>\n"
          "    </host>\n"
          "  </zone>\n"
          "</platform>\n");
  fclose(f);

  /* Raw contexts are the fastest; sanitizer builds use one thread per
     actor, since ASan cannot follow raw stack switches, and ASan's larger
     frames get a larger stack.  SimGrid zeroes each actor's stack when it
     creates it, once per thread per execution, so the stack size is paid
     in every execution: 64 KiB, where the whole test suite passes with
     16 KiB and guard pages (which would have faulted on an overflow);
     guard pages themselves cost an mprotect per actor and stay off. */
#define STR_(x) #x
#define STR(x) STR_(x)

  static char a0[] = "mmsim", a1[] = "--log=root.thresh:critical",
              a2[] = "--cfg=contexts/stack-size:" STR(SIM_ACTOR_STACK_KIB),
#ifdef MMSIM_SANITIZE
              a4[] = "--cfg=contexts/factory:thread";
#else
              a4[] = "--cfg=contexts/factory:raw";
#endif
  static char a3[] = "--cfg=contexts/guard-size:0";
  static char *argv[] = {a0, a1, a2, a3, a4, NULL};
  int argc = 5;
#ifdef __GLIBC__
  /* Every execution allocates and frees one stack per actor (256 KiB).
     glibc would give such chunks back to the kernel at each free (mmap, or
     a trimmed heap top) and fault them in again at the next execution:
     on lastzero(12), 3 million page faults and 70 % of the time in the
     kernel.  Keep them on the heap, and keep the heap. */
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
  /* SimGrid installs its own handlers (SIGINT: print the actors and
     exit 1); the application's (an interrupted exploration prints its
     summary and closes its log) stay. */
  static const int app_signals[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction app_sa[3];
  for (int i = 0; i < 3; i++)
    sigaction(app_signals[i], NULL, &app_sa[i]);
  simgrid_init(&argc, argv);
  simgrid_load_platform(path);
  for (int i = 0; i < 3; i++)
    sigaction(app_signals[i], &app_sa[i], NULL);
  unlink(path);
  cpu_hosts = calloc((size_t)ncpus, sizeof *cpu_hosts);
  for (int i = 0; i < ncpus; i++) {
    char name[16];
    snprintf(name, sizeof name, "cpu%d", i);
    cpu_hosts[i] = sg_host_by_name(name);
    assert(cpu_hosts[i]);
  }
  blockdev_host = sg_host_by_name("blockdev");
  assert(blockdev_host);
  sim_exec_slots_init();
  sim_ncpus = ncpus;
  return 0;
}

int sim_platform_ncpus(void) {
  return sim_ncpus;
}

sg_host_t sim_cpu_host(int cpu) {
  assert(sim_ncpus > 0 && cpu >= SIM_CPU_BLOCKDEV && cpu < sim_ncpus);
  return cpu == SIM_CPU_BLOCKDEV ? blockdev_host : cpu_hosts[cpu];
}
