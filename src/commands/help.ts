import * as Args from "@oclif/core/args";
import { Command } from "@oclif/core/command";
import * as Flags from "@oclif/core/flags";
import { loadHelpClass } from "@oclif/core/help";

/**
 * `hnctl help [COMMAND]`, as @oclif/plugin-help provides it. Kept here instead of loading that plugin:
 * a plugin in the oclif `plugins` list costs every start-up a dependency glob match, a root search and
 * two JSON reads, for a command that is rarely run.
 */
export default class Help extends Command {
  static override summary = "Display help for hnctl";
  static override args = {
    command: Args.string({ description: "Command to show help for.", required: false }),
  };
  static override flags = {
    "nested-commands": Flags.boolean({
      char: "n",
      description: "Include all nested commands in the output.",
    }),
  };
  static override examples = [
    "<%= config.bin %> help whoami",
    "<%= config.bin %> help portal --nested-commands",
  ];
  static override strict = false;

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Help);
    const HelpClass = await loadHelpClass(this.config);
    const help = new HelpClass(this.config, { all: flags["nested-commands"] });
    await help.showHelp(argv as string[]);
  }
}
