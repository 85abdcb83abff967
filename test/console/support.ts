import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ADMIN_KEY = 'admin-key-console-0123456789';

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

/**
 * A browser's view of the console API, without the browser: the session
 * cookie it was given, the CSRF token of its session, and the headers the
 * console's pages send (`x-lingua-console`, `x-csrf-token`).
 */
export class ConsoleClient {
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(`${this.base}/console/api${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        'x-lingua-console': '1',
        ...(this.cookie === undefined ? {} : { cookie: this.cookie }),
        ...(this.csrf === undefined ? {} : { 'x-csrf-token': this.csrf }),
        ...headers,
      },
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: JSON.stringify(body ?? {}) }),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie !== null) {
      const value = /^lingua_console=([^;]*)/.exec(setCookie)?.[1];
      this.cookie = value === undefined || value === '' ? undefined : `lingua_console=${value}`;
    }
    const text = await res.text();
    const answer = { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
    if (answer.status === 200 && answer.body?.object === 'session') this.csrf = answer.body.csrf_token;
    return answer;
  }

  loginOperator(adminKey = ADMIN_KEY): Promise<Answer> {
    return this.call('POST', '/login/operator', { admin_key: adminKey });
  }

  login(email: string, password: string): Promise<Answer> {
    return this.call('POST', '/login', { email, password });
  }
}

/** Builds the console into dist/console when its sources changed since the last build (console/build.mjs --if-stale). */
export async function buildConsole(): Promise<void> {
  const script = fileURLToPath(new URL('../../../console/build.mjs', import.meta.url));
  await promisify(execFile)(process.execPath, [script, '--if-stale'], { timeout: 120_000 });
}
