import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import type { ImportAction, ImportOperationInput } from "../../contract/imports.js";
import { CliError, ExitCode } from "../errors.js";
import { mapHeader, type Column } from "./columns.js";

/*
 * Stage 1, reading: a CSV file → typed rows. Streaming (memory does not grow with the file): bytes are
 * decoded (UTF-8, else Windows-1252), line ends normalised, records parsed by csv-parse, and each record
 * turned into a typed row or an invalid row with messages that name the column. Values are checked by
 * the contract's own zod schemas (see `toOperationPart`), so a row the CLI accepts is one the portal's
 * field rules accept.
 */

export type Encoding = "utf-8" | "windows-1252";

export interface RosterSource {
  file: string;
  encoding: Encoding;
  delimiter: string;
  sha256: string;
  bytes: number;
}

/** One valid row: which member it belongs to (`key`), and its part of that member's operation. */
export interface RosterRow {
  line: number;
  cells: string[];
  key: string;
  relationship: string;
  action: ImportAction;
  /** This row's contribution: member fields + subscriber (subscriber rows) or one dependent. */
  part: ImportOperationInput;
  /** Who the row is within its member (`subscriber`, a dependent's SSN, or first name and birth date), to find duplicate rows. */
  personKey: string;
  label: string;
}
export interface InvalidRow {
  line: number;
  cells: string[];
  key: string | null;
  errors: string[];
}
export type ReadRow = ({ ok: true } & RosterRow) | ({ ok: false } & InvalidRow);

/** Looks at the file before reading it: empty, binary, encoding, delimiter, hash. */
export async function inspectFile(file: string, delimiterFlag?: string): Promise<RosterSource> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new CliError(`cannot read ${file}: no such file`, ExitCode.usage, "usage");
  }
  if (size === 0)
    throw new CliError(
      `${file} is empty (0 bytes)`,
      ExitCode.invalid,
      "empty_file",
      "run `hnctl member import template` for the columns",
    );
  const fh = await open(file, "r");
  const head = Buffer.alloc(Math.min(size, 64 * 1024));
  await fh.read(head, 0, head.length, 0);
  await fh.close();
  const magic = head.subarray(0, 4).toString("hex");
  if (head.includes(0) || ["504b0304", "25504446", "d0cf11e0"].includes(magic))
    throw new CliError(
      `${file} is not a text file (it looks binary: a spreadsheet or an archive?)`,
      ExitCode.invalid,
      "binary_file",
      "in Excel use File > Save As > CSV UTF-8 (comma delimited)",
    );
  // One pass over the bytes: the hash, and whether they are valid UTF-8.
  const hash = createHash("sha256");
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let utf8 = true;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    if (utf8)
      try {
        decoder.decode(chunk as Buffer, { stream: true });
      } catch {
        utf8 = false;
      }
  }
  if (utf8)
    try {
      decoder.decode();
    } catch {
      utf8 = false;
    }
  const encoding: Encoding = utf8 ? "utf-8" : "windows-1252";
  const text = utf8 ? head.toString("utf8") : (await import("iconv-lite")).default.decode(head, "win1252");
  return {
    file,
    encoding,
    delimiter: delimiterFlag ? unescapeDelimiter(delimiterFlag) : detectDelimiter(text),
    sha256: hash.digest("hex"),
    bytes: size,
  };
}

function unescapeDelimiter(flag: string): string {
  if (flag === "\\t" || flag.toLowerCase() === "tab") return "\t";
  if (flag.length !== 1)
    throw new CliError("--delimiter must be one character (or `tab`)", ExitCode.usage, "usage");
  return flag;
}

/** The delimiter that splits the header line into the most cells, outside quotes. */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0, "|": 0 };
  let quoted = false;
  for (const ch of text.replace(/^\uFEFF/, "")) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && ch in counts) counts[ch]!++;
  }
  return Object.entries(counts).sort((a, b) => b[1] - a[1])[0]![1] > 0
    ? Object.entries(counts).sort((a, b) => b[1] - a[1])[0]![0]
    : ",";
}

