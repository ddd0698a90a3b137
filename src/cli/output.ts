/** Rendering for humans (tables, key/value blocks) and machines (CSV). JSON goes through oclif's --json. */

export interface Column<T> {
  header: string;
  get: (row: T) => unknown;
}

const cell = (v: unknown) =>
  v === undefined || v === null ? "" : Array.isArray(v) ? v.join(", ") : String(v);

export const useColor = () =>
  !process.env.NO_COLOR && Boolean(process.stdout.isTTY) && process.env.TERM !== "dumb";

export async function renderTable<T>(rows: T[], columns: Column<T>[]): Promise<string> {
  const { default: Table } = await import("cli-table3");
  const table = new Table({
    head: columns.map((c) => c.header),
    style: { head: useColor() ? ["bold"] : [], border: [], compact: true },
    chars: {
      top: "",
      "top-mid": "",
      "top-left": "",
      "top-right": "",
      bottom: "",
      "bottom-mid": "",
      "bottom-left": "",
      "bottom-right": "",
      left: "",
      "left-mid": "",
      mid: "",
      "mid-mid": "",
      right: "",
      "right-mid": "",
      middle: "  ",
    },
  });
  for (const row of rows) table.push(columns.map((c) => cell(c.get(row))));
  return table
    .toString()
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n");
}

/** CSV with formulas escaped (`=`, `+`, `-`, `@` at the start of a cell) so Excel never executes a cell. */
export async function renderCsv<T>(rows: T[], columns: Column<T>[]): Promise<string> {
  const { stringify } = await import("csv-stringify/sync");
  return stringify(
    rows.map((r) => columns.map((c) => cell(c.get(r)))),
    { header: true, columns: columns.map((c) => c.header), escape_formulas: true },
  );
}

/** `label: value` lines, labels aligned. */
export function renderFields(fields: [string, unknown][]): string {
  const width = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${(k + ":").padEnd(width + 1)} ${cell(v)}`).join("\n");
}
