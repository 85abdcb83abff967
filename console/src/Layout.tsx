import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { PageDef } from './App';
import { href } from './router';
import { useSession } from './session';

/** The frame of every page: a skip link, the navigation, who is logged in, and the page's heading. */
export function Layout(props: { pages: PageDef[]; current: PageDef; onLogout: () => void; children: ComponentChildren }) {
  const session = useSession();
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = useRef(false);
  useEffect(() => {
    document.title = `${props.current.title} · Lingua console`;
    // After a page change (not at load, where Tab should reach the skip link first), focus its heading: screen readers announce the new page.
    if (loaded.current) heading.current?.focus();
    loaded.current = true;
    // On a phone the navigation scrolls sideways: keep the current page's link in sight.
    document.querySelector('.top nav a[aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [props.current.page]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header class="top">
        <span class="brand">Lingua</span>
        <nav aria-label="Console pages">
          <ul>
            {props.pages.map((p) => (
              <li key={p.page}>
                <a href={href(p.page)} aria-current={p.page === props.current.page ? 'page' : undefined}>{p.title}</a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>{session.kind === 'operator' ? 'Operator' : session.email}{session.account === null ? '' : ` · ${session.account.name}`}</span>
          <button type="button" class="link" onClick={props.onLogout}>Log out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <h1 ref={heading} tabIndex={-1}>{props.current.title}</h1>
        {props.children}
      </main>
    </>
  );
}
