import { useState } from 'preact/hooks';
import type { Api, Archive, ReadyArchive } from '../api';
import { followSignedUrl } from '../download';
import { byteSize, utcTime } from '../format';
import { Show, useLoad } from '../load';
import { Table } from '../table';
import { publishedKey } from '../verify/publicKey';
import { useVerification, VerificationReport } from '../verify/verifyPanel';

const isReady = (archive: Archive): archive is ReadyArchive => archive.state === 'ready';

/** The bundle before `archive` in its account's chain, when the list holds it. */
const previousOf = (archives: Archive[], archive: ReadyArchive) =>
  archive.previousManifestSha256
    ? archives.filter(isReady).find((a) => a.manifestSha256 === archive.previousManifestSha256)
    : undefined;

function StateCell({ archive }: { archive: Archive }) {
  const failure = archive.state === 'failed' && archive.error;
  return (
    <span class={archive.state === 'failed' ? 'degraded' : undefined}>
      {archive.state}
      {failure ? ` (${failure.code}: ${failure.message})` : ''}
    </span>
  );
}

function ArchiveTable(props: {
  api: Api;
  accountId: string;
  archives: Archive[];
  onVerify: (archive: ReadyArchive) => void;
}) {
  const { api, accountId } = props;
  const download = (archive: ReadyArchive) =>
    followSignedUrl(() => api.archiveDownload(accountId, archive.id));
  return (
    <Table
      caption="Evidence bundles"
      rows={props.archives}
      rowKey={(a) => a.id}
      columns={[
        { header: 'Period', cell: (a) => `${utcTime(a.periodStart)} – ${utcTime(a.periodEnd)}` },
        { header: 'State', cell: (a) => <StateCell archive={a} /> },
        { header: 'Events', cell: (a) => (isReady(a) ? a.eventCount : '—') },
        { header: 'Size', cell: (a) => (isReady(a) ? byteSize(a.size) : '—') },
        {
          header: 'Created',
          cell: (a) => (isReady(a) ? utcTime(a.createdAt) : `asked ${utcTime(a.requestedAt)}`),
        },
        {
          header: 'Actions',
          cell: (a) =>
            isReady(a) ? (
              <>
                <a href={`#download-${a.id}`} onClick={download(a)}>
                  Download
                </a>{' '}
                <button type="button" onClick={() => props.onVerify(a)}>
                  Verify
                </button>
              </>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}

/**
 * `/accounts/{id}/archives`: every bundle with its state, a download link and in-browser
 * verification, trusting no server answer but the published public key (its fingerprint is shown
 * with the result): the zip's bytes are checked in a Web Worker with the same checks as the CLI.
 */
export function ArchivesPage({ api, accountId }: { api: Api; accountId: string }) {
  const loaded = useLoad(accountId, () => api.archives(accountId));
  const [verification, start] = useVerification();
  const [verifying, setVerifying] = useState<ReadyArchive>();

  const fetchZip = async (archive: ReadyArchive) => {
    const { url } = await api.archiveDownload(accountId, archive.id);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`the bundle download answered HTTP ${response.status}`);
    return response.arrayBuffer();
  };
  const verify = (archives: Archive[]) => (archive: ReadyArchive) => {
    setVerifying(archive);
    const previous = previousOf(archives, archive);
    start(async () => {
      // One request after another: the page asks the API little at a time.
      const { publicKey } = await publishedKey();
      const zip = await fetchZip(archive);
      const previousZip = previous && (await fetchZip(previous));
      return { zip, previousZip, publicKeyPem: publicKey };
    });
  };

  return (
    <>
      <h1>Archives: {accountId}</h1>
      <Show loaded={loaded}>
        {({ archives }) =>
          archives.length === 0 ? (
            <p>No bundles yet.</p>
          ) : (
            <ArchiveTable
              api={api}
              accountId={accountId}
              archives={archives}
              onVerify={verify(archives)}
            />
          )
        }
      </Show>
      {verifying && (
        <section aria-labelledby="verifying-heading">
          <h2 id="verifying-heading">
            Verification of the bundle for {utcTime(verifying.periodStart)} –{' '}
            {utcTime(verifying.periodEnd)}
          </h2>
          <VerificationReport verification={verification} />
        </section>
      )}
    </>
  );
}
