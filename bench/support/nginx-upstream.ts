import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { completionPath, completionResponse, streamPath, streamResponse } from './fixtures.js';
import { pinned, ServerProcess } from './pinned-process.js';

/** A string as an nginx single-quoted literal (`\n` escapes, no variables in our bodies). */
function quoted(text: string): string {
  if (text.includes('$')) throw new Error('nginx would expand $ in a return body');
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function config(dir: string, port: number): string {
  return `
worker_processes 1;
master_process off;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location = ${completionPath} {
      default_type application/json;
      return 200 ${quoted(completionResponse)};
    }
    location = ${streamPath} {
      default_type text/event-stream;
      return 200 ${quoted(streamResponse)};
    }
  }
}
`;
}

/**
 * The fake upstream: one nginx worker (C, event loop) pinned to `cores`,
 * answering every chat call with the fixed bodies of fixtures.ts.
 */
export async function startNginxUpstream(nginx: string, dir: string, port: number, cores: string): Promise<ServerProcess> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config(dir, port));
  const server = new ServerProcess('nginx', pinned(cores, [nginx, '-p', dir, '-e', join(dir, 'error.log'), '-c', file]));
  await server.ready(async () => {
    const res = await request(`http://127.0.0.1:${port}${completionPath}`, { method: 'POST', body: '{}' });
    return (await res.body.text()) === completionResponse;
  });
  return server;
}
