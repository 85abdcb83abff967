import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';

/** Tabs as WAI-ARIA describes them: arrow keys (and Home/End) move between tabs, Tab goes into the panel. */
export function Tabs(props: { label: string; tabs: Array<{ id: string; title: string; content: ComponentChildren }>; idPrefix: string }) {
  const [selected, setSelected] = useState(props.tabs[0]?.id ?? '');
  const list = useRef<HTMLDivElement>(null);
  const select = (index: number) => {
    const tab = props.tabs[(index + props.tabs.length) % props.tabs.length]!;
    setSelected(tab.id);
    list.current?.querySelector<HTMLElement>(`#${props.idPrefix}-tab-${tab.id}`)?.focus();
  };
  const at = props.tabs.findIndex((t) => t.id === selected);
  const current = props.tabs[at] ?? props.tabs[0];
  return (
    <div class="tabs">
      <div role="tablist" aria-label={props.label} ref={list} onKeyDown={(e) => {
        const moves: Record<string, number> = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: props.tabs.length - 1 };
        const to = moves[e.key];
        if (to !== undefined) { e.preventDefault(); select(to); }
      }}>
        {props.tabs.map((t) => (
          <button type="button" role="tab" key={t.id} id={`${props.idPrefix}-tab-${t.id}`} aria-selected={t.id === current?.id} aria-controls={`${props.idPrefix}-panel`} tabIndex={t.id === current?.id ? 0 : -1} onClick={() => setSelected(t.id)}>
            {t.title}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${props.idPrefix}-panel`} aria-labelledby={`${props.idPrefix}-tab-${current?.id}`} tabIndex={0}>
        {current?.content}
      </div>
    </div>
  );
}
