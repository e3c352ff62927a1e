import { useEffect, useMemo, useState } from 'preact/hooks';
import { onAuthStateChanged, signOut, type Auth, type User } from 'firebase/auth';
import { apiClient, type Api } from './api';
import { AccessReviewsPage } from './pages/accessReviews';
import { AccountsPage } from './pages/accounts';
import { DashboardPage } from './pages/dashboard';
import { ArchivesPage } from './pages/archives';
import { AuditLogPage } from './pages/auditLog';
import { EvidencePage } from './pages/evidence';
import { EvidenceItemsPage } from './pages/evidenceItems';
import { FindingsPage } from './pages/findings';
import { IncidentsPage } from './pages/incidents';
import { SignInPage } from './pages/signIn';
import { VerifyPage } from './pages/verify';
import {
  accessReviewsPath,
  archivesPath,
  auditLogPath,
  dashboardPath,
  evidenceItemsPath,
  evidencePath,
  findingsPath,
  incidentsPath,
  Link,
  pageOf,
  VERIFY_PATH,
  type Page,
} from './routes';

function usePage(): Page {
  const [page, setPage] = useState(() => pageOf(location.pathname, location.search));
  useEffect(() => {
    const update = () => setPage(pageOf(location.pathname, location.search));
    addEventListener('popstate', update);
    return () => removeEventListener('popstate', update);
  }, []);
  return page;
}

/** undefined while Firebase restores a session, then the user or null. */
function useUser(auth: Auth): User | null | undefined {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  useEffect(() => onAuthStateChanged(auth, setUser), [auth]);
  return user;
}

function Nav({ accountId, auth }: { accountId?: string; auth: Auth }) {
  return (
    <nav aria-label="Portal">
      <Link href="/">Accounts</Link>
      {accountId && <Link href={dashboardPath(accountId)}>Dashboard</Link>}
      {accountId && <Link href={evidencePath(accountId)}>Evidence</Link>}
      {accountId && <Link href={auditLogPath(accountId)}>Audit log</Link>}
      {accountId && <Link href={findingsPath(accountId)}>Findings</Link>}
      {accountId && <Link href={incidentsPath(accountId)}>Incidents</Link>}
      {accountId && <Link href={archivesPath(accountId)}>Archives</Link>}
      {accountId && <Link href={accessReviewsPath(accountId)}>Access reviews</Link>}
      {accountId && <Link href={evidenceItemsPath(accountId)}>Evidence items</Link>}
      <Link href={VERIFY_PATH}>Verify a bundle</Link>
      <button type="button" onClick={() => void signOut(auth)}>
        Sign out
      </button>
    </nav>
  );
}

function Content({ page, api, uid }: { page: Page; api: Api; uid: string }) {
  switch (page.name) {
    case 'home':
      return <AccountsPage api={api} />;
    case 'dashboard':
      return <DashboardPage api={api} accountId={page.accountId} />;
    case 'evidence':
      return <EvidencePage api={api} accountId={page.accountId} />;
    case 'auditLog':
      return <AuditLogPage api={api} accountId={page.accountId} query={page.query} />;
    case 'findings':
      return <FindingsPage api={api} accountId={page.accountId} />;
    case 'incidents':
      return <IncidentsPage api={api} accountId={page.accountId} />;
    case 'archives':
      return <ArchivesPage api={api} accountId={page.accountId} />;
    case 'evidenceItems':
      return <EvidenceItemsPage api={api} accountId={page.accountId} />;
    case 'accessReviews':
      return <AccessReviewsPage api={api} accountId={page.accountId} uid={uid} />;
    case 'verify':
      return <VerifyPage />;
    case 'notFound':
      return <h1>Page not found</h1>;
  }
}

/** Signed out: the sign-in form on whatever path was asked for, which then shows (deep links). */
export function App({ auth }: { auth: Auth }) {
  const page = usePage();
  const user = useUser(auth);
  const api = useMemo(
    () => apiClient(() => (user ? user.getIdToken() : Promise.reject(new Error('Signed out')))),
    [user],
  );
  if (page.name === 'verify' && !user) {
    // Verification needs no account: anyone with a bundle can check it.
    return (
      <>
        <header>
          <span class="brand">SOC 2 evidence</span>
          <nav aria-label="Portal">
            <Link href="/">Sign in</Link>
          </nav>
        </header>
        <main>
          <VerifyPage />
        </main>
      </>
    );
  }
  if (user === undefined) return <p aria-busy="true">Loading…</p>;
  if (user === null) return <SignInPage auth={auth} />;
  return (
    <>
      <header>
        <span class="brand">SOC 2 evidence</span>
        <span class="who">{user.email}</span>
        <Nav auth={auth} accountId={'accountId' in page ? page.accountId : undefined} />
      </header>
      <main>
        <Content page={page} api={api} uid={user.uid} />
      </main>
    </>
  );
}
