/*
** sim.h - the engine's contract with models, schedulers and reports.
**
** The engine runs "threads" (kernel-path instances) as SimGrid actors, one
** SimGrid host per virtual CPU.  A thread is plain C code cut into atomic
** steps: each sim_step() call declares the step's footprint (objects read or
** written, locks taken or dropped, a wait condition) and parks the actor
** until the scheduler grants the step.  Between two sim_step() calls of one
** thread no other thread runs, so the code after a grant is the atomic action
** of the step.  Only one actor is ever running.
**
** The engine knows nothing about what the objects are: the model gives each
** object a dense id (sim_oid) and names them through sim_model_ops.  Locks
** are objects used with SIM_OP_LOCK* accesses; the engine tracks holders,
** derives enabledness from them, and draws lock-handoff arrows.
**
** Execution lifecycle (one call to sim_exec_run):
**
**     reset model --> start threads --> [grant loop] --> end checks --> result
**                                          |     ^
**                   choose among enabled --+     +-- thread parks in sim_step
**
** Threads start on new actors, one per thread, or inside sim_run_driver()
** on worker actors kept across executions (same results, less set-up).
**
** A violation (from a model check, a deadlock, or an unlock of a lock the
** thread does not hold) stops the execution: every parked actor is woken
** and unwinds to its trampoline (longjmp), nothing of the model is touched
** after that point.  Each violation has a kind from a table: the engine's
** own, or the one the model hands over in sim_model_ops.  The exception is
** lock-order (lockdep.h): a potential deadlock, which does not stop the
** execution and becomes its outcome at its end if nothing else happened.
**
** Determinism: actors are kept in thread-id order, time is integer
** nanoseconds computed by the engine, the PRNG is our own, and the trace hash
** covers only schedule-determined content (never pointers or wall time).
*/
#ifndef MMSIM_SIM_H
#define MMSIM_SIM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_MAX_THREADS                                                        \
  32 /* threads per execution (enabled set: a 32-bit mask) */
#define SIM_MAX_ACCESS 24 /* accesses in one step's footprint */
#define SIM_MAX_DEPTH 16  /* call nesting tracked for events */

typedef uint32_t sim_oid;
typedef struct sim_lockdep sim_lockdep; /* a lock class graph: lockdep.h */
typedef struct sim_exec sim_exec;       /* one execution in progress */
typedef struct sim_thread sim_thread;   /* a kernel-path instance */

/* What a step does to one object. */
enum sim_op {
  SIM_OP_READ,          /* reads the object */
  SIM_OP_WRITE,         /* writes the object */
  SIM_OP_LOCK,          /* exclusive acquire: disabled while held elsewhere */
  SIM_OP_LOCK_SHARED,   /* shared acquire (down_read): disabled while held
                           exclusively */
  SIM_OP_TRYLOCK,       /* acquire if free, never blocks: see sim_holds();
                           with SIM_ACC_FAILURE_WAITS, a blocking
                           acquisition for the lock-order checker */
  SIM_OP_UNLOCK,        /* exclusive release: the caller must hold it,
                           else violation SIM_KIND_BAD_UNLOCK */
  SIM_OP_UNLOCK_SHARED, /* shared release: some reader must hold it, else
                           violation SIM_KIND_BAD_UNLOCK */
  SIM_OP_WAIT,          /* disabled until step->ready(x, ready_arg) is true;
                           counts as a read of the object */
  SIM_OP_ADD,           /* a commutative update whose result no thread reads
                           (an atomic_inc/dec such as get_page/put_page):
                           independent of other ADDs, dependent on a READ,
                           WRITE or WAIT of the object; a write for flows */
  SIM_OP_UNLOCK_ANY,    /* exclusive release by whoever holds it: a lock bit
                           that another context clears (unlock_buffer from
                           an I/O completion, unlock_page from end_io); some
                           thread must hold it, else violation
                           SIM_KIND_BAD_UNLOCK.  Appended: trace hashes mix
                           op values */
  SIM_OP__COUNT
};

typedef struct sim_access {
  sim_oid obj;
  uint8_t op;    /* enum sim_op */
  uint8_t flags; /* SIM_ACC_*: 0 but for the cases below */
} sim_access;

