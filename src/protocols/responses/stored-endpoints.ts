import { invalidRequest, LinguaError } from '../../canonical/index.js';
import type { CallerState, Endpoint, KeptResponse } from '../contract.js';
import { responsesProtocol } from './protocol.js';

/**
 * What the caller's account kept with `store`: `GET /v1/responses/{id}`,
 * `DELETE /v1/responses/{id}` and `GET /v1/responses/{id}/input_items`
 * (OpenAI's list: newest first unless `order=asc`, `limit` 1–100 (20),
 * `after` / `before` an item id). Another account's responses are not found.
 */

function notFound(id: string): LinguaError {
  return new LinguaError('not_found', `Response with id '${id}' not found.`, { param: 'response_id', code: 'response_not_found' });
}

/** The response id in the path, and what follows it. */
function parse(arg: string): { id: string; rest: string } {
  const slash = arg.indexOf('/');
  let id = slash === -1 ? arg : arg.slice(0, slash);
  try {
    id = decodeURIComponent(id);
  } catch {
    // Not a valid encoding: no response has that id.
  }
  return { id, rest: slash === -1 ? '' : arg.slice(slash + 1) };
}

async function kept(state: CallerState, id: string): Promise<KeptResponse> {
  const found = await state.get(id);
  if (found === undefined) throw notFound(id);
  return found;
}

async function retrieve(arg: string, query: URLSearchParams, state: CallerState): Promise<unknown> {
  const { id, rest } = parse(arg);
  if (rest === 'input_items') return inputItems(await kept(state, id), query);
  if (rest !== '') throw new LinguaError('not_found', `Unknown endpoint: GET /v1/responses/${arg}`, { code: 'unknown_url' });
  if (query.get('stream') === 'true') {
    throw invalidRequest("Unsupported parameter: 'stream': a stored response is returned whole; this server does not replay its events.", 'stream', 'unsupported_parameter');
  }
  return (await kept(state, id)).response;
}

function inputItems(response: KeptResponse, query: URLSearchParams): unknown {
  const order = query.get('order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw invalidRequest(`Invalid 'order': '${order}'. Expected 'asc' or 'desc'.`, 'order', 'invalid_request_error');
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidRequest(`Invalid 'limit': '${limitText}'. Expected an integer from 1 to 100.`, 'limit', 'invalid_request_error');
  let items = response.inputItems as Array<{ id?: unknown }>;
  if (order === 'desc') items = [...items].reverse();
  for (const cursor of ['after', 'before'] as const) {
    const id = query.get(cursor);
    if (id === null) continue;
    const at = items.findIndex((item) => item.id === id);
    if (at === -1) throw invalidRequest(`Invalid '${cursor}': no input item with id '${id}' in this response.`, cursor, 'invalid_request_error');
    items = cursor === 'after' ? items.slice(at + 1) : items.slice(0, at);
  }
  const data = items.slice(0, limit);
  return {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: items.length > data.length,
  };
}

async function remove(arg: string, _query: URLSearchParams, state: CallerState): Promise<unknown> {
  const { id, rest } = parse(arg);
  if (rest !== '') throw new LinguaError('not_found', `Unknown endpoint: DELETE /v1/responses/${arg}`, { code: 'unknown_url' });
  if (!(await state.delete(id))) throw notFound(id);
  return { id, object: 'response', deleted: true };
}

export const storedResponseEndpoints: Endpoint[] = [
  { kind: 'state', method: 'GET', path: '/v1/responses/', prefix: true, name: 'responses.retrieve', protocol: responsesProtocol, serve: retrieve },
  { kind: 'state', method: 'DELETE', path: '/v1/responses/', prefix: true, name: 'responses.delete', protocol: responsesProtocol, serve: remove },
];
