// Text for numbers, times and durations. Span times are µs since the epoch (Jaeger JSON);
// latencies from /api/v1 are milliseconds.

const pad = (n, width = 2) => String(n).padStart(width, "0");

function trim(value, digits) {
  return Number(value.toFixed(digits)).toString();
}

/** 850µs, 12.3ms, 1.25s, 2m 5s, 1h 3m. */
export function duration(us) {
  if (us === null || us === undefined || Number.isNaN(us)) return "–";
  const abs = Math.abs(us);
  if (abs < 1_000) return `${trim(us, 0)}µs`;
  if (abs < 1_000_000) return `${trim(us / 1_000, abs < 10_000 ? 2 : 1)}ms`;
  if (abs < 60_000_000) return `${trim(us / 1_000_000, 2)}s`;
  const totalSeconds = Math.round(abs / 1_000_000);
  const sign = us < 0 ? "-" : "";
  if (totalSeconds < 3_600) return `${sign}${Math.floor(totalSeconds / 60)}m ${totalSeconds % 60}s`;
  return `${sign}${Math.floor(totalSeconds / 3_600)}h ${Math.floor(totalSeconds % 3_600 / 60)}m`;
}

/** A latency in milliseconds (null when there was no data). */
export function ms(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return duration(value * 1_000);
}

/** Local wall-clock time with milliseconds: 2026-11-22 10:04:05.123. */
export function time(us) {
  const date = new Date(us / 1_000);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** HH:MM:SS, for axis ticks. */
export function clock(us, withSeconds = true) {
  const date = new Date(us / 1_000);
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return withSeconds ? `${hm}:${pad(date.getSeconds())}` : hm;
}

/** "5 min ago", "just now". */
export function ago(us, nowUs = Date.now() * 1_000) {
  const seconds = Math.round((nowUs - us) / 1_000_000);
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3_600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

export function count(n) {
  return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US");
}

/** A rate per second: 0.033/s, 12/s. */
export function rate(perSecond) {
  if (perSecond === null || perSecond === undefined) return "–";
  if (perSecond === 0) return "0/s";
  if (perSecond < 100) return `${Number(perSecond.toPrecision(perSecond < 0.01 ? 2 : 3))}/s`;
  return `${trim(perSecond, 0)}/s`;
}

/** A fraction as a percentage: 0.025 → 2.5%. */
export function percent(fraction) {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return "–";
  if (fraction === 0) return "0%";
  const value = fraction * 100;
  return `${value < 0.1 ? value.toPrecision(1) : trim(value, value < 10 ? 2 : 1)}%`;
}

const UNITS = { ns: 1e-3, us: 1, "µs": 1, "μs": 1, ms: 1e3, s: 1e6, m: 60e6, h: 3_600e6 };

/** Parses a Go duration ("1.5s", "100ms", "1m30s") to µs; null when it is not one. */
export function parseDuration(text) {
  const source = String(text ?? "").trim();
  if (!/^(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))*$/.test(source)) return null;
  let total = 0;
  for (const [, number, , unit] of source.matchAll(/(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(number) * UNITS[unit];
  return total;
}

/** A window name such as "1h" or "15m" in words. */
export function windowName(since) {
  const words = { "5m": "5 minutes", "15m": "15 minutes", "1h": "1 hour", "6h": "6 hours", "24h": "24 hours", "7d": "7 days" };
  return words[since] ?? since;
}

/** A trace ID shortened for lists (the first 8 characters), the full ID stays in titles. */
export function shortID(id) {
  return String(id).slice(0, 8);
}