/*
** sim_access.flags: what a checker needs to know about an access and the
** scheduler does not.  The engine's behaviour ignores them: enabledness,
** grants, dependence, digests and trace hashes see obj and op only, so a
** flag changes no schedule, no hash and no explored count.
**
**   SIM_ACC_FAILURE_WAITS  on a SIM_OP_TRYLOCK: a trylock whose failure
**     the caller follows by a blocking acquisition of the same lock (after
**     releasing what the trylock's step held around it), as 2.6.20-2.6.24
**     find_lock_page does TestSetPageLocked under tree_lock, then
**     __lock_page without it.  From the deadlock point of view it is not a
**     trylock: when it fails the thread sleeps.  The lock-order checker
**     (lockdep.h) counts a successful one as a blocking acquisition made
**     after the step's other accesses; a failed one is left to the
**     blocking acquisition that follows.
*/
enum {
  SIM_ACC_FAILURE_WAITS = 1,
};

/* One atomic step, declared before it runs. */
typedef struct sim_stepdesc {
  const char *what; /* operation, e.g. "spin_lock(ptl)"; static storage */
  uint32_t cost_ns; /* duration used by the timed policy and the log */
  uint8_t n;        /* number of accesses */
  sim_access acc[SIM_MAX_ACCESS];
  /* For SIM_OP_WAIT accesses: is the awaited condition true? */
  int (*ready)(const sim_exec *x, void *arg);
  void *ready_arg;
  /* Footprints that depend on state (the object a model field refers to
     at the time of the step): called on the parked copy before every scheduling
     decision and before the grant, to recompute n/acc from the current state.
     'arg' must stay valid while the thread is parked (its stack frame). */
  void (*refresh)(const sim_exec *x, void *arg, struct sim_stepdesc *s);
  void *refresh_arg;
} sim_stepdesc;

/*
** Declares and waits for one step.  Returns when the step is granted; the
** code that follows, up to the next sim_step(), is the step's action.  Does
** not return if the execution is aborted meanwhile (the thread unwinds).
*/
void sim_step(sim_thread *t, const sim_stepdesc *s);

/* Convenience: SIM_STEP(t, "what", cost, SIM_RD(o), SIM_WR(p), ...) */
#define SIM_STEP(t, what_, cost_, ...)                                         \
  sim_step((t),                                                                \
           &(const sim_stepdesc){.what = (what_),                              \
                                 .cost_ns = (cost_),                           \
                                 .n = sizeof((sim_access[]){__VA_ARGS__}) /    \
                                      sizeof(sim_access),                      \
                                 .acc = {__VA_ARGS__}})
#define SIM_RD(o)                                                              \
  { (o), SIM_OP_READ }
#define SIM_WR(o)                                                              \
  { (o), SIM_OP_WRITE }
#define SIM_LOCK(o)                                                            \
  { (o), SIM_OP_LOCK }
#define SIM_LOCK_SH(o)                                                         \
  { (o), SIM_OP_LOCK_SHARED }
#define SIM_TRYLOCK(o)                                                         \
  { (o), SIM_OP_TRYLOCK }
/* A trylock whose failure waits (SIM_ACC_FAILURE_WAITS). */
#define SIM_TRYLOCK_WAITS(o)                                                   \
  { (o), SIM_OP_TRYLOCK, SIM_ACC_FAILURE_WAITS }
#define SIM_UNLOCK(o)                                                          \
  { (o), SIM_OP_UNLOCK }
#define SIM_UNLOCK_SH(o)                                                       \
  { (o), SIM_OP_UNLOCK_SHARED }
#define SIM_UNLOCK_ANY(o)                                                      \
  { (o), SIM_OP_UNLOCK_ANY }
#define SIM_ADD(o)                                                             \
  { (o), SIM_OP_ADD }

/* Call nesting: the function named in each event is the innermost one.
   fn has static storage, as a step's 'what' (the engine keeps their
   hashes by address). */
void sim_enter(sim_thread *t, const char *fn);
void sim_leave(sim_thread *t);

/* Lock queries, valid inside an action. */
int sim_holds(const sim_thread *t, sim_oid lock);
/* 1 if every SIM_OP_TRYLOCK of the step just granted acquired its lock (a
   lock held by anyone, the caller included, makes a trylock fail). */
