// A synthetic roster for the demo employer, deterministic for a given size:
//
//   node bench/roster.js EMPLOYEES FILE [EFFECTIVE_DATE]
//
// One subscriber row and 0-4 dependent rows (spouse, children) per employee, in the import template's
// columns, spread over the demo's groups, subgroups, locations and plans. bench/import.js uses it; it is
// also handy for rehearsing an import against `portal serve --demo`.
import { createWriteStream } from "node:fs";
import { pathToFileURL } from "node:url";
import { seeded } from "./random.js";

const { random, pick } = seeded(0x5eed);
const FIRST = [
  "Alex",
  "Sam",
  "Jordan",
  "Taylor",
  "Casey",
  "Riley",
  "Morgan",
  "Jamie",
  "Avery",
  "Quinn",
  "Drew",
  "Reese",
];
const LAST = [
  "Abbott",
  "Baker",
  "Chen",
  "Diaz",
  "Evans",
  "Fischer",
  "Garcia",
  "Hughes",
  "Ito",
  "Jensen",
  "Khan",
  "Lopez",
];
// Group, subgroup, location and the plans the demo offers to that group.
const PLACES = [
  ["G1000001", "SAL", "DET", ["PPO-1000", "EPO-750", "HDHP-3000"]],
  ["G1000001", "HRL", "TOL", ["PPO-1000", "EPO-750", "HDHP-3000"]],
  ["G1000002", "", "GRR", ["PPO-1000"]],
];

let ssnCounter = 0;
function ssn() {
  const n = ssnCounter++;
  const serial = 1000 + (n % 8999);
  const rest = Math.floor(n / 8999);
  return `${100 + Math.floor(rest / 89)}-${String(10 + (rest % 89)).padStart(2, "0")}-${serial}`;
}
const date = (y0, y1) =>
  `${y0 + Math.floor(random() * (y1 - y0))}-${String(1 + Math.floor(random() * 12)).padStart(2, "0")}-${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`;

export async function generateRoster(file, employees, effective) {
  const out = createWriteStream(file);
  out.write(
    "action,employee_number,relationship,first_name,last_name,ssn,date_of_birth,sex,marital_status,email,phone,address_line1,city,state,zip,group_number,subgroup,location,plan,effective_date,hire_date,employment_status\n",
  );
  let rows = 0;
  for (let i = 1; i <= employees; i++) {
    const emp = `B${String(i).padStart(7, "0")}`;
    const last = pick(LAST) + (i % 97);
    const [group, sub, loc, plans] = pick(PLACES);
    const deps = Math.floor(random() * 5) === 0 ? 0 : Math.floor(random() * 4) + (random() < 0.3 ? 1 : 0);
    const married = deps > 0 && random() < 0.7;
    const line = `,${emp},subscriber,${pick(FIRST)},${last},${ssn()},${date(1960, 2000)},${pick(["F", "M"])},${married ? "married" : "single"},${emp.toLowerCase()}@example.com,313-555-${String(i % 10000).padStart(4, "0")},${i} Main Street,Detroit,MI,48201,${group},${sub},${loc},${pick(plans)},${effective},2015-03-02,full-time\n`;
    if (!out.write(line)) await new Promise((r) => out.once("drain", r));
    rows++;
    for (let d = 0; d < deps; d++) {
      const spouse = married && d === 0;
      out.write(
        `,${emp},${spouse ? "spouse" : "child"},${pick(FIRST)}${d},${last},${ssn()},${spouse ? date(1960, 2000) : date(2005, 2024)},${pick(["F", "M"])},,,,,,,,,,,,${effective},,\n`,
      );
      rows++;
    }
  }
  await new Promise((r) => out.end(r));
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [employees, file, effective] = process.argv.slice(2);
  if (!employees || !file) {
    console.error("usage: node bench/roster.js EMPLOYEES FILE [EFFECTIVE_DATE]");
    process.exit(2);
  }
  const now = new Date();
  const firstOfNextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
    .toISOString()
    .slice(0, 10);
  const rows = await generateRoster(file, Number(employees), effective ?? firstOfNextMonth);
  console.log(
    `${file}: ${Number(employees).toLocaleString("en-US")} employees, ${rows.toLocaleString("en-US")} rows`,
  );
}
