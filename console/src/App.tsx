import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, onSessionEnded, setCsrfToken } from './api';
import { Loading } from './components/Feedback';
import { Layout } from './Layout';
import { Accounts } from './pages/Accounts';
import { Invite } from './pages/Invite';
import { Keys } from './pages/Keys';
import { Login } from './pages/Login';
import { Models } from './pages/Models';
import { Playground } from './pages/Playground';
import { Requests } from './pages/Requests';
import { Usage } from './pages/Usage';
import { useRoute } from './router';
import { SessionContext } from './session';
import type { Session } from './types';

export interface PageDef {
  page: string;
  title: string;
  operatorOnly?: boolean;
}

export const pages: PageDef[] = [
  { page: 'keys', title: 'Keys' },
  { page: 'usage', title: 'Usage' },
  { page: 'requests', title: 'Requests' },
  { page: 'models', title: 'Models' },
  { page: 'playground', title: 'Playground' },
  { page: 'accounts', title: 'Accounts', operatorOnly: true },
];

export function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const loggedIn = (s: Session) => {
    setCsrfToken(s.csrf_token);
    setNotice(undefined);
    setSession(s);
  };

  useEffect(() => {
    onSessionEnded((error) => {
      setCsrfToken('');
      setSession(null);
      setNotice(error.code === 'session_expired' ? error.message : undefined);
    });
    api<Session>('GET', '/session').then(loggedIn, (error: unknown) => {
      if (!(error instanceof ApiError) || error.status !== 401) setNotice(error instanceof Error ? error.message : String(error));
      setSession(null);
    });
  }, []);

  if (route.page === 'invite') return <Invite token={route.rest[0] ?? ''} onLoggedIn={loggedIn} />;
  if (session === undefined) return <main class="center"><Loading what="the console" /></main>;
  if (session === null) return <Login notice={notice} onLoggedIn={loggedIn} />;

  const allowed = pages.filter((p) => p.operatorOnly !== true || session.kind === 'operator');
  const current = allowed.find((p) => p.page === route.page) ?? allowed[0]!;
  const logout = async () => {
    await api('POST', '/logout').catch(() => undefined);
    setCsrfToken('');
    setSession(null);
  };
  return (
    <SessionContext.Provider value={session}>
      <Layout pages={allowed} current={current} onLogout={logout}>
        {current.page === 'keys' ? <Keys query={route.query} />
          : current.page === 'usage' ? <Usage />
          : current.page === 'requests' ? <Requests />
          : current.page === 'models' ? <Models />
          : current.page === 'playground' ? <Playground />
          : <Accounts />}
      </Layout>
    </SessionContext.Provider>
  );
}