int sim_trylock_ok(const sim_thread *t);
int sim_lock_holder(const sim_exec *x, sim_oid lock); /* tid or -1 */

/* Values shown in the log for the current step (formatted only when an
   observer listens).  'before' and 'after' are free text. */
int sim_logging(const sim_thread *t);
void sim_before(sim_thread *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sim_after(sim_thread *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
** Marks one more iteration of a retry loop (a fault retried, an unmap
** repeated while a racer remaps).  Unfair schedules can make such loops
** run forever; when the execution has a loop bound and 'iter' exceeds it,
** the execution is cut (outcome SIM_BOUNDED, never counted as clean).
** Without a bound (single runs) this does nothing.
*/
void sim_loop(sim_thread *t, int iter, const char *loop);

/*
** The same, for explorers that match states (cfg->digests): also declares
** that at this loop head the thread's locals that matter for the rest of
** its run are the 'nlive' values of 'live' (e.g. a sequence number read
** before the lookup, a return code) together with what it knew when it
** entered the loop.  'iter' is 0 on the first pass through the head (the
** entry) and counts the iterations after it.  The thread's observation
** digest is then reset to a hash of its digest at the loop's entry, the
** loop's name and 'live', so that two passes with equal live values (and
** equal shared state) are one state and the retry loop closes a cycle.
** A live local left out makes distinct states equal: the state-matching
** audit (explore.h) and the differential tests are there to catch it.
*/
void sim_loop_live(sim_thread *t, int iter, const char *loop,
                   const uint64_t *live, int nlive);

/*
** The head of a service loop: one iteration per item other threads
** produced (a request a device completes), so its iterations are as finite
** as their work, and the loop bound does not apply.  For explorers that
** match states, the thread's digest is reset as by sim_loop_live() with
** nothing live, and the iteration count is not state.
*/
void sim_service_loop(sim_thread *t, int iter, const char *loop);

/* Adds extra simulated time to the thread (e.g. a user-requested delay). */
void sim_delay(sim_thread *t, uint64_t ns);

/*
** Violation kinds.  Every violation names its kind by an integer id, and
** each id stands for one row of a kinds table {id, name, what}:
**
**   0                             SIM_KIND_NONE (no violation)
**   1 .. SIM_KIND_MODEL-1         the engine's own: sim_engine_kinds[id-1]
**   SIM_KIND_MODEL + i            the model's: ops->kinds[i], i < nkinds
**
** A model numbers its kinds with an enum starting at SIM_KIND_MODEL, in the
** order of its table (row i has id SIM_KIND_MODEL + i).  Names are what
** scenarios ("expect violation NAME"), logs and the CLI show; they are
** unique across the engine's table and the model's.
*/
enum sim_kind_id {
  SIM_KIND_NONE = 0,   /* sim_result of an execution without violation */
  SIM_KIND_DEADLOCK,   /* "deadlock": no thread enabled, some unfinished */
  SIM_KIND_BAD_UNLOCK, /* "bad-unlock": a thread released a lock it did not
                          hold (or a shared lock nobody held, or with
                          SIM_OP_UNLOCK_ANY a lock nobody held) */
  SIM_KIND_LOCK_ORDER, /* "lock-order": the lock class graph has a cycle,
                          or a thread took a class it holds; the execution
                          runs to its end (lockdep.h) */
  SIM_KIND_MODEL       /* the first id of the model's table */
};

typedef struct sim_kind {
  int id;           /* its position: table base + index */
  const char *name; /* e.g. "deadlock": static, unique */
  const char *what; /* one line for help texts */
} sim_kind;

/* The engine's table: ids 1 .. SIM_KIND_MODEL-1, in that order. */
#define SIM_NENGINE_KINDS (SIM_KIND_MODEL - 1)
extern const sim_kind sim_engine_kinds[SIM_NENGINE_KINDS];

/*
** Reports a violation of kind 'kind' (an engine id or one of the model's
** table) and stops the execution.  Called from an action or a model check;
** does not return when called from a thread.  'objs' may list the objects
** involved (for highlighting), n may be 0.
*/
void sim_violation(sim_exec *x, int kind, const sim_oid *objs, int n,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

sim_exec *sim_thread_exec(const sim_thread *t);
int sim_thread_id(const sim_thread *t);
int sim_thread_cpu(const sim_thread *t);
void *sim_model(const sim_exec *x);
/* The last granted step (its footprint as granted) and its thread (in
   *tid), from its grant to the next one: in after_step, the step whose
   action just ran (e.g. for a footprint checker that compares what the
   action changed with what the step declared).  NULL before the first. */
const sim_stepdesc *sim_last_step(const sim_exec *x, int *tid);

/* ------------------------------------------------------------------------ */
/* Model side: what the engine calls.                                        */

typedef struct sim_model_ops {
  /* Restores the initial state before an execution. */
  void (*reset)(void *model);
  /* Body of thread 'tid'. */
  void (*thread_main)(void *model, sim_thread *t, int tid);
  /* Cheap whole-state checks after every step; may call sim_violation. */
  void (*after_step)(void *model, sim_exec *x);
  /* Checks at quiescence (all threads done); may call sim_violation. */
  void (*at_end)(void *model, sim_exec *x);
  /* Name of an object for logs and messages, e.g. "var#0". */
  void (*obj_name)(void *model, sim_oid o, char *buf, size_t n);
  /* Hash of the final state (distinct final states in exploration). */
  uint64_t (*state_hash)(void *model);
  /* State matching (explorers with cfg->digests; both NULL for a model
     without it).  obj_hash: a hash of the current value of object o (for
     a lock object, anything: the engine hashes its holders itself).
     state_key: a hash of every part of the state the rest of the run can
     depend on; data no path of this variant reads may be left out (a
     counter only written), which makes the state space finite where it
     is finite. */
  uint64_t (*obj_hash)(void *model, sim_oid o);
  uint64_t (*state_key)(void *model);
  /* The violation kinds the model raises: row i has id SIM_KIND_MODEL + i.
     NULL/0 for a model that raises none of its own. */
  const sim_kind *kinds;
  int nkinds;
  /* Optional: the lock class of object o (a dense id, 0 <=
     id < SIM_LOCKDEP_MAX_CLASSES, the same for every object of one kind of
     lock: all page locks, all ptls) with its name in buf ("ptl"), or -1
     for an object that is not a lock.  Fixed for the model's life.  NULL:
     the lock-order checker (lockdep.h) is off for this model. */
  int (*lock_class)(void *model, sim_oid o, char *buf, size_t n);
  /* Optional, with lock_class: the model's declared lock order.  Returns
     1 if acquiring (or waiting for) a lock of class 'acq' while holding
     one of class 'held' goes against it, with the rule broken in buf
     ("i_mmap_lock is taken outside private_lock"), else 0.  lock_class
     may then return SIM_LOCK_UNDECLARED for a lock object the order does
     not list: its acquisition is a lock-order violation, so that the
     declared order stays complete. */
  int (*lock_order)(void *model, int held, int acq, char *buf, size_t n);
} sim_model_ops;

/* lock_class's answer for a lock the declared order does not list. */
#define SIM_LOCK_UNDECLARED (-2)

/* In an ops initializer: the model's kinds table, its length from the
   array itself. */
#define SIM_KINDS(table)                                                       \
  .kinds = (table), .nkinds = (int)(sizeof(table) / sizeof((table)[0]))
/* A model's whole ops table, in field order (after_step may be NULL):
     const sim_model_ops my_ops = SIM_MODEL_OPS(my_reset, my_thread_main,
         my_after_step, my_at_end, my_obj_name, my_state_hash, my_kinds); */
#define SIM_MODEL_OPS(reset_, thread_main_, after_step_, at_end_, obj_name_,   \
                      state_hash_, kinds_)                                     \
  {                                                                            \
    .reset = (reset_), .thread_main = (thread_main_),                          \
    .after_step = (after_step_), .at_end = (at_end_), .obj_name = (obj_name_), \
    .state_hash = (state_hash_), SIM_KINDS(kinds_)                             \
  }

/* The row of kind 'id' (engine or 'ops' table; ops may be NULL), or NULL. */
const sim_kind *sim_kind_get(const sim_model_ops *ops, int id);
/* The id of kind 'name' among the engine's and the model's, or
   SIM_KIND_NONE. */
int sim_kind_find(const sim_model_ops *ops, const char *name);

/* ------------------------------------------------------------------------ */
/* Scheduling: a chooser picks the next thread among the enabled ones.      */

typedef struct sim_choice_ctx {
  const sim_exec *x;
  uint32_t enabled; /* bit per enabled thread, never 0 */
  uint64_t step;    /* number of grants so far */
} sim_choice_ctx;

/* choose() returns an enabled thread id, or -1 to stop the execution as
   redundant (an explorer's sleep-set-blocked path): outcome SIM_PRUNED. */
typedef struct sim_chooser {
  int (*choose)(void *arg, const sim_choice_ctx *c);
  void *arg;
  /* Optional: called once when no thread is enabled but some are parked
     (a deadlock), with c->enabled == 0, before the violation is raised:
     the pending steps are still readable through sim_pending(). */
  void (*blocked)(void *arg, const sim_choice_ctx *c);
} sim_chooser;

/*
** The state of a running execution at a scheduling decision, as one hash
** (cfg->digests only): the model's state_key, the lock table, and for each
** thread whether it finished and its observation digest.  A thread's
** digest mixes, at every grant, the values (obj_hash) of the objects its
** step accesses and the outcome of its trylocks, as they are before its
** action: a thread's locals are a function of what it observed as long as
** footprints declare every read (the assumption DPOR makes already).
** sim_loop_live() resets it at loop heads.  Equal keys: equal futures, up
** to hash collisions (64 bits).
*/
uint64_t sim_state_key(const sim_exec *x);

/* Pending (declared, not yet granted) step of a thread, NULL if none. */
const sim_stepdesc *sim_pending(const sim_exec *x, int tid);
uint64_t sim_thread_ready_ns(const sim_exec *x, int tid);
int sim_nthreads(const sim_exec *x);

/* ------------------------------------------------------------------------ */
/* Observation: events and happens-before arrows, for logs and timelines.   */

typedef struct sim_event {
  uint64_t seq;   /* grant number in this execution, from 0 */
  uint64_t ts_ns; /* simulated start time */
  uint32_t dur_ns;
  int tid, cpu;
  int depth;        /* call nesting depth (0 = thread body) */
  const char *fn;   /* innermost function */
  const char *what; /* operation */
  sim_oid obj;      /* first object of the footprint */
  int has_obj;
  const sim_stepdesc *step;   /* full footprint */
  const char *before, *after; /* values, "" when none */
} sim_event;

/* Happens-before and anti-dependence arrows, between steps of different
   threads:
     LOCK        a release -> the next acquire of the lock;
     READS_FROM  the last write (or add) -> a read that sees it;
     WAKEUP      the last write -> a Wait step that observed it;
     FROM_READ   a read (or Wait) -> the next write (or add) of the object,
                 which overwrites what the read saw (the race edge:
                 "reads mapcount 0" -> "writes 1").
   Each pair of threads gets at most one arrow per object and write. */
enum sim_flow_kind {
  SIM_FLOW_LOCK,
  SIM_FLOW_READS_FROM,
  SIM_FLOW_WAKEUP,
  SIM_FLOW_FROM_READ,
  SIM_FLOW__COUNT
};

typedef struct sim_observer {
  void *arg;
  void (*event)(void *arg, const sim_event *ev);
  void (*flow)(void *arg, uint64_t from_seq, uint64_t to_seq,
               enum sim_flow_kind kind, sim_oid obj);
} sim_observer;

/* ------------------------------------------------------------------------ */
/* Running executions.                                                       */

enum sim_outcome {
  SIM_CLEAN,      /* all threads finished, no check failed */
  SIM_VIOLATION,  /* a check failed or threads deadlocked */
  SIM_STEP_LIMIT, /* stopped at max_steps */
  SIM_PRUNED,     /* stopped by the chooser (redundant for an explorer) */
  SIM_BOUNDED,    /* cut: a retry loop exceeded the loop bound */
};

typedef struct sim_thread_cfg {
  const char *name; /* e.g. "cpu1:truncate"; static for the engine's life */
  int cpu;          /* 0..ncpus-1, or SIM_CPU_BLOCKDEV */
} sim_thread_cfg;
/* The cpu of a thread that runs on the platform's block device host (a
   disk completing I/O), not on a virtual CPU. */
#define SIM_CPU_BLOCKDEV (-1)

typedef struct sim_exec_cfg {
  const sim_model_ops *ops;
  void *model;
  int nthreads;
  const sim_thread_cfg *threads;
  uint32_t nobjs; /* object ids are < nobjs */
  sim_chooser chooser;
  const sim_observer *observer; /* NULL: no logging */
  uint64_t max_steps;           /* 0: no limit */
  int loop_bound;               /* 0: none; else see sim_loop() */
  int digests; /* keep observation digests for sim_state_key(): needs the
                  model's obj_hash and state_key */
  sim_lockdep *lockdep; /* the lock-order checker's class graph, kept by
                           the caller across the executions it runs
                           (lockdep.h); NULL, or a model without
                           lock_class: no checker */
} sim_exec_cfg;

typedef struct sim_result {
  enum sim_outcome outcome;
  char kind[48];     /* violation kind's name, "" when clean */
  int kind_id;       /* its id (enum sim_kind_id), SIM_KIND_NONE when clean */
  char msg[512];     /* violation message */
  uint64_t viol_seq; /* event at which it was detected */
  sim_oid viol_objs[8];
  int nviol_objs;
  uint64_t steps;
  uint64_t end_ns;
  uint64_t trace_hash;
  uint64_t state_hash;
  int finished; /* every thread ran to its end: the model's state is
                   final (clean, or a violation of its at_end checks or
                   a lock-order finding), not cut by a violation */
  /* Grant sequence, one thread id per step (owned by the result). */
  uint8_t *sched;
  size_t nsched;
} sim_result;

/* Starts SimGrid with a generated platform of 'ncpus' hosts (plus a block
   device).  Once per process; later calls must not ask for more CPUs.
   Returns 0, or -1 with a message in err. */
int sim_init(int ncpus, char *err, size_t errlen);

/* Runs one execution.  Returns 0 (see r->outcome) or -1 on engine error.
   From maestro (outside any actor) or from inside sim_run_driver(). */
int sim_exec_run(const sim_exec_cfg *cfg, sim_result *r);
void sim_result_free(sim_result *r);

/*
** Runs fn(arg) inside a SimGrid "driver" actor (8 MiB of stack) and
** returns when it has returned.  Every sim_exec_run() fn makes runs its
** threads on worker actors kept from one execution to the next instead of
** creating one actor per thread (workers.c): the same results, without
** the per-execution actor set-up.  For callers that run many executions
** (explorers).  fn must not fork (sanitizer builds run each actor in a
** thread of its own).  Called from inside fn, it just calls fn.  Needs
** sim_init().  Returns 0.
*/
int sim_run_driver(void (*fn)(void *), void *arg);

/* ------------------------------------------------------------------------ */
/* Schedule strings: "0*3.1.0*2" = thread 0 three steps, 1 one, 0 two.       */

char *sim_sched_format(const uint8_t *s, size_t n); /* malloc'd */
/* The longest schedule sim_sched_parse() expands (FORMAT.md): a 71-byte
   string of large run counts would otherwise allocate gigabytes. */
#define SIM_SCHED_MAX_STEPS 1000000u
/* Parses; returns 0, or -1 with the column (1-based) and a message (a
   string longer than SIM_SCHED_MAX_STEPS steps: at the run that passes
   it). */
int sim_sched_parse(const char *str, uint8_t **out, size_t *n, int *col,
                    char *err, size_t errlen);
/* One run of a schedule string as written: 'count' grants to thread 'tid';
   'col' is the 1-based column of its thread id. */
typedef struct sim_sched_run {
  uint8_t tid;
  uint32_t count; /* 1..100000000 */
  int col;
} sim_sched_run;
/* The same grammar, the runs unexpanded (so that a caller can bound the
   length first and point at one run); *out is malloc'd.  Returns 0, or -1
   with the column (1-based) and a message, as sim_sched_parse(). */
int sim_sched_parse_runs(const char *str, sim_sched_run **out, size_t *n,
                         int *col, char *err, size_t errlen);

#endif /* MMSIM_SIM_H */
