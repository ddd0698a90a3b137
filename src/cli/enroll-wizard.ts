import type { PortalClient } from "../client/portal-client.js";
import { DEPENDENT_RELATIONSHIPS, MARITAL_STATUSES, SEXES } from "../contract/enums.js";
import { parseAddress } from "./parse.js";

/**
 * `member enroll` at a terminal without --file: asks for each field, offering the groups, locations,
 * plans and providers the caller may use. Returns the enrollment request; the portal checks the rules.
 */
export async function enrollInteractively(client: PortalClient): Promise<Record<string, unknown>> {
  const { input, select, confirm, password } = await import("@inquirer/prompts");
  const out = { output: process.stderr };
  const date = (message: string) =>
    input(
      {
        message: `${message} (YYYY-MM-DD)`,
        validate: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v.trim()) ? true : "use YYYY-MM-DD"),
      },
      out,
    );
  const required = (message: string) => input({ message, required: true }, out);

  const [{ groups }, { locations }] = await Promise.all([
    client.call("groupList"),
    client.call("locationList"),
  ]);
  if (!groups.length) throw new Error("no groups in your scope: ask an administrator for access");
  const group = await select(
    { message: "Group", choices: groups.map((g) => ({ name: `${g.groupNumber} ${g.name}`, value: g })) },
    out,
  );
  const subgroup = group.subgroups.length
    ? await select(
        {
          message: "Subgroup",
          choices: group.subgroups.map((s) => ({ name: `${s.code} ${s.name}`, value: s.code })),
        },
        out,
      )
    : undefined;
  const location = await select(
    { message: "Location", choices: locations.map((l) => ({ name: `${l.code} ${l.name}`, value: l.code })) },
    out,
  );
  const { plans } = await client.call("planList", { query: { group: group.groupNumber } });
  const plan = await select(
    { message: "Plan", choices: plans.map((p) => ({ name: `${p.code} ${p.name} (${p.type})`, value: p })) },
    out,
  );
  const pickPcp = async (who: string) => {
    if (!plan.requiresPcp) return undefined;
    const { providers } = await client.call("providerSearch", {
      query: { plan: plan.code, accepting: "true", limit: 50 },
    });
    return select(
      {
        message: `PCP for ${who}`,
        choices: providers.map((p) => ({
          name: `${p.lastName}, ${p.firstName} – ${p.specialty}, ${p.city}`,
          value: p.npi,
        })),
      },
      out,
    );
  };
  const person = async (who: string) => ({
    firstName: await required(`${who}: first name`),
    lastName: await required(`${who}: last name`),
    dateOfBirth: (await date(`${who}: date of birth`)).trim(),
    sex: await select({ message: `${who}: sex`, choices: SEXES.map((s) => ({ value: s })) }, out),
    ssn:
      (await password({ message: `${who}: SSN (hidden; empty for a newborn without one)` }, out)).trim() ||
      undefined,
  });

  const subscriber = {
    ...(await person("Employee")),
    maritalStatus: await select(
      { message: "Employee: marital status", choices: MARITAL_STATUSES.map((s) => ({ value: s })) },
      out,
    ),
    address: parseAddress("address", await required('Employee: address ("street, city, ST ZIP")')),
    pcp: await pickPcp("the employee"),
  };
  const dependents = [];
  while (
    await confirm(
      { message: dependents.length ? "Add another dependent?" : "Add a dependent?", default: false },
      out,
    )
  ) {
    const relationship = await select(
      { message: "Relationship", choices: DEPENDENT_RELATIONSHIPS.map((r) => ({ value: r })) },
      out,
    );
    const p = await person(relationship);
    dependents.push({ ...p, relationship, pcp: await pickPcp(p.firstName) });
  }
  return {
    groupNumber: group.groupNumber,
    subgroup,
    location,
    plan: plan.code,
    effectiveDate: (await date("Coverage starts on (the first of a month)")).trim(),
    employeeNumber: await required("Employee number (your HR system's ID)"),
    hireDate: (await date("Hire date")).trim(),
    subscriber,
    dependents,
  };
}
