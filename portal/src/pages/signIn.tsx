import { useState } from 'preact/hooks';
import { signInWithEmailAndPassword, type Auth } from 'firebase/auth';

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
      const code = (failure as { code?: string }).code ?? '';
      setError(
        code === 'auth/invalid-credential' || code === 'auth/wrong-password'
          ? 'Wrong email or password.'
          : `Sign-in failed (${code || (failure as Error).message}).`,
      );
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
