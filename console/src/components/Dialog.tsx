import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A modal dialog on the browser's own <dialog>: focus moves into it and
 * stays there, Escape closes it, and focus returns where it was.
 */
export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    return () => opener?.focus();
  }, []);
  return (
    <dialog ref={ref} class={props.wide === true ? 'wide' : ''} aria-labelledby="dialog-title" onCancel={(e) => { e.preventDefault(); props.onClose(); }}>
      <header>
        <h2 id="dialog-title">{props.title}</h2>
        <button type="button" class="close" aria-label="Close" onClick={props.onClose}>×</button>
      </header>
      {props.children}
    </dialog>
  );
}

/** Asks before something that cannot be undone. */
export function Confirm(props: { title: string; children: ComponentChildren; action: string; busy?: boolean; error?: unknown; onConfirm: () => void; onClose: () => void; danger?: boolean }) {
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <div class="dialog-body">{props.children}</div>
      <footer>
        <button type="button" onClick={props.onClose}>Cancel</button>
        <button type="button" class={props.danger === true ? 'danger' : 'primary'} disabled={props.busy} onClick={props.onConfirm}>
          {props.busy === true ? 'Working…' : props.action}
        </button>
      </footer>
    </Dialog>
  );
}
