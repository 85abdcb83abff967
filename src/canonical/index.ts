export type * from './request.js';
export type * from './events.js';
export type * from './usage.js';
export type * from './finish.js';
export type * from './response.js';
export { LinguaError, clientClosed, invalidRequest, kindForStatus } from './errors.js';
export type { ErrorKind, ErrorOptions } from './errors.js';
export { foldBatches, foldStream } from './fold.js';
export { flattenBatches, singleBatches, WholeAnswer } from './event-batches.js';
