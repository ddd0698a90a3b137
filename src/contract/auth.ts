import { z } from "zod";
import { Feature, GroupNumber, PolicyholderId, Role, Timestamp } from "./common.js";

/** NIST SP 800-63B-4: length rules only, no composition rules; checked against a blocklist by the portal. */
export const PASSWORD_MIN_LENGTH = 15;
export const PASSWORD_MAX_LENGTH = 256;

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^[a-z0-9][a-z0-9._-]{2,63}$/,
    "3-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit",
  );

export const Password = z
  .string()
  .refine((p) => [...p.normalize("NFKC")].length >= PASSWORD_MIN_LENGTH, {
    message: `must be at least ${PASSWORD_MIN_LENGTH} characters (a passphrase of several words works well)`,
  })
  .refine((p) => [...p.normalize("NFKC")].length <= PASSWORD_MAX_LENGTH, {
    message: `must be at most ${PASSWORD_MAX_LENGTH} characters`,
  });

export const RegisterRequest = z.strictObject({
  groupNumber: GroupNumber,
  policyholderId: PolicyholderId,
  key: z
    .string()
    .trim()
    .min(1, "the registration key from the e-mail is required")
    .max(64, "is too long to be a registration key"),
  username: Username,
  password: Password,
});
export type RegisterRequest = z.input<typeof RegisterRequest>;

export const RegisterResponse = z.object({
  userId: z.string(),
  username: z.string(),
  role: Role,
});

export const LoginRequest = z.strictObject({
  username: Username,
  password: z
    .string()
    .min(1, "is required")
    .max(PASSWORD_MAX_LENGTH * 4),
});

export const TokenPair = z.object({
  tokenType: z.literal("Bearer"),
  accessToken: z.string(),
  accessTokenExpiresAt: Timestamp,
  refreshToken: z.string(),
  refreshTokenExpiresAt: Timestamp,
});
export type TokenPair = z.infer<typeof TokenPair>;

export const RefreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export const LogoutRequest = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export const LogoutResponse = z.object({ revoked: z.boolean() });

export const Scope = z.object({
  employerWide: z.boolean().describe("true for the primary and secondary administrators"),
  groups: z.array(z.string()).describe("group numbers the caller may act on (when not employer-wide)"),
  locations: z.array(z.string()).describe("location codes the caller may act on (when not employer-wide)"),
});

export const WhoAmI = z.object({
  user: z.object({
    id: z.string(),
    username: z.string(),
    name: z.string(),
    email: z.string(),
    role: Role,
  }),
  employer: z.object({
    id: z.string(),
    name: z.string(),
    policyholderId: z.string(),
    groupNumbers: z.array(z.string()),
  }),
  features: z.array(Feature),
  scope: Scope,
  credential: z.object({
    kind: z.enum(["session", "api_token"]),
    name: z.string().optional().describe("the API token's name"),
    expiresAt: Timestamp,
  }),
});
export type WhoAmI = z.infer<typeof WhoAmI>;
