// The site file's `notifications:` section: where alarm events go (webhooks, alert scripts) and how hard to try.
import { z } from 'zod';

const name = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1 to 64 letters, digits, or . _ -');
const ms = (min: number, max: number) => z.number().int().min(min).max(max);

/** The audit event types a destination hears by default: every change of an alarm. */
export const DEFAULT_NOTIFIED = ['alarm.raised', 'alarm.cleared', 'alarm.acknowledged'] as const;

const events = z
  .array(z.string().regex(/^[a-z]+(\.[a-z]+)+$/, 'expected an audit event type such as alarm.raised'))
  .min(1)
  .optional();

const webhook = z
  .object({
    name,
    url: z
      .string()
      .url()
      .refine((u) => /^https?:/.test(u), 'expected an http(s) URL'),
    /** json: Cascade's own body; alertmanager: Alertmanager's webhook body (version 4), for receivers that read it. */
    format: z.enum(['json', 'alertmanager']).default('json'),
    timeoutMs: ms(100, 120_000).default(5_000),
    events,
  })
  .strict();

/** A Pacemaker-style alert agent: an executable run with the event in CASCADE_alert_* environment variables. */
const script = z
  .object({
    name,
    path: z
      .string()
      .min(1)
      .refine((p) => p.startsWith('/'), 'expected an absolute path to an executable'),
    /** Passed as CASCADE_alert_recipient, as Pacemaker passes an alert's recipient value. */
    recipient: z.string().max(500).optional(),
    timeoutMs: ms(100, 600_000).default(10_000),
    events,
  })
  .strict();

export const notificationsSchema = z
  .object({
    webhooks: z.array(webhook).default([]),
    scripts: z.array(script).default([]),
    /** A failed delivery is tried again after backoffMs, doubling up to maxBackoffMs, attempts times in all. */
    retry: z
      .object({
        attempts: z.number().int().min(1).max(20).default(5),
        backoffMs: ms(1, 600_000).default(1_000),
        maxBackoffMs: ms(1, 3_600_000).default(60_000),
      })
      .strict()
      .default({ attempts: 5, backoffMs: 1_000, maxBackoffMs: 60_000 }),
  })
  .strict()
  .superRefine((n, ctx) => {
    const seen = new Set<string>();
    [
      ...n.webhooks.map((w, i) => ['webhooks', i, w.name] as const),
      ...n.scripts.map((s, i) => ['scripts', i, s.name] as const),
    ].forEach(([list, i, id]) => {
      if (seen.has(id))
        ctx.addIssue({
          code: 'custom',
          path: [list, i, 'name'],
          message: `expected a name no other destination has ("${id}" is taken)`,
        });
      seen.add(id);
    });
  });

export type NotificationsConfig = z.infer<typeof notificationsSchema>;
export type WebhookConfig = NotificationsConfig['webhooks'][number];
export type ScriptConfig = NotificationsConfig['scripts'][number];
