/*
** test_parser_sched.c - run lines (models/scenario.c): schedule strings
** with their counts and thread ids, and symbolic schedules
** (models/scn_symsched.c), kept as written without their comment.
*/
#include "parser_helpers.h"

Test(parser, run_lines) {
  scenario *s = parse_ok(HEAD "cpu1: delay 1\n" TAIL "run random seed=0x10\n");
  cr_assert_eq(s->run, SCN_RUN_RANDOM);
  cr_assert_eq(s->run_seed, 16);
  free(s);
  s = parse_ok(HEAD TAIL "run timed\n");
  cr_assert_eq(s->run, SCN_RUN_TIMED);
  cr_assert_eq(s->run_seed, 0);
  free(s);
  /* the schedule may come before the threads it names */
  s = parse_ok(HEAD "run schedule 0*3.1*4.0\n"
                    "cpu1: delay 1\n" TAIL);
  cr_assert_eq(s->run, SCN_RUN_SCHEDULE);
  cr_assert_str_eq(s->run_schedule, "0*3.1*4.0");
  cr_assert_eq(s->run_seed, 0);
  free(s);
}

ERR_TEST(bad_schedule_count, HEAD "run schedule 0*3.1*0\n",
         "t.scn:7:21: error: bad schedule: step count must be 1..100000000")

ERR_TEST(bad_schedule_char, HEAD "run schedule 0*3,1\n",
         "t.scn:7:17: error: bad schedule: expected '.', '*' or end of "
         "schedule, found ','")

ERR_TEST(bad_schedule_start, HEAD "run schedule .0\n",
         "t.scn:7:14: error: bad schedule: expected a thread number, found "
         "'.'")

ERR_TEST(schedule_too_long, HEAD "run schedule 0*100000000.1*100000000.0*2\n",
         "t.scn:7:14: error: schedule longer than 1000000 steps, expected a "
         "shorter one")

ERR_TEST(schedule_too_long_late, HEAD "run schedule 0.1*999999.0\n",
         "t.scn:7:25: error: schedule longer than 1000000 steps, expected a "
         "shorter one")

ERR_TEST(schedule_thread_unknown_later_run,
         HEAD "cpu1: delay 1\n" TAIL "run schedule 1*2.0.1.3*2\n",
         "t.scn:10:22: error: schedule names thread 3, expected 0..1 (the "
         "scenario has 2 threads)")

ERR_TEST(schedule_thread_unknown, HEAD TAIL "run schedule 0*3.1*2.0\n",
         "t.scn:9:18: error: schedule names thread 1, expected 0..0 (the "
         "scenario has 1 thread)")

/* Symbolic schedules (sim/symsched.h): each construct's errors, at the
   byte where the parse stopped. */
ERR_TEST(symsched_unknown_thread, HEAD TAIL "run schedule cpu0; cpu3\n",
         "t.scn:9:20: error: bad schedule: unknown thread 'cpu3', expected "
         "one of cpu0 (or a number 0..0)")

ERR_TEST(symsched_missing_until, HEAD TAIL "run schedule cpu0 page_mapped\n",
         "t.scn:9:19: error: bad schedule: expected 'until', ';' or end of "
         "schedule, found 'p'")

ERR_TEST(symsched_missing_point, HEAD TAIL "run schedule cpu0 until ;\n",
         "t.scn:9:25: error: bad schedule: expected a step label (a name or "
         "a quoted label), found ';'")

ERR_TEST(symsched_empty_segment, HEAD TAIL "run schedule cpu0;; cpu0\n",
         "t.scn:9:19: error: bad schedule: expected a thread name such as "
         "cpu0, found ';'")

ERR_TEST(symsched_missing_label_after_fn,
         HEAD TAIL "run schedule cpu0 until do_no_page: x\n",
         "t.scn:9:36: error: bad schedule: expected a step label after "
         "'function:' (a name or a quoted label), found ' '")

ERR_TEST(symsched_unterminated_label,
         HEAD TAIL "run schedule cpu0 until \"lock_page\n",
         "t.scn:9:25: error: bad schedule: unterminated quoted step label, "
         "expected a closing '\"'")

ERR_TEST(symsched_occurrence_zero,
         HEAD TAIL "run schedule cpu0 until lock_page#0\n",
         "t.scn:9:35: error: bad schedule: occurrence must be 1..100000000, "
         "found '0'")

ERR_TEST(symsched_occurrence_too_big,
         HEAD TAIL "run schedule cpu0 until lock_page#100000001\n",
         "t.scn:9:35: error: bad schedule: occurrence must be 1..100000000, "
         "found '1'")

ERR_TEST(symsched_junk_after_point,
         HEAD TAIL "run schedule cpu0 until lock_page x\n",
         "t.scn:9:35: error: bad schedule: expected ';' or end of schedule, "
         "found 'x'")

/* The model's own threads are named: blockdev and exit follow the
   scenario's (writeback tracking: fsync). */
ERR_TEST(symsched_model_threads,
         HEAD "cpu0: fsync data\nexpect clean\nrun schedule exit; cpu1\n",
         "t.scn:9:20: error: bad schedule: unknown thread 'cpu1', expected "
         "one of cpu0, blockdev, exit (or a number 0..2)")

Test(parser, symbolic_schedule_is_kept_without_its_comment) {
  scenario *s = parse_ok(HEAD TAIL "run schedule cpu0 until do_no_page:"
                                   "\"pte_none? set_pte_at\"#2; 0  # a note\n");
  cr_assert_eq(s->run, SCN_RUN_SCHEDULE);
  cr_assert_str_eq(s->run_schedule,
                   "cpu0 until do_no_page:\"pte_none? set_pte_at\"#2; 0");
  free(s);
  /* a '#' after a blank starts the comment, even before a digit */
  s = parse_ok(HEAD TAIL "run schedule cpu0 until lock_page #2\n");
  cr_assert_str_eq(s->run_schedule, "cpu0 until lock_page");
  free(s);
}

ERR_TEST(litmus_schedule_thread_out_of_range,
         "scenario \"t\"\nlitmus counter 2\nexpect clean\nrun schedule 0.2\n",
         "t.scn:4:16: error: schedule names thread 2, expected 0..1 (the "
         "scenario has 2 threads)")
