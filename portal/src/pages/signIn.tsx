import { useState } from 'preact/hooks';
import { signInWithEmailAndPassword, type Auth } from 'firebase/auth';

/** What a failed sign-in says, in words for the person signing in. */
function signInError({ code, message }: Error & { code?: string }): string {
  switch (code) {
    case 'auth/invalid-credential':
    case 'auth/wrong-password':
      return 'Wrong email or password.';
    case 'auth/multi-factor-auth-required':
      return 'This user has a second factor enrolled; the portal cannot sign in with a second factor yet.';
    case 'auth/user-disabled':
      return 'This user is disabled.';
    default:
      return `Sign-in failed (${code ?? message}).`;
  }
}

/** Email and password (CONTRACT §7 names: "Email", "Password", "Sign in"). */
export function SignInPage({ auth }: { auth: Auth }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      await signInWithEmailAndPassword(
        auth,
        String(form.get('email')),
        String(form.get('password')),
      );
    } catch (failure) {
      setError(signInError(failure as Error & { code?: string }));
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>Sign in to the SOC 2 evidence portal</h1>
      <form onSubmit={onSubmit}>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error && (
          <p class="notice" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
