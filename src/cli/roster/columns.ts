/**
 * The roster CSV's columns: one row per person, the subscriber's row and one row per dependent, tied
 * together by the subscriber's employee number. `member import template` prints them; `member export`
 * writes them, so an export can be edited and imported again.
 */
export const COLUMNS = [
  "action",
  "employee_number",
  "relationship",
  "first_name",
  "middle_name",
  "last_name",
  "ssn",
  "date_of_birth",
  "sex",
  "marital_status",
  "disabled",
  "email",
  "phone",
  "address_line1",
  "address_line2",
  "city",
  "state",
  "zip",
  "group_number",
  "subgroup",
  "location",
  "plan",
  "effective_date",
  "hire_date",
  "employment_status",
  "pcp",
  "termination_date",
  "termination_reason",
] as const;
export type Column = (typeof COLUMNS)[number];

/** Without these a file is refused before anything is sent. */
export const REQUIRED_COLUMNS: readonly Column[] = [
  "employee_number",
  "first_name",
  "last_name",
  "date_of_birth",
];

/** Header names people actually use, normalised (lower case, spaces and dashes as `_`). */
const ALIASES: Record<string, Column> = {
  employee_id: "employee_number",
  employee_no: "employee_number",
  emp_no: "employee_number",
  employee: "employee_number",
  relation: "relationship",
  relationship_to_employee: "relationship",
  first: "first_name",
  firstname: "first_name",
  middle: "middle_name",
  last: "last_name",
  lastname: "last_name",
  social_security_number: "ssn",
  dob: "date_of_birth",
  birth_date: "date_of_birth",
  gender: "sex",
  address: "address_line1",
  address1: "address_line1",
  address2: "address_line2",
  zip_code: "zip",
  postal_code: "zip",
  group: "group_number",
  plan_code: "plan",
  effective: "effective_date",
  coverage_start: "effective_date",
  pcp_npi: "pcp",
};

export function normaliseHeader(raw: string): string {
  return raw
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_")
    .replace(/[^a-z0-9_]/g, "");
}

/** Header cells → column names (null for unknown columns, which are ignored with a warning). */
export function mapHeader(header: string[]): {
  columns: (Column | null)[];
  unknown: string[];
  missing: Column[];
} {
  const known = new Set<string>(COLUMNS);
  const columns = header.map((h) => {
    const n = normaliseHeader(h);
    return known.has(n) ? (n as Column) : (ALIASES[n] ?? null);
  });
  const unknown = header.filter((h, i) => columns[i] === null && h.trim() !== "");
  const present = new Set(columns);
  return { columns, unknown, missing: REQUIRED_COLUMNS.filter((c) => !present.has(c)) };
}

export const TEMPLATE_ROWS: Record<Column, string>[] = [
  {
    action: "",
    employee_number: "E10001",
    relationship: "subscriber",
    first_name: "Pat",
    middle_name: "",
    last_name: "Example",
    ssn: "123-45-6789",
    date_of_birth: "1980-05-05",
    sex: "F",
    marital_status: "married",
    disabled: "",
    email: "pat.example@example.com",
    phone: "313-555-0142",
    address_line1: "1 Main Street",
    address_line2: "",
    city: "Detroit",
    state: "MI",
    zip: "48201",
    group_number: "G1000001",
    subgroup: "SAL",
    location: "DET",
    plan: "HMO-500",
    effective_date: "2027-01-01",
    hire_date: "2020-01-06",
    employment_status: "full-time",
    pcp: "1003000126",
    termination_date: "",
    termination_reason: "",
  },
  {
    action: "",
    employee_number: "E10001",
    relationship: "child",
    first_name: "Kim",
    middle_name: "",
    last_name: "Example",
    ssn: "234-56-7890",
    date_of_birth: "2015-03-03",
    sex: "U",
    marital_status: "",
    disabled: "no",
    email: "",
    phone: "",
    address_line1: "",
    address_line2: "",
    city: "",
    state: "",
    zip: "",
    group_number: "",
    subgroup: "",
    location: "",
    plan: "",
    effective_date: "2027-01-01",
    hire_date: "",
    employment_status: "",
    pcp: "1003000142",
    termination_date: "",
    termination_reason: "",
  },
];
