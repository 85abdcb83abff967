import { snippetModel, snippets } from './snippets';
import { CopyButton } from './CopyButton';
import { Dialog } from './Dialog';
import { Tabs } from './Tabs';
import type { KeyWithSecret } from '../types';

/** A key's secret, shown this once, with a copy button and calls ready to paste. */
export function SecretPanel(props: { created: KeyWithSecret; served: string[]; rotated?: boolean; onClose: () => void }) {
  const { created } = props;
  const model = snippetModel(created.models, props.served);
  return (
    <Dialog title={props.rotated === true ? `New secret for ${created.name}` : `Token ${created.name} created`} onClose={props.onClose} wide>
      <div class="dialog-body">
        <p class="warning" role="status"><strong>Copy this key now.</strong> This is the only time it is shown; Lingua keeps only its hash.</p>
        <div class="secret">
          <code id="new-secret" data-testid="secret">{created.key}</code>
          <CopyButton text={created.key} label="Copy key" />
        </div>
        <p class="hint">Public id <code>{created.id}</code>: lists, logs and usage show it.</p>
        <h3>Use it</h3>
        <Tabs label="Code samples" idPrefix="snippet" tabs={snippets(created.key, model, location.origin).map((s) => ({
          id: s.id,
          title: s.title,
          content: (
            <div class="snippet">
              <pre><code>{s.code}</code></pre>
              <CopyButton text={s.code} />
            </div>
          ),
        }))} />
      </div>
      <footer><button type="button" class="primary" onClick={props.onClose}>Done</button></footer>
    </Dialog>
  );
}