/** Decoded text with every line end as `\n` (a CR at a chunk's end waits for the next chunk). */
async function* decodedText(source: RosterSource): AsyncGenerator<string> {
  const stream = createReadStream(source.file);
  let decode: (b: Buffer) => string;
  let flush: () => string;
  if (source.encoding === "utf-8") {
    const d = new TextDecoder("utf-8");
    decode = (b) => d.decode(b, { stream: true });
    flush = () => d.decode();
  } else {
    const iconv = (await import("iconv-lite")).default;
    const d = iconv.getDecoder("win1252");
    decode = (b) => d.write(b);
    flush = () => d.end() ?? "";
  }
  let pendingCr = false;
  const norm = (s: string) => {
    if (pendingCr) s = "\r" + s;
    pendingCr = s.endsWith("\r");
    if (pendingCr) s = s.slice(0, -1);
    return s.replace(/\r\n?/g, "\n");
  };
  for await (const chunk of stream) yield norm(decode(chunk as Buffer));
  const rest = norm(flush()) + (pendingCr ? "\n" : "");
  if (rest) yield rest;
}

export interface ReadOptions {
  warn?: (message: string) => void;
  /** The header cells as they are in the file (result files repeat them). */
  onHeader?: (cells: string[]) => void;
  /**
   * false: only the cheap field checks (dates, SSNs, action, key), not the contract's schema: the
   * first of the import's two passes. Default true.
   */
  schema?: boolean;
}

/**
 * Reads the file: the header is checked first (missing required columns stop everything), then each
 * row. Rows come in batches, one per chunk of the file: records are taken from the parser as soon as a
 * chunk is written, without a promise per record.
 */
export async function* readRowBatches(source: RosterSource, opts: ReadOptions): AsyncGenerator<ReadRow[]> {
  const { parse } = await import("csv-parse");
  const { ImportOperation } = await import("../../contract/imports.js");
  const parser = parse({
    delimiter: source.delimiter,
    bom: true,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    trim: false,
  });
  let columns: (Column | null)[] | undefined;
  let previousEnd = 0;
  const take = (out: ReadRow[], { record, info }: { record: string[]; info: { lines: number } }) => {
    if (!columns) {
      const mapped = mapHeader(record);
      if (mapped.missing.length)
        throw new CliError(
          `${source.file}: missing required column(s) ${mapped.missing.join(", ")}; nothing was sent`,
          ExitCode.invalid,
          "missing_columns",
          "run `hnctl member import template` for the expected header (names are matched in any case, with spaces or underscores)",
        );
      if (mapped.unknown.length) opts.warn?.(`Ignoring unknown column(s): ${mapped.unknown.join(", ")}`);
      columns = mapped.columns;
      opts.onHeader?.(record);
      return;
    }
    // info.lines is the record's last line; a quoted field with line breaks started earlier. (Only a
    // record that ends more than a line after the previous one can hold line breaks: count only then.)
    let newlines = 0;
    if (info.lines - previousEnd > 1)
      for (const cell of record) if (cell.includes("\n")) newlines += cell.split("\n").length - 1;
    previousEnd = info.lines;
    const line = info.lines - newlines;
    out.push(parseRow(line, record, columns, opts.schema === false ? null : ImportOperation));
  };
  type Parsed = { record: string[]; info: { lines: number } };
  const drain = () => {
    const out: ReadRow[] = [];
    for (let r = parser.read() as Parsed | null; r !== null; r = parser.read() as Parsed | null) take(out, r);
    return out;
  };
  let failed: Error | undefined;
  parser.on("error", (err) => (failed = err));
  try {
    for await (const text of decodedText(source)) {
      // csv-parse parses a written chunk at once; its records wait in the parser's buffer.
      parser.write(text);
      if (failed) throw failed;
      const batch = drain();
      if (batch.length) yield batch;
    }
    parser.end();
    // The last record comes out when the parser is flushed, on a later tick.
    const last: ReadRow[] = [];
    for await (const r of parser as AsyncIterable<Parsed>) take(last, r);
    if (failed) throw failed;
    if (last.length) yield last;
  } finally {
    parser.destroy();
  }
  if (!columns)
    throw new CliError(
      `${source.file} has no header line`,
      ExitCode.invalid,
      "empty_file",
      "run `hnctl member import template`",
    );
}

// ---------------------------------------------------------------- one row

