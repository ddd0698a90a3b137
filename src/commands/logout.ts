import { BaseCommand } from "../cli/base-command.js";
import { NetworkError } from "../client/errors.js";

export default class Logout extends BaseCommand {
  static override summary = "Sign out: revoke the session on the portal and delete the stored tokens";
  static override examples = [
    "<%= config.bin %> logout",
    "<%= config.bin %> logout --profile staging --json",
  ];

  async run() {
    const { flags } = await this.parse(Logout);
    const session = this.session(flags);
    const creds = await session.storedCredentials();
    if (!creds) {
      this.note(`Not logged in to ${session.apiUrl.origin} (profile "${session.profile}"); nothing to do.`);
      return { loggedOut: false, revokedOnPortal: false };
    }
    let revokedOnPortal = false;
    try {
      revokedOnPortal = (
        await session.anonymousClient().call("logout", { body: { refreshToken: creds.refreshToken } })
      ).revoked;
    } catch (err) {
      // The local tokens go anyway: the user asked to be signed out of this machine.
      if (!(err instanceof NetworkError)) throw err;
      this.note(
        `warning: ${err.message}; the session could not be revoked on the portal (it expires by itself)`,
      );
    }
    await session.store.delete(session.account);
    this.note(
      `Logged out ${creds.username} from ${session.apiUrl.origin}; tokens removed from the ${session.store.description}.`,
    );
    return { loggedOut: true, revokedOnPortal };
  }
}
