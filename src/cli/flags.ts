import * as Flags from "@oclif/core/flags";
import { FEATURES, MAX_BATCH_OPERATIONS } from "../contract/enums.js";

/** Flags several commands share, defined once so their names and help read the same everywhere. */
export const listFlags = {
  csv: Flags.boolean({ description: "CSV (formula-escaped) instead of a table", exclusive: ["json"] }),
};

export const grantFlags = {
  feature: Flags.option({ options: FEATURES, multiple: true as const })({
    description: "a feature to grant (repeatable)",
  }),
  group: Flags.string({ description: "a group number in scope, e.g. G1000001 (repeatable)", multiple: true }),
  location: Flags.string({ description: "a location code in scope, e.g. DET (repeatable)", multiple: true }),
};

export const yesFlag = {
  yes: Flags.boolean({
    char: "y",
    description: "do it without asking (needed when not run from a terminal)",
  }),
};

export const onOff = (description: string) =>
  Flags.option({ options: ["on", "off"] as const })({ description });

/** `member import` and its `resume`: members per request, up to what the portal takes in one. */
export const batchSizeFlag = {
  "batch-size": Flags.integer({
    min: 1,
    max: MAX_BATCH_OPERATIONS,
    description: `members per request, each one transaction in the portal (default ${MAX_BATCH_OPERATIONS}; 2000 for a --dry-run plan)`,
  }),
};
