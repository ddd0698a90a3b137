import type { MemberDetail, Person } from "../../contract/members.js";
import type { Column } from "./columns.js";

/** A member as roster rows in the template's columns: the subscriber's, then one per current dependent. */
export function memberRows(m: MemberDetail): Record<Column, string>[] {
  const person = (p: Person, relationship: string): Record<Column, string> => ({
    action: "",
    employee_number: m.employeeNumber,
    relationship,
    first_name: p.firstName,
    middle_name: p.middleName ?? "",
    last_name: p.lastName,
    ssn: p.ssn ?? "",
    date_of_birth: p.dateOfBirth,
    sex: p.sex,
    marital_status: p.maritalStatus ?? "",
    disabled: relationship === "subscriber" ? "" : p.disabled ? "yes" : "no",
    email: p.email ?? "",
    phone: p.phone ?? "",
    address_line1: p.address?.line1 ?? "",
    address_line2: p.address?.line2 ?? "",
    city: p.address?.city ?? "",
    state: p.address?.state ?? "",
    zip: p.address?.zip ?? "",
    group_number: "",
    subgroup: "",
    location: "",
    plan: "",
    effective_date: relationship === "subscriber" ? m.plan.effectiveDate : p.coverageStart,
    hire_date: "",
    employment_status: "",
    pcp: p.pcp?.npi ?? "",
    termination_date: relationship === "subscriber" ? (m.terminationDate ?? "") : (p.coverageEnd ?? ""),
    termination_reason: relationship === "subscriber" ? (m.terminationReason ?? "") : "",
  });
  const subscriber = {
    ...person(m.subscriber, "subscriber"),
    group_number: m.groupNumber,
    subgroup: m.subgroup ?? "",
    location: m.location,
    plan: m.plan.code,
    hire_date: m.hireDate,
    employment_status: m.employmentStatus,
  };
  return [
    subscriber,
    ...m.dependents.filter((d) => d.status !== "removed").map((d) => person(d, d.relationship)),
  ];
}
