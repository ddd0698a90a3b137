/**
 * Money is integer cents everywhere. USD amounts typed by people are parsed here, and only here, so the
 * CLI and the portal accept exactly the same spellings: `1234`, `1234.5`, `1234.56`, `1,234.56`, `$1,234.56`.
 * Refused: negative amounts, anything non-numeric, more than two decimals, more than $99,999,999.99.
 */
export const MAX_CENTS = 9_999_999_999;

export type UsdParse = { ok: true; cents: number } | { ok: false; message: string };

export function parseUsd(raw: string): UsdParse {
  const text = raw.trim();
  if (text === "") return { ok: false, message: "is required: an amount in dollars such as 1234.56" };
  if (/^[-−]/.test(text) || /^\$\s*-/.test(text))
    return { ok: false, message: `must not be negative (got ${text})` };
  const m = /^\$?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return { ok: false, message: `must be an amount in dollars such as 1234.56 (got ${text})` };
  const decimals = m[2] ?? "";
  if (decimals.length > 2)
    return { ok: false, message: `has more than 2 decimals (got ${text}); cents are the smallest unit` };
  if (m[2] !== undefined && decimals.length === 0)
    return { ok: false, message: `must have digits after the decimal point (got ${text})` };
  const dollars = m[1]!.replaceAll(",", "");
  if (dollars.length > 8) return { ok: false, message: `is too large (got ${text})` };
  const cents = Number(dollars) * 100 + Number(decimals.padEnd(2, "0"));
  if (cents > MAX_CENTS) return { ok: false, message: `is too large (got ${text})` };
  return { ok: true, cents };
}

/** 123456 → `$1,234.56`; negative amounts (credits) → `-$1,234.56`. */
export function formatUsd(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, "0")}`;
}
