import * as Flags from "@oclif/core/flags";
import { DEPENDENT_RELATIONSHIPS, EMPLOYMENT_STATUSES, MARITAL_STATUSES, SEXES } from "../contract/enums.js";
import { parseAddress, parseDate, readSsnFromStdin } from "./parse.js";

/** Flags that describe one person, shared by `member enroll` (the subscriber) and `member dependent add`. */
export const personFlags = {
  "first-name": Flags.string({ description: "first name" }),
  "middle-name": Flags.string({ description: "middle name" }),
  "last-name": Flags.string({ description: "last name" }),
  dob: Flags.string({ description: "date of birth (YYYY-MM-DD)" }),
  sex: Flags.option({ options: SEXES })({ description: "F, M or U" }),
  "marital-status": Flags.option({ options: MARITAL_STATUSES })({ description: "marital status" }),
  email: Flags.string({ description: "e-mail address" }),
  phone: Flags.string({ description: "phone number" }),
  address: Flags.string({ description: '"street, [line 2,] city, ST ZIP"' }),
  pcp: Flags.string({
    description: "primary care physician NPI or ID (HMO plans; see `hnctl provider search`)",
  }),
  "ssn-stdin": Flags.boolean({ description: "read the SSN from stdin (SSNs are never taken as flags)" }),
};

export const enrollmentFlags = {
  group: Flags.string({ description: "group number, e.g. G1000001" }),
  subgroup: Flags.string({ description: "subgroup code, e.g. SAL (when the group has subgroups)" }),
  location: Flags.string({ description: "location code, e.g. DET" }),
  plan: Flags.string({ description: "plan code, e.g. PPO-1000 (see `hnctl plan list`)" }),
  effective: Flags.string({ description: "coverage start: the first of a month (YYYY-MM-DD)" }),
  "employee-number": Flags.string({ description: "the employer's own HR ID for the employee" }),
  "hire-date": Flags.string({ description: "hire date (YYYY-MM-DD)" }),
  "employment-status": Flags.option({ options: EMPLOYMENT_STATUSES })({
    description: "employment status",
    default: "full-time",
  }),
};

export const relationshipFlag = Flags.option({ options: DEPENDENT_RELATIONSHIPS })({
  description: "relationship to the subscriber",
});

/** Contract field → flag, so the portal's field-named errors point at what the user typed. */
export const memberFieldFlags: Record<string, string> = {
  firstName: "--first-name",
  middleName: "--middle-name",
  lastName: "--last-name",
  dateOfBirth: "--dob",
  sex: "--sex",
  maritalStatus: "--marital-status",
  email: "--email",
  phone: "--phone",
  address: "--address",
  pcp: "--pcp",
  provider: "--pcp",
  ssn: "--ssn-stdin",
  groupNumber: "--group",
  subgroup: "--subgroup",
  location: "--location",
  plan: "--plan",
  effectiveDate: "--effective",
  employeeNumber: "--employee-number",
  hireDate: "--hire-date",
  relationship: "--relationship",
  personId: "--person",
};

type PersonFlagValues = {
  "first-name"?: string;
  "middle-name"?: string;
  "last-name"?: string;
  dob?: string;
  sex?: (typeof SEXES)[number];
  "marital-status"?: (typeof MARITAL_STATUSES)[number];
  email?: string;
  phone?: string;
  address?: string;
  pcp?: string;
  "ssn-stdin"?: boolean;
};

/** The person fields that were given, checked locally; the SSN comes from stdin when --ssn-stdin is set. */
export async function personFromFlags(flags: PersonFlagValues) {
  return {
    firstName: flags["first-name"],
    middleName: flags["middle-name"],
    lastName: flags["last-name"],
    dateOfBirth: flags.dob === undefined ? undefined : parseDate("--dob", flags.dob),
    sex: flags.sex,
    maritalStatus: flags["marital-status"],
    email: flags.email,
    phone: flags.phone,
    address: flags.address === undefined ? undefined : parseAddress("--address", flags.address),
    pcp: flags.pcp,
    ssn: flags["ssn-stdin"] ? await readSsnFromStdin() : undefined,
  };
}

/** Drops undefined fields so a request carries only what was given. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
