import type { ComponentChildren } from 'preact';
import { ApiError } from '../api';

export function Loading(props: { what?: string }) {
  return <p class="loading" role="status" aria-live="polite">Loading{props.what === undefined ? '' : ` ${props.what}`}…</p>;
}

export function ErrorNote(props: { error: unknown; retry?: () => void }) {
  if (props.error === undefined || props.error === null) return null;
  const message = props.error instanceof ApiError ? props.error.message : String(props.error);
  return (
    <div class="error-note" role="alert">
      <span>{message}</span>
      {props.retry === undefined ? null : <button type="button" class="link" onClick={props.retry}>Try again</button>}
    </div>
  );
}

/** What a page says when it has nothing to show, and what to do about it. */
export function Empty(props: { children: ComponentChildren }) {
  return <div class="empty">{props.children}</div>;
}
