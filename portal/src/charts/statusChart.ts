/**
 * The control-history chart, loaded on demand (a dynamic import) so chart.js stays out of the
 * first page. Only the pieces a stacked bar chart needs are registered, so the rest is
 * tree-shaken away.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import type { ControlHistoryResponse } from '../api';
import { words } from '../format';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

type Status = ControlHistoryResponse['controls'][number]['days'][number]['status'];

/** Colours match the verdict colours of the tables; the legend names each status in words. */
const COLOURS: Record<Status, string> = {
  pass: '#1b6e2a',
  fail: '#a11212',
  inconclusive: '#c58a00',
  not_applicable: '#8a8a8a',
};

/**
 * One bar per day of the window, coloured by that day's status; days without a result stay empty.
 * Returns what removes the chart again.
 */
export function drawStatusChart(
  canvas: HTMLCanvasElement,
  windowDays: string[],
  days: ControlHistoryResponse['controls'][number]['days'],
): () => void {
  const statusOf = new Map(days.map((d) => [d.day, d.status]));
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: windowDays,
      datasets: (Object.keys(COLOURS) as Status[]).map((status) => ({
        label: words(status),
        data: windowDays.map((day) => (statusOf.get(day) === status ? 1 : null)),
        backgroundColor: COLOURS[status],
        barPercentage: 1,
        categoryPercentage: 0.9,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, ticks: { maxTicksLimit: 6, autoSkip: true } },
        y: { stacked: true, display: false, max: 1 },
      },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 10 } } },
    },
  });
  return () => chart.destroy();
}
