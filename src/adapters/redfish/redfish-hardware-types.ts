// The types RedfishHardware's callers share: its options, how ready its endpoint is, a blade's pre-flight check and
// which paths bring the endpoint's events.
import type { BladeStatus } from '../../ports/hardware.js';
import type { RedfishEndpoint } from './redfish-client.js';
import type { PushOptions, PushState } from './redfish-push.js';

/** How one endpoint is doing: `failing` makes /readyz answer 503 naming it; `warning` is shown, not fatal. */
export interface EndpointReadiness {
  readonly state: 'ok' | 'warning' | 'failing' | 'unknown';
  readonly detail: string;
}

export interface RedfishLogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly msg: string;
  readonly [key: string]: unknown;
}

export interface RedfishHardwareOptions extends RedfishEndpoint {
  /** Parallel requests during discovery; default 8. */
  readonly concurrency?: number;
  /** First wait before reconnecting the event stream; it doubles up to 30 s. Default 500 ms. */
  readonly eventRetryMs?: number;
  readonly log?: (entry: RedfishLogEntry) => void;
  /** How long a Reset answered 202 may run, following its Task monitor; default 60 s. */
  readonly taskMs?: number;
  /** Subscribe to pushed events (an EventDestination) while anyone listens; the receiver calls pushed(). */
  readonly push?: PushOptions;
}

export interface BladeCheck extends Omit<BladeStatus, 'state'> {
  /** Status.State as the BMC says it (Enabled, Absent, StandbyOffline...). */
  readonly state: string | null;
  /** ResetType@Redfish.AllowableValues; null when the service does not say (every type is tried). */
  readonly reset: readonly string[] | null;
  readonly problem: string | null;
}

/** Which paths bring this endpoint's events: `drivers check` and the log say it. */
export interface EventPaths {
  readonly sse: string | null;
  readonly push: PushState;
  readonly summary: string;
}