const ACTIONS: Record<string, ImportAction> = {
  "": "upsert",
  upsert: "upsert",
  add: "add",
  change: "change",
  terminate: "terminate",
  update: "change",
  term: "terminate",
};
const SUBSCRIBER_WORDS = new Set(["subscriber", "employee", "self", "ee", "sub"]);
const REL_ALIASES: Record<string, string> = {
  "domestic partner": "domestic-partner",
  "adopted child": "adopted-child",
  "foster child": "foster-child",
  son: "child",
  daughter: "child",
  husband: "spouse",
  wife: "spouse",
};

/** `YYYY-MM-DD` or `MM/DD/YYYY`; anything else is refused with a hint. */
export function parseDate(raw: string): { value?: string; error?: string } {
  const v = raw.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return { value: v };
  let m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (m) {
    const [, mm, dd, yyyy] = m;
    if (Number(mm) > 12)
      return { error: `${v} looks like day/month order; write MM/DD/YYYY or, better, YYYY-MM-DD` };
    return { value: `${yyyy}-${mm!.padStart(2, "0")}-${dd!.padStart(2, "0")}` };
  }
  if (/^\d{4,5}(\.\d+)?$/.test(v))
    return {
      error: `${v} looks like an Excel date serial number; format the column as text or as YYYY-MM-DD`,
    };
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})$/.exec(v);
  if (m) return { error: `${v} has a two-digit year (ambiguous); write YYYY-MM-DD` };
  if (/^\d{1,2}[.-]\d{1,2}[.-]\d{4}$/.test(v))
    return { error: `${v} is ambiguous (day and month order unknown); write YYYY-MM-DD or MM/DD/YYYY` };
  return { error: `${v} is not a date; write YYYY-MM-DD or MM/DD/YYYY` };
}

/** SSNs Excel turned into numbers (leading zeros lost, or scientific notation) are refused. */
export function ssnProblemFromExcel(raw: string): string | undefined {
  const v = raw.trim();
  if (/^\d(\.\d+)?E\+?\d+$/i.test(v) || /^\d{1,8}$/.test(v) || /^\d+\.0+$/.test(v))
    return `looks like a number Excel reformatted (${v.length} characters, digits lost); format the column as text and export again`;
  return undefined;
}

const FIELD_COLUMN: Record<string, string> = {
  employeeNumber: "employee_number",
  groupNumber: "group_number",
  subgroup: "subgroup",
  location: "location",
  plan: "plan",
  effectiveDate: "effective_date",
  hireDate: "hire_date",
  employmentStatus: "employment_status",
  firstName: "first_name",
  middleName: "middle_name",
  lastName: "last_name",
  ssn: "ssn",
  dateOfBirth: "date_of_birth",
  sex: "sex",
  maritalStatus: "marital_status",
  email: "email",
  phone: "phone",
  line1: "address_line1",
  line2: "address_line2",
  city: "city",
  state: "state",
  zip: "zip",
  pcp: "pcp",
  relationship: "relationship",
  disabled: "disabled",
  date: "termination_date",
  reason: "termination_reason",
};

