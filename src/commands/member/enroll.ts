import * as Flags from "@oclif/core/flags";
import { BaseCommand } from "../../cli/base-command.js";
import { usageError } from "../../cli/errors.js";
import {
  defined,
  enrollmentFlags,
  memberFieldFlags,
  personFlags,
  personFromFlags,
} from "../../cli/member-input.js";
import { parseDate, readJsonFile } from "../../cli/parse.js";
import { canPrompt } from "../../cli/prompt.js";
import { formatUsd } from "../../cli/render/members.js";
import type { RouteInput } from "../../contract/routes.js";

type EnrollBody = RouteInput<"memberEnroll">["body"];

export default class MemberEnroll extends BaseCommand {
  static override summary = "Enroll an employee (and dependents) in a plan";
  static override description =
    "Three ways: --file member.json (the full request: subscriber, dependents, plan, group, dates; see the README), " +
    "flags for an employee alone (add dependents with `member dependent add`), or interactively at a terminal with " +
    "no flags. Prints the member ID, coverage tier and monthly premium, which follow from who is covered. The SSN is " +
    "read from stdin with --ssn-stdin (never a flag); the effective date is the first of a month, at most 60 days back.";
  static override examples = [
    "<%= config.bin %> member enroll --file member.json",
    "printf '%s' \"$SSN\" | <%= config.bin %> member enroll --group G1000001 --subgroup SAL --location DET --plan PPO-1000 --effective 2026-12-01 --employee-number E1001 --hire-date 2026-11-02 --first-name Ana --last-name Reyes --dob 1991-03-14 --sex F --marital-status single --address '12 Elm Street, Detroit, MI 48201' --ssn-stdin",
    "<%= config.bin %> member enroll          # at a terminal: asks for everything",
  ];
  static override flags = {
    file: Flags.string({
      char: "f",
      description: "JSON file with the whole enrollment",
      exclusive: ["first-name", "group"],
    }),
    ...enrollmentFlags,
    ...personFlags,
  };
  static override fieldFlags = memberFieldFlags;

  async run() {
    const { flags } = await this.parse(MemberEnroll);
    const client = this.session(flags).client();
    let body: EnrollBody;
    if (flags.file) {
      body = readJsonFile("--file", flags.file) as EnrollBody;
    } else if (flags["first-name"] || flags.group) {
      const missing = (
        [
          "group",
          "location",
          "plan",
          "effective",
          "employee-number",
          "hire-date",
          "first-name",
          "last-name",
          "dob",
          "sex",
          "address",
        ] as const
      ).filter((f) => flags[f] === undefined);
      if (missing.length)
        throw usageError(
          `missing ${missing.map((f) => `--${f}`).join(", ")}`,
          "or enroll from a file with --file member.json",
        );
      const { address, ...person } = await personFromFlags(flags);
      body = {
        groupNumber: flags.group!,
        subgroup: flags.subgroup,
        location: flags.location!,
        plan: flags.plan!,
        effectiveDate: parseDate("--effective", flags.effective!),
        employeeNumber: flags["employee-number"]!,
        hireDate: parseDate("--hire-date", flags["hire-date"]!),
        employmentStatus: flags["employment-status"],
        subscriber: { ...defined(person), address: address! } as EnrollBody["subscriber"],
      };
    } else if (canPrompt()) {
      const { enrollInteractively } = await import("../../cli/enroll-wizard.js");
      body = (await enrollInteractively(client)) as EnrollBody;
    } else {
      throw usageError(
        "nothing to enroll: no --file, no flags, and no terminal to ask at",
        "pass --file member.json or the enrollment flags (see --help)",
      );
    }
    const member = await client.call("memberEnroll", { body });
    this.log(
      `Enrolled ${member.id}: ${member.subscriber.firstName} ${member.subscriber.lastName}, ${member.plan.code}, tier ${member.tier}, ${formatUsd(member.monthlyPremiumCents)} a month from ${member.effectiveDate}.`,
    );
    return member;
  }
}
