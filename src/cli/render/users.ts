import type { z } from "zod";
import type { User } from "../../contract/users.js";
import type { Column } from "../output.js";
import { renderFields } from "../output.js";

type UserDto = z.infer<typeof User>;

export const scopeText = (scope: UserDto["scope"]) =>
  scope.employerWide
    ? "whole employer"
    : [...scope.groups, ...scope.locations.map((l) => `@${l}`)].join(", ");

export const userColumns: Column<UserDto>[] = [
  { header: "id", get: (u) => u.id },
  { header: "role", get: (u) => u.role },
  { header: "status", get: (u) => u.status },
  { header: "username", get: (u) => u.username ?? "" },
  { header: "name", get: (u) => u.name },
  { header: "email", get: (u) => u.email },
  { header: "scope", get: (u) => scopeText(u.scope) },
  { header: "features", get: (u) => (u.scope.employerWide ? "all" : u.features.join(" ")) },
];

export const renderUser = (u: UserDto) =>
  renderFields([
    ["ID", u.id],
    ["Name", u.name],
    ["E-mail", u.email],
    ["Phone", u.phone ?? ""],
    ["Role", u.role],
    ["Status", u.status === "pending" ? "pending (has not registered with the e-mailed key)" : u.status],
    ["Username", u.username ?? ""],
    ["Features", u.features],
    ["Scope", scopeText(u.scope)],
    ["Created", `${u.createdAt}${u.createdBy ? ` by ${u.createdBy}` : ""}`],
    ["Registered", u.registeredAt ?? ""],
  ]);