function parseRow(
  line: number,
  cells: string[],
  columns: (Column | null)[],
  /** null: no schema check (the first pass), only the field checks. */
  schema: typeof import("../../contract/imports.js").ImportOperation | null,
): ReadRow {
  const get: Partial<Record<Column, string>> = {};
  // Runs for every cell of every row, twice per import: a loop and a regex only after an apostrophe.
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    let v = cells[i];
    if (!c || !v) continue;
    v = v.trim();
    // A leading apostrophe before = + - @ is the formula escape hnctl (and Excel) write: not part of the value.
    if (v.charCodeAt(0) === 39 && /^'[=+\-@]/.test(v)) v = v.slice(1);
    if (v) get[c] = v;
  }
  const errors: string[] = [];
  // A masked SSN (as `member export` writes them) means "whatever the portal has".
  if (get.ssn && /^\*{3}-\*{2}-\d{4}$/.test(get.ssn)) delete get.ssn;
  const employeeNumber = get.employee_number;
  const actionWord = (get.action ?? "").toLowerCase();
  const action = ACTIONS[actionWord];
  if (!action) errors.push(`action: ${get.action} is not add, change, terminate or blank`);
  const relWord = (get.relationship ?? "subscriber").toLowerCase();
  const relationship = SUBSCRIBER_WORDS.has(relWord) ? "subscriber" : (REL_ALIASES[relWord] ?? relWord);
  const isSubscriber = relationship === "subscriber";
  const date = (c: Column) => {
    const raw = get[c];
    if (!raw) return undefined;
    const d = parseDate(raw);
    if (d.error) errors.push(`${c}: ${d.error}`);
    return d.value;
  };
  if (get.ssn) {
    const excel = ssnProblemFromExcel(get.ssn);
    if (excel) errors.push(`ssn: ${excel}`);
  }
  const disabledWord = get.disabled?.toLowerCase();
  const disabled =
    disabledWord === undefined
      ? undefined
      : ["yes", "y", "true", "1"].includes(disabledWord)
        ? true
        : ["no", "n", "false", "0"].includes(disabledWord)
          ? false
          : (errors.push(`disabled: ${get.disabled} is not yes or no`), undefined);
  const anyAddress = get.address_line1 || get.city || get.state || get.zip;
  const address = anyAddress
    ? {
        line1: get.address_line1 ?? "",
        ...(get.address_line2 ? { line2: get.address_line2 } : {}),
        city: get.city ?? "",
        state: get.state ?? "",
        zip: get.zip ?? "",
      }
    : undefined;
  const person = {
    line,
    firstName: get.first_name,
    middleName: get.middle_name,
    lastName: get.last_name,
    ssn: get.ssn && !errors.some((e) => e.startsWith("ssn:")) ? get.ssn : undefined,
    dateOfBirth: date("date_of_birth"),
    sex: get.sex?.toUpperCase(),
    maritalStatus: get.marital_status?.toLowerCase(),
    email: get.email,
    phone: get.phone,
    address,
    pcp: get.pcp,
  };
  const terminationDate = date("termination_date");
  const terminate =
    action === "terminate"
      ? {
          date: terminationDate,
          ...(get.termination_reason ? { reason: get.termination_reason.toLowerCase() } : {}),
        }
      : undefined;
  if (action === "terminate" && !terminationDate)
    errors.push("termination_date: is required with action terminate");
  const effectiveDate = date("effective_date");
  const part = isSubscriber
    ? {
        ref: line,
        action: action ?? "upsert",
        employeeNumber,
        groupNumber: get.group_number,
        subgroup: get.subgroup,
        location: get.location,
        plan: get.plan,
        effectiveDate,
        hireDate: date("hire_date"),
        employmentStatus: get.employment_status?.toLowerCase(),
        subscriber: person,
        terminate,
      }
    : {
        ref: line,
        action: "upsert" as const,
        employeeNumber,
        dependents: [{ ...person, relationship, disabled, effectiveDate, terminate }],
      };
  const key = employeeNumber
    ? `E:${employeeNumber.toUpperCase()}`
    : isSubscriber && person.ssn
      ? `S:${person.ssn.replace(/-/g, "")}`
      : null;
  if (!key)
    errors.push(
      isSubscriber
        ? "employee_number: is required (or the subscriber's ssn)"
        : "employee_number: a dependent row needs its subscriber's employee number",
    );
  const parsed = schema?.safeParse(part);
  if (parsed && !parsed.success)
    for (const issue of parsed.error.issues) {
      const field = [...issue.path].reverse().find((p) => typeof p === "string" && FIELD_COLUMN[p]) as
        string | undefined;
      const column = field ? FIELD_COLUMN[field] : issue.path.join(".");
      const message =
        issue.code === "invalid_type" && issue.message.includes("undefined") ? "is required" : issue.message;
      errors.push(`${column}: ${message}`);
    }
  if (errors.length) return { ok: false, line, cells, key, errors: [...new Set(errors)] };
  const personKey = isSubscriber
    ? "subscriber"
    : person.ssn
      ? person.ssn.replace(/-/g, "")
      : `${(person.firstName ?? "").toLowerCase()}|${person.dateOfBirth}`;
  return {
    ok: true,
    line,
    cells,
    key: key!,
    relationship,
    action: action!,
    part: part as ImportOperationInput,
    personKey,
    label:
      `${employeeNumber ?? "(no employee number)"} ${isSubscriber ? "" : `${relationship} `}${person.firstName ?? ""} ${person.lastName ?? ""}`
        .replace(/\s+/g, " ")
        .trim(),
  };
}
