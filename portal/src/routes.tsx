import type { JSX } from 'preact';

/** The portal's pages by path (CONTRACT §7); anything else is "not found". */
export type Page =
  | { name: 'home' }
  | { name: 'dashboard'; accountId: string }
  | { name: 'evidence'; accountId: string }
  | { name: 'auditLog'; accountId: string; query: string }
  | { name: 'findings'; accountId: string }
  | { name: 'incidents'; accountId: string }
  | { name: 'archives'; accountId: string }
  | { name: 'evidenceItems'; accountId: string }
  | { name: 'accessReviews'; accountId: string }
  | { name: 'verify' }
  | { name: 'notFound' };

/** Account pages below `/accounts/{id}` by their path suffix (the audit log is apart: it keeps a query). */
const ACCOUNT_PAGES = {
  '/evidence': 'evidence',
  '/findings': 'findings',
  '/incidents': 'incidents',
  '/archives': 'archives',
  '/evidence-items': 'evidenceItems',
  '/access-reviews': 'accessReviews',
} as const;

/** `search` is the query string; only the audit log keeps state there (its filters). */
export function pageOf(pathname: string, search = ''): Page {
  if (pathname === '/' || pathname === '') return { name: 'home' };
  if (/^\/verify\/?$/.test(pathname)) return { name: 'verify' };
  const match = /^\/accounts\/([^/]+)(\/[a-z-]+)?\/?$/.exec(pathname);
  if (!match) return { name: 'notFound' };
  const accountId = decodeURIComponent(match[1]);
  const suffix = match[2];
  if (suffix === undefined) return { name: 'dashboard', accountId };
  if (suffix === '/audit-log') return { name: 'auditLog', accountId, query: search };
  if (suffix in ACCOUNT_PAGES) {
    return { name: ACCOUNT_PAGES[suffix as keyof typeof ACCOUNT_PAGES], accountId };
  }
  return { name: 'notFound' };
}

export const dashboardPath = (accountId: string) => `/accounts/${encodeURIComponent(accountId)}`;
export const evidencePath = (accountId: string) => `${dashboardPath(accountId)}/evidence`;
export const auditLogPath = (accountId: string) => `${dashboardPath(accountId)}/audit-log`;
export const findingsPath = (accountId: string) => `${dashboardPath(accountId)}/findings`;
export const incidentsPath = (accountId: string) => `${dashboardPath(accountId)}/incidents`;
export const archivesPath = (accountId: string) => `${dashboardPath(accountId)}/archives`;
export const evidenceItemsPath = (accountId: string) =>
  `${dashboardPath(accountId)}/evidence-items`;
export const accessReviewsPath = (accountId: string) =>
  `${dashboardPath(accountId)}/access-reviews`;
export const VERIFY_PATH = '/verify';

/** Changes the page without a reload; the App listens to `popstate`. */
export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

/** A link that navigates in the app (a real href, so it also opens in a new tab). */
export function Link(props: { href: string; children: JSX.Element | string }) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} onClick={onClick}>
      {props.children}
    </a>
  );
}
