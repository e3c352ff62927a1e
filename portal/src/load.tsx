import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { ApiError } from './api';

export type Loaded<T> =
  { state: 'loading' } | { state: 'ok'; value: T } | { state: 'error'; error: Error };

/** Runs `load` when `key` changes; the answer of a superseded run is dropped. */
export function useLoad<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let current = true;
    setLoaded({ state: 'loading' });
    load().then(
      (value) => current && setLoaded({ state: 'ok', value }),
      (error: Error) => current && setLoaded({ state: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  return loaded;
}

/** What a failed load says; a role without the permission is told so in those words. */
export function LoadError({ error }: { error: Error }) {
  if (error instanceof ApiError && error.code === 'permission_denied') {
    return (
      <p class="notice" role="alert">
        You do not have permission to see this account's evidence. {error.message}
      </p>
    );
  }
  return (
    <p class="notice" role="alert">
      Could not load: {error.message}
    </p>
  );
}

/** Renders `children(value)` once loaded, a busy note before, the error after a failure. */
export function Show<T>(props: { loaded: Loaded<T>; children: (value: T) => ComponentChildren }) {
  const { loaded } = props;
  if (loaded.state === 'loading') return <p aria-busy="true">Loading…</p>;
  if (loaded.state === 'error') return <LoadError error={loaded.error} />;
  return <>{props.children(loaded.value)}</>;
}
