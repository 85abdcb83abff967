import { MAX_BODY_DEPTH } from '../../src/lib/json-body.js';
import type { Dice } from './dice.js';
import { cloneJson, jsonText, type JsonObject } from './json-text.js';
import { BOM, mutateHeaders, mutateText } from './mutate-bytes.js';
import { mutateTree, parsedHas, type Implies, type TreeOptions } from './mutate-tree.js';

/** One request the fuzz sends, and what was done to make it (for the failure message). */
export interface FuzzCase {
  body: Buffer;
  /** Headers besides the key (which the sender adds); none means the defaults (JSON). */
  headers: Record<string, string | string[]>;
  /** Sent with `transfer-encoding: chunked` instead of a content length. */
  chunked: boolean;
  ops: string[];
  /** When the only change to the text is a leading BOM: the same body without it (it must get the same answer). */
  withoutBom?: Buffer;
  /** What the answer must be, where the mutation says: a forbidden key or a body too deep is a 400 naming why; a body at the limit is not refused for its depth. */
  expect?: { refused: RegExp } | { notRefused: RegExp };
}

export interface MutateOptions extends TreeOptions {
  /** Valid bodies to start from. */
  corpus: readonly JsonObject[];
}

/** A valid body of the corpus, changed by a few seeded mutations of its structure, its text and its headers. */
export function mutateBody(dice: Dice, options: MutateOptions): FuzzCase {
  const ops: string[] = [];
  const root = { value: cloneJson(dice.pick(options.corpus)) };
  const structural = dice.weighted([[2, 0], [5, 1], [3, 2], [1, 3]] as const);
  let implies: Implies;
  for (let i = 0; i < structural; i++) implies = mutateTree(dice, root, options, ops);
  let body: Buffer = Buffer.from(jsonText(root.value));
  let withoutBom: Buffer | undefined;
  const textChanged = dice.chance(0.25);
  if (textChanged) {
    const before = body;
    body = mutateText(dice, body, ops);
    if (body.length === before.length + BOM.length && body.subarray(0, BOM.length).equals(BOM) && body.subarray(BOM.length).equals(before)) withoutBom = before;
  }
  const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
  let chunked = false;
  if (dice.chance(0.2)) mutateHeaders(dice, headers, ops);
  if (dice.chance(0.15)) {
    chunked = true;
    ops.push('headers: chunked, no content-length');
  }
  if (withoutBom !== undefined && ops.some((op) => op.startsWith('headers'))) withoutBom = undefined;
  // The text still being the tree's JSON, the last mutation's key stays forbidden; a depth is known when it was the only one.
  let expect: FuzzCase['expect'];
  if (!textChanged && implies !== undefined) {
    // (An earlier mutation may have made it too deep, which is refused first.)
    if ('forbidden' in implies) {
      if (parsedHas(root.value, implies.forbidden)) expect = { refused: /__proto__|nested more than/ };
    } else if (structural === 1) {
      expect = implies.deepest > MAX_BODY_DEPTH ? { refused: /nested more than/ } : { notRefused: /nested more than/ };
    }
  }
  return { body, headers, chunked, ops, ...(withoutBom === undefined ? {} : { withoutBom }), ...(expect === undefined ? {} : { expect }) };
}
