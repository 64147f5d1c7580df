// The dashboard's entry point: the login form, the token in sessionStorage (this tab only, gone when it closes),
// and the signed-in page. Nothing is shown without a token the API accepts; a 401 at any time returns here.
import { ApiClient, ApiFailure } from './api.js';
import type { Session } from './api-types.js';
import { Dashboard } from './dashboard.js';
import { byId, fill } from './dom.js';

const KEY = 'cascade.token';
let current: Dashboard | null = null;

function showLogin(message: string | null): void {
  current?.stop();
  current = null;
  sessionStorage.removeItem(KEY);
  byId('dashboard').hidden = true;
  byId('nav').hidden = true;
  byId('logout').hidden = true;
  byId('login').hidden = false;
  fill(byId('login-error'), message ?? '');
  byId<HTMLInputElement>('token').focus();
}

async function signIn(token: string): Promise<void> {
  let unauthorized = false;
  const api = new ApiClient(token, () => {
    unauthorized = true;
    if (current) showLogin('Your token is no longer valid: sign in again.');
  });
  let session: Session;
  try {
    session = await api.get<Session>('/api/v1/session');
  } catch (error) {
    const message =
      unauthorized || (error instanceof ApiFailure && error.status === 401)
        ? 'That token is unknown, revoked or malformed.'
        : error instanceof ApiFailure && error.status === 429
          ? 'Too many failed sign-ins from this address: wait a minute.'
          : `Cannot sign in: ${error instanceof Error ? error.message : String(error)}`;
    showLogin(message);
    return;
  }
  sessionStorage.setItem(KEY, token);
  byId('login').hidden = true;
  byId('dashboard').hidden = false;
  byId('nav').hidden = false;
  byId('logout').hidden = false;
  const dashboard = new Dashboard(api, session);
  current = dashboard;
  try {
    await dashboard.start();
  } catch (error) {
    if (!(error instanceof ApiFailure && error.status === 401))
      fill(byId('notice'), error instanceof Error ? error.message : String(error));
  }
}

function boot(): void {
  byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('token');
    const token = input.value.trim();
    input.value = '';
    if (token === '') return;
    void signIn(token);
  });
  byId('logout').addEventListener('click', () => showLogin(null));
  const saved = sessionStorage.getItem(KEY);
  if (saved) void signIn(saved);
  else showLogin(null);
}

boot();
