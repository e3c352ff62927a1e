import { useEffect } from 'preact/hooks';
import type { AccountEntry, Api } from '../api';
import { Show, useLoad } from '../load';
import { dashboardPath, Link, navigate } from '../routes';

function AccountList({ accounts }: { accounts: AccountEntry[] }) {
  // One account: no choice to make, go straight in.
  useEffect(() => {
    if (accounts.length === 1) navigate(dashboardPath(accounts[0].accountId), true);
  }, [accounts]);
  if (accounts.length === 0) return <p>You are not a member of any account.</p>;
  return (
    <ul class="accounts">
      {accounts.map((a) => (
        <li key={a.accountId}>
          <Link href={dashboardPath(a.accountId)}>{a.name}</Link> <span>({a.role})</span>
        </li>
      ))}
    </ul>
  );
}

export function AccountsPage({ api }: { api: Api }) {
  const loaded = useLoad('accounts', () => api.accounts());
  return (
    <>
      <h1>Your accounts</h1>
      <Show loaded={loaded}>{({ accounts }) => <AccountList accounts={accounts} />}</Show>
    </>
  );
}
