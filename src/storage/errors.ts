/** A key was created for, or moved to, an account that does not exist. */
export class UnknownAccountError extends Error {
  constructor(readonly accountId: string) {
    super(`no account with id ${accountId}`);
    this.name = 'UnknownAccountError';
  }
}

/** A `requests()` cursor that this storage did not hand out. */
export class InvalidCursorError extends Error {
  constructor(readonly cursor: string) {
    super(`invalid cursor ${JSON.stringify(cursor)}`);
    this.name = 'InvalidCursorError';
  }
}
