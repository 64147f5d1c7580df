// The emulated Redfish service's own resources beside the hardware: session service, a session, event service.
import { type Json, ref, ROOT } from './redfish-view.js';

export function sessionService(timeoutSeconds: number): Json {
  return {
    '@odata.id': `${ROOT}/SessionService`,
    '@odata.type': '#SessionService.v1_1_9.SessionService',
    Id: 'SessionService',
    Name: 'Session Service',
    ServiceEnabled: true,
    SessionTimeout: timeoutSeconds,
    Sessions: ref(`${ROOT}/SessionService/Sessions`),
  };
}

export function session(id: string, user: string): Json {
  return {
    '@odata.id': `${ROOT}/SessionService/Sessions/${id}`,
    '@odata.type': '#Session.v1_7_0.Session',
    Id: id,
    Name: 'User session',
    UserName: user,
  };
}

export function eventService(): Json {
  return {
    '@odata.id': `${ROOT}/EventService`,
    '@odata.type': '#EventService.v1_10_0.EventService',
    Id: 'EventService',
    Name: 'Event Service',
    ServiceEnabled: true,
    ServerSentEventUri: `${ROOT}/EventService/SSE`,
    Subscriptions: ref(`${ROOT}/EventService/Subscriptions`),
    EventTypesForSubscription: ['StatusChange', 'ResourceUpdated', 'ResourceAdded', 'ResourceRemoved', 'Alert'],
    EventFormatTypes: ['Event'],
    RegistryPrefixes: ['ResourceEvent'],
    // No SubmitTestEvent here; clients such as python3-sushy expect the (empty) Actions object all the same.
    Actions: {},
    Status: { State: 'Enabled', Health: 'OK' },
  };
}
