/**
 * UTC calendar arithmetic, the one place for it. JavaScript time has no leap seconds, so every
 * UTC day is exactly {@link DAY_MS} long and day boundaries are multiples of it.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A UTC calendar day as text, `YYYY-MM-DD` (what {@link utcDay} writes). */
export const UTC_DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC calendar day of `date`, `YYYY-MM-DD`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** 00:00 UTC of the day `date` falls in. */
export function startOfUtcDay(date: Date): Date {
  return new Date(date.getTime() - mod(date.getTime(), DAY_MS));
}

export function isUtcMidnight(date: Date): boolean {
  return mod(date.getTime(), DAY_MS) === 0;
}

/** `date` moved by whole days of {@link DAY_MS} (negative moves back). */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY_MS);
}

export function addHours(date: Date, hours: number): Date {
  return new Date(date.getTime() + hours * HOUR_MS);
}

/** Whole days elapsed from `from` to `to`, rounded down (negative when `from` is later). */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

/** The same instant `years` calendar years earlier (29 February falls on 1 March). */
export function yearsBefore(date: Date, years: number): Date {
  const shifted = new Date(date);
  shifted.setUTCFullYear(shifted.getUTCFullYear() - years);
  return shifted;
}

/** Every UTC day from the day of `from` to the day of `to`, oldest first. */
export function utcDaysFrom(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (let day = startOfUtcDay(from); day <= to; day = addDays(day, 1)) days.push(utcDay(day));
  return days;
}

/** Remainder with the sign of the divisor, so instants before 1970 land on their own day. */
const mod = (n: number, m: number) => ((n % m) + m) % m;

/** A length of time as people read it: `7 years`, `1 year`, `2.5 hours`. */
export const durationText = (value: number, unit: string): string =>
  `${value} ${value === 1 ? unit.replace(/s$/, '') : unit}`;
