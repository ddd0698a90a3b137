import { FEATURES, type Feature, type Role } from "../../contract/common.js";
import { forbidden, notFound } from "../errors.js";

/** Who is calling, what they may do and where: the result of authentication, used by every service. */
export interface Principal {
  userId: string;
  employerId: string;
  role: Role;
  features: ReadonlySet<Feature>;
  scope: Scope;
  credential:
    | { kind: "session"; familyId: string; expiresAt: string }
    | { kind: "api_token"; tokenId: string; name: string; expiresAt: string };
}

export interface Scope {
  employerWide: boolean;
  groupIds: ReadonlySet<string>;
  locationIds: ReadonlySet<string>;
}

/** Administrators of the whole employer hold every feature; the rest hold what they were granted. */
export function featuresOf(role: Role, granted: Iterable<string>): Set<Feature> {
  if (role === "primary-admin" || role === "secondary-admin") return new Set(FEATURES);
  const known = new Set<string>(FEATURES);
  return new Set([...granted].filter((f): f is Feature => known.has(f)));
}

export function requireFeature(principal: Principal, feature: Feature): void {
  if (!principal.features.has(feature)) throw forbidden(feature);
}

/** Where an object lives: its employer and, for members and invoices, its group and location. */
export interface ObjectPlace {
  employerId: string;
  groupId?: string | null;
  locationId?: string | null;
}

/**
 * Scope rule: employer-wide callers see the whole employer. Otherwise a caller granted groups sees
 * objects of those groups, one granted locations sees objects at those locations, and one granted
 * both sees only objects matching both (a group at a site). Objects without a group or location
 * (the employer's own settings) are employer-wide.
 */
export function inScope(principal: Principal, place: ObjectPlace): boolean {
  if (place.employerId !== principal.employerId) return false;
  const { scope } = principal;
  if (scope.employerWide) return true;
  const groupOk = scope.groupIds.size === 0 || (place.groupId != null && scope.groupIds.has(place.groupId));
  const locationOk =
    scope.locationIds.size === 0 || (place.locationId != null && scope.locationIds.has(place.locationId));
  return groupOk && locationOk && (scope.groupIds.size > 0 || scope.locationIds.size > 0);
}

/** Out of scope is 404, never 403: the caller must not learn that the object exists. */
export function requireInScope(principal: Principal, place: ObjectPlace, what: string): void {
  if (!inScope(principal, place)) throw notFound(what);
}
