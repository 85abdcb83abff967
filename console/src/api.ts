/** Calls to the console's API (/console/api): JSON in and out, the session's CSRF token on every state-changing call. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The field the error names (the admin API's 400s carry it: `models[0]`, `expires_at`). */
    readonly param: string | null,
    readonly code: string | null,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onSessionLost: (error: ApiError) => void = () => {};

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** What to do when a call finds the session gone (expired, logged out elsewhere): show the login page. */
export function onSessionEnded(handler: (error: ApiError) => void): void {
  onSessionLost = handler;
}

export type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/console/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        'x-lingua-console': '1',
        ...(csrfToken === '' ? {} : { 'x-csrf-token': csrfToken }),
      },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body ?? {}) }),
    });
  } catch {
    throw new ApiError(0, 'Lingua could not be reached. Is the server running?', null, 'network_error');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: { message?: string; param?: string | null; code?: string | null } } | undefined)?.error;
    const error = new ApiError(res.status, e?.message ?? `The server answered ${res.status}.`, e?.param ?? null, e?.code ?? null);
    if (res.status === 401 && (error.code === 'no_session' || error.code === 'session_expired')) onSessionLost(error);
    throw error;
  }
  return json as T;
}

/** The form field an error names: `models[0]` → `models`, `limits.rpm` → `limits`. */
export function fieldOf(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.param === null) return null;
  return error.param.split(/[.[]/)[0] ?? null;
}
