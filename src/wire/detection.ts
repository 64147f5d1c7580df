// The one detection schema: the site file and scenario files validate `detection.*` through it, each field named in
// errors ("detection.failAfterMs: expected an integer of milliseconds from 0 to 3600000").
import { z } from 'zod';
import { DEFAULT_DETECTION } from '../core/verdict.js';

const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: `expected ${what} from ${min} to ${max}` })
    .int({ error: `expected ${what} from ${min} to ${max}` })
    .min(min, { error: `expected ${what} from ${min} to ${max}` })
    .max(max, { error: `expected ${what} from ${min} to ${max}` });

/** Times in ms; every field optional, DEFAULT_DETECTION filling what is left out. */
export const detectionSchema = z.strictObject(
  {
    /** How long suspect and the workload's liveness lost must both last before a blade is failed. */
    failAfterMs: whole('an integer of milliseconds', 0, 3_600_000).default(DEFAULT_DETECTION.failAfterMs),
    /** How long a blade may stay suspect before its alarm is raised. */
    suspectAlarmMs: whole('an integer of milliseconds', 0, 86_400_000).default(DEFAULT_DETECTION.suspectAlarmMs),
    /** Observations in a row before a suspect blade fails, or is healthy again (flap damping). */
    consecutive: whole('an integer', 1, 100).default(DEFAULT_DETECTION.consecutive),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? 'unknown key; expected one of failAfterMs, suspectAlarmMs, consecutive'
        : 'expected a mapping of failAfterMs, suspectAlarmMs, consecutive',
  },
);
