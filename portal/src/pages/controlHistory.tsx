import { useEffect, useRef } from 'preact/hooks';
import { utcDaysFrom } from '../../../functions/domain/time';
import type { Api, ControlHistoryResponse } from '../api';
import { Show, useLoad } from '../load';

type History = ControlHistoryResponse['controls'][number];

/** The text alternative of a chart: what the bars show, in numbers (also the visible caption). */
export function historySummary({ controlId, counts }: History, days: number): string {
  return (
    `${controlId}: ${counts.pass} of ${days} days passed (${counts.fail} failed, ` +
    `${counts.inconclusive} inconclusive, ${counts.not_applicable} not applicable, ` +
    `${counts.not_evaluated} not evaluated)`
  );
}

/** One control's chart; chart.js arrives with the first chart drawn, not with the page. */
function StatusChart({ history, windowDays }: { history: History; windowDays: string[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let destroy: (() => void) | undefined;
    let current = true;
    void import('../charts/statusChart').then(({ drawStatusChart }) => {
      if (current && canvas.current) {
        destroy = drawStatusChart(canvas.current, windowDays, history.days);
      }
    });
    return () => {
      current = false;
      destroy?.();
    };
  }, [history, windowDays]);
  return (
    <figure class="status-chart">
      {/* The caption carries the chart's content as text; the canvas repeats it as a picture. */}
      <div class="chart-box">
        <canvas ref={canvas} aria-hidden="true" />
      </div>
      <figcaption>{historySummary(history, windowDays.length)}</figcaption>
    </figure>
  );
}

/** Each control's results per day over the last 90 days, as charts with text summaries. */
export function ControlHistoryCharts({ api, accountId }: { api: Api; accountId: string }) {
  const loaded = useLoad(accountId, () => api.controlHistory(accountId));
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">Results over the last 90 days</h2>
      <Show loaded={loaded}>
        {(history) => {
          const windowDays = utcDaysFrom(new Date(history.from), new Date(history.to));
          return (
            <div class="charts">
              {history.controls.map((control) => (
                <StatusChart key={control.controlId} history={control} windowDays={windowDays} />
              ))}
            </div>
          );
        }}
      </Show>
    </section>
  );
}
