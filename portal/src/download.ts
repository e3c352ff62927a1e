/** Saves a blob as a file: downloads that need the bearer token cannot be plain links. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.click();
  // Revoked on the next task: the click has started the download by then.
  setTimeout(() => URL.revokeObjectURL(url));
}

/**
 * A link's click handler that asks for a signed download URL on click (it is valid 15 minutes,
 * so not when the page renders) and follows it.
 */
export const followSignedUrl =
  (signedUrl: () => Promise<{ url: string }>) =>
  (event: MouseEvent): void => {
    event.preventDefault();
    void signedUrl().then(({ url }) => location.assign(url));
  };
