// A Task monitor followed to its end: an action answered 202 with a Location is done when the monitor stops
// answering 202 or the Task it shows reaches a final TaskState; an Exception, Killed or Cancelled task is a failure
// that carries the task's own messages.
import type { About, Json, RedfishClient, Reply } from './redfish-client.js';
import { RedfishError } from './redfish-error.js';

const FAILED = new Set(['Exception', 'Killed', 'Cancelled', 'Interrupted']);
const DONE = new Set(['Completed']);

export interface TaskOptions {
  /** Give up once this much time has passed since the action was accepted. */
  readonly deadlineMs: number;
  /** First wait between reads of the monitor; doubles up to 2 s. */
  readonly pollMs?: number;
}

/** Resolves when the task completed; rejects with a RedfishError naming the monitor otherwise. */
export async function followTask(client: RedfishClient, monitor: string, about: About, o: TaskOptions): Promise<void> {
  const until = Date.now() + o.deadlineMs;
  let wait = o.pollMs ?? 100;
  for (;;) {
    let reply: Reply | null;
    try {
      reply = await client.request('GET', monitor, undefined, about);
    } catch (error) {
      // A monitor may vanish once the task is over and its result was read: the caller confirms by reading back.
      if (error instanceof RedfishError && (error.status === 404 || error.status === 410)) return;
      if (!(error instanceof RedfishError) || !error.transient) throw error;
      reply = null;
    }
    const state = reply ? taskState(reply.body) : null;
    if (state !== null && FAILED.has(state)) {
      throw new RedfishError(
        'http',
        `${who(client, about)}: task ${monitor} ended ${state}${messages(reply?.body ?? null)}`,
        about.blade ?? null,
        monitor,
      );
    }
    if (reply && (DONE.has(state ?? '') || (reply.status !== 202 && state === null))) return;
    if (Date.now() + wait > until) {
      throw new RedfishError(
        'timeout',
        `${who(client, about)}: task ${monitor} still ${state ?? 'running'} after ${o.deadlineMs} ms`,
        about.blade ?? null,
        monitor,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(2_000, wait * 2);
  }
}

function taskState(body: Json | null): string | null {
  const state = body?.['TaskState'];
  return typeof state === 'string' ? state : null;
}

function messages(body: Json | null): string {
  const list = body?.['Messages'];
  if (!Array.isArray(list)) return '';
  const texts = list.flatMap((m: unknown) =>
    typeof m === 'object' && m !== null && typeof (m as Json)['Message'] === 'string'
      ? [String((m as Json)['Message'])]
      : [],
  );
  return texts.length > 0 ? `: ${texts.join('; ').slice(0, 200)}` : '';
}

function who(client: RedfishClient, about: About): string {
  return about.blade !== undefined ? `blade ${about.blade}` : client.name;
}
