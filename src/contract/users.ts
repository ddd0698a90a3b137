import { z } from "zod";
import { Feature, GroupNumber, Timestamp } from "./common.js";
import { Scope } from "./auth.js";
import { LocationCode } from "./members.js";

/** Roles that can be created (the primary administrator exists from onboarding and cannot be created). */
export const CreatableRole = z.enum(["secondary-admin", "group-admin", "delegate"]);

const Email = z.email("must be an e-mail address such as name@example.com").trim().toLowerCase().max(254);
const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ().-]{7,20}$/, "must be a phone number such as +1 313 555 0100");
const Name = z.string().trim().min(1, "is required").max(120);

export const NotificationPreferences = z.object({
  reportReady: z.boolean().describe("e-mail when a requested report is ready"),
  billAvailable: z.boolean().describe("e-mail when a new invoice is issued"),
  paymentStatus: z.boolean().describe("e-mail when a payment settles or is returned"),
  enrollmentChanges: z.boolean().describe("e-mail when enrollment changes are made in your scope"),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferences>;
export const NotificationUpdate = z.strictObject({
  reportReady: z.boolean().optional(),
  billAvailable: z.boolean().optional(),
  paymentStatus: z.boolean().optional(),
  enrollmentChanges: z.boolean().optional(),
});

export const User = z.object({
  id: z.string(),
  role: z.enum(["primary-admin", "secondary-admin", "group-admin", "delegate"]),
  status: z
    .enum(["pending", "active", "disabled"])
    .describe("pending until the user registers with the e-mailed key"),
  username: z.string().nullable(),
  name: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  features: z.array(Feature),
  scope: Scope,
  createdAt: Timestamp,
  createdBy: z.string().nullable(),
  registeredAt: Timestamp.nullable(),
});
export type User = z.infer<typeof User>;

export const UserCreateRequest = z.strictObject({
  role: CreatableRole,
  name: Name,
  email: Email,
  phone: Phone.optional(),
  features: z
    .array(Feature)
    .max(8)
    .default([])
    .describe("ignored for secondary administrators, who hold every feature"),
  groups: z.array(GroupNumber).max(100).default([]),
  locations: z.array(LocationCode).max(100).default([]),
});

/** Users edit their own name, e-mail and phone; managers may also change features and scope. Never role or employer. */
export const UserUpdateRequest = z.strictObject({
  name: Name.optional(),
  email: Email.optional(),
  phone: Phone.nullable().optional(),
  features: z.array(Feature).max(8).optional(),
  groups: z.array(GroupNumber).max(100).optional(),
  locations: z.array(LocationCode).max(100).optional(),
});

export const UserList = z.object({ users: z.array(User) });
export const UserIdParams = z.strictObject({
  userId: z.string().min(1).max(64).describe("a user ID, or `me`"),
});
export const RegistrationKeyIssued = z.object({
  userId: z.string(),
  email: z.string(),
  expiresAt: Timestamp,
});

export const ApiTokenCreateRequest = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/, "1-64 characters: letters, digits, space, '.', '_' or '-'"),
  features: z.array(Feature).max(8).optional().describe("default: all of your features"),
  expiresInDays: z
    .number()
    .int()
    .min(1, "must be at least 1 day")
    .max(366, "must be at most 366 days")
    .default(90),
});
export const ApiToken = z.object({
  id: z.string(),
  name: z.string(),
  features: z.array(Feature),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});
export const ApiTokenCreated = ApiToken.extend({
  token: z.string().describe("shown once: only its hash is stored"),
});
export const ApiTokenList = z.object({ tokens: z.array(ApiToken) });
export const ApiTokenIdParams = z.strictObject({ tokenId: z.string().min(1).max(64) });

export const AuditQuery = z.strictObject({
  since: z.iso.date().optional().describe("from this day (UTC), inclusive"),
  until: z.iso.date().optional().describe("to this day (UTC), inclusive"),
  actor: z.string().trim().max(64).optional().describe("username or user ID"),
  member: z.string().trim().max(64).optional().describe("member ID"),
  action: z.string().trim().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(64).optional(),
});
export const AuditEvent = z.object({
  id: z.number().int(),
  at: Timestamp,
  action: z.string(),
  actor: z.object({ userId: z.string(), username: z.string().nullable(), name: z.string() }).nullable(),
  apiToken: z.object({ id: z.string(), name: z.string() }).nullable(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export const AuditList = z.object({ events: z.array(AuditEvent), nextCursor: z.string().nullable() });
