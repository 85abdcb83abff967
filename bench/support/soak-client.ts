import { request, type Agent } from 'node:http';

/** When a soak request's client hangs up: while sending its body, while waiting for the answer, or after a few stream chunks. */
export type ClientAbort = 'mid_body' | 'waiting' | 'mid_stream';

/** A slow reader: pauses longer than Lingua's stall bound, then reads in small bites; or stops reading and holds the socket open. */
export type SlowReader = 'slow_read' | 'stop_reading';

export interface SoakCall {
  /** Its `x-request-id`: the log line it must have. */
  id: string;
  path: string;
  body: string;
  abort?: ClientAbort;
  /** `waiting`: ms after the body was sent; `mid_stream`: chunks read first. */
  abortAt?: number;
  slow?: SlowReader;
}

/** What the client saw: a status (0: the connection failed, or the client left first). */
export interface SoakResult {
  status: number;
  aborted: boolean;
}

/** Makes one call over `agent`, hanging up as its plan says. Never rejects. */
export function soakCall(origin: string, call: SoakCall, agent: Agent): Promise<SoakResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (status: number, aborted: boolean) => {
      if (done) return;
      done = true;
      resolve({ status, aborted });
    };
    const body = Buffer.from(call.body);
    const req = request(`${origin}${call.path}`, {
      method: 'POST',
      agent: call.abort === undefined ? agent : false,
      headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-request-id': call.id, 'anthropic-version': '2023-06-01' },
    }, (res) => {
      if (call.slow !== undefined) {
        res.pause();
        // stop_reading holds the socket until Lingua ends it (10 s at most); slow_read reads again after 1.5 s, a bite each 20 ms.
        const hold = setTimeout(() => { if (call.slow === 'stop_reading') req.destroy(); else res.resume(); }, call.slow === 'stop_reading' ? 10_000 : 1_500);
        res.on('data', () => { res.pause(); setTimeout(() => res.resume(), 20); });
        res.once('close', () => clearTimeout(hold));
      } else if (call.abort === 'mid_stream') {
        let chunks = 0;
        res.on('data', () => {
          if (++chunks >= (call.abortAt ?? 1)) {
            req.destroy();
            finish(res.statusCode ?? 0, true);
          }
        });
      } else {
        res.resume();
      }
      res.on('end', () => finish(res.statusCode ?? 0, false));
      res.on('error', () => finish(res.statusCode ?? 0, true));
      res.on('close', () => finish(res.statusCode ?? 0, !res.complete));
    });
    req.on('error', () => finish(0, call.abort !== undefined));
    if (call.abort === 'mid_body') {
      // Half the body, then the client is gone (a FIN after the data: the server reads what came).
      req.write(body.subarray(0, body.length >> 1), () => setImmediate(() => { req.destroy(); finish(0, true); }));
      return;
    }
    req.end(body);
    if (call.abort === 'waiting') req.once('finish', () => setTimeout(() => { req.destroy(); finish(0, true); }, call.abortAt ?? 5));
  });
}
