import type { Generated } from "kysely";

/** Kysely's view of the portal database. Timestamps are ISO strings (UTC), dates YYYY-MM-DD, money integer cents. */
export interface Database {
  settings: { key: string; value: string };
  employers: { id: string; name: string; policyholder_id: string; created_at: string };
  groups: { id: string; employer_id: string; group_number: string; name: string };
  subgroups: { id: string; group_id: string; code: string; name: string };
  locations: { id: string; employer_id: string; code: string; name: string; city: string; state: string };
  plans: {
    id: string;
    employer_id: string;
    code: string;
    name: string;
    type: "HMO" | "PPO" | "EPO" | "HDHP";
    requires_pcp: number;
    rate_ee: number;
    rate_es: number;
    rate_ec: number;
    rate_ef: number;
  };
  plan_groups: { plan_id: string; group_id: string };
  providers: {
    id: string;
    npi: string;
    first_name: string;
    last_name: string;
    specialty: string;
    city: string;
    state: string;
    zip: string;
    accepting_new_patients: number;
  };
  provider_plans: { provider_id: string; plan_id: string };
  users: {
    id: string;
    employer_id: string;
    role: "primary-admin" | "secondary-admin" | "group-admin" | "delegate";
    username: string | null;
    password_hash: string | null;
    name: string;
    email: string;
    phone: string | null;
    status: "pending" | "active" | "disabled";
    failed_logins: Generated<number>;
    locked_until: string | null;
    created_by: string | null;
    created_at: string;
    registered_at: string | null;
  };
  user_features: { user_id: string; feature: string };
  user_scopes: { user_id: string; group_id: string | null; location_id: string | null };
  registration_keys: {
    id: string;
    user_id: string;
    key_hash: string;
    expires_at: string;
    used_at: string | null;
    revoked_at: string | null;
    created_at: string;
  };
  /** One row per login; refresh rotation keeps the family, reuse of a rotated token revokes it. */
  session_families: {
    id: string;
    user_id: string;
    created_at: string;
    revoked_at: string | null;
    revoked_reason: string | null;
  };
  session_tokens: {
    token_hash: string;
    family_id: string;
    kind: "access" | "refresh";
    expires_at: string;
    used_at: string | null;
    created_at: string;
  };
  api_tokens: {
    id: string;
    user_id: string;
    name: string;
    token_hash: string;
    features: string;
    expires_at: string;
    revoked_at: string | null;
    created_at: string;
    last_used_at: string | null;
  };
  user_notifications: {
    user_id: string;
    report_ready: number;
    bill_available: number;
    payment_status: number;
    enrollment_changes: number;
  };
  outbox: {
    id: string;
    to_addr: string;
    subject: string;
    body: string;
    attachments: string | null;
    sent_at: string;
    transport: "outbox" | "smtp";
  };
  audit_events: {
    id: Generated<number>;
    employer_id: string | null;
    actor_user_id: string | null;
    api_token_id: string | null;
    action: string;
    object_type: string | null;
    object_id: string | null;
    details: string | null;
    at: string;
  };
  members: {
    id: string;
    employer_id: string;
    group_id: string;
    subgroup_id: string | null;
    location_id: string;
    plan_id: string;
    plan_effective_date: string;
    status: "active" | "terminated" | "cobra";
    tier: "EE" | "ES" | "EC" | "EF" | null;
    monthly_premium_cents: number;
    effective_date: string;
    termination_date: string | null;
    termination_reason: string | null;
    employee_number: string;
    hire_date: string;
    employment_status: string;
    sort_name: string;
    version: number;
    created_at: string;
    updated_at: string;
  };
  people: {
    id: string;
    member_id: string;
    employer_id: string;
    relationship: string;
    first_name: string;
    middle_name: string | null;
    last_name: string;
    name_key: string;
    /** AES-256-GCM, see services/pii.ts; the HMAC is for exact lookup, last4 for masking. */
    ssn_encrypted: string | null;
    ssn_hmac: string | null;
    ssn_last4: string | null;
    date_of_birth: string;
    sex: string;
    marital_status: string | null;
    disabled: number;
    email: string | null;
    phone: string | null;
    /** JSON of the contract's Address, or null (dependents: same as the subscriber). */
    address: string | null;
    status: "active" | "removed" | "terminated" | "cobra";
    coverage_start: string;
    coverage_end: string | null;
    pcp_provider_id: string | null;
    cobra_id: string | null;
    created_at: string;
  };
  cobra_coverages: {
    id: string;
    member_id: string;
    event: string;
    event_date: string;
    tier: "EE" | "ES" | "EC" | "EF";
    regular_coverage_end: string;
    coverage_start: string;
    coverage_end: string;
    months: number;
    election_deadline: string;
    monthly_premium_cents: number;
    extended_monthly_premium_cents: number | null;
    extended_from: string | null;
    created_at: string;
  };
  enrollment_transactions: {
    id: string;
    employer_id: string;
    member_id: string;
    person_id: string | null;
    type: "addition" | "change" | "termination" | "reinstatement" | "cobra";
    maintenance_type_code: string;
    maintenance_reason_code: string;
    effective_date: string;
    description: string;
    details: string | null;
    actor_user_id: string | null;
    api_token_id: string | null;
    at: string;
  };
  import_jobs: {
    id: string;
    employer_id: string;
    user_id: string;
    api_token_id: string | null;
    file_name: string;
    file_sha256: string;
    format: "csv" | "834";
    total_rows: number;
    total_operations: number;
    created_at: string;
    updated_at: string;
  };
  import_rows: {
    job_id: string;
    ref: number;
    operation_sha256: string;
    outcome: "added" | "changed" | "unchanged" | "terminated" | "failed";
    member_id: string | null;
    result: string;
    at: string;
  };
  import_batches: { job_id: string; idempotency_key: string; request_sha256: string; at: string };
  billing_accounts: {
    group_id: string;
    employer_id: string;
    next_cycle_date: string;
    paper_billing: number;
    email_billing: number;
    /** JSON array of e-mail addresses. */
    email_to: string;
    updated_at: string;
  };
  invoices: {
    id: string;
    employer_id: string;
    group_id: string;
    number: string;
    /** YYYY-MM: the month the current charges are for. */
    period: string;
    issue_date: string;
    due_date: string;
    issued_at: string;
    previous_balance_cents: number;
    payments_cents: number;
    adjustments_cents: number;
    current_charges_cents: number;
    amount_due_cents: number;
    line_count: number;
    delivery: string;
    closed_at: string | null;
  };
  invoice_lines: {
    invoice_id: string;
    member_id: string;
    sort_name: string;
    subscriber_name: string;
    employee_number: string;
    subgroup: string | null;
    location: string;
    status: string;
    plan_code: string | null;
    tier: string | null;
    people: string;
    regular_cents: number;
    cobra_cents: number;
    premium_cents: number;
  };
  invoice_adjustments: {
    id: Generated<number>;
    invoice_id: string;
    member_id: string;
    coverage_month: string;
    amount_cents: number;
    reason: string;
    request_id: string | null;
  };
  /** Money received against an invoice (the payments issue posts here; returns post negative amounts). */
  payments_applied: {
    id: string;
    invoice_id: string;
    amount_cents: number;
    applied_at: string;
    source: string;
    reference: string | null;
  };
  amount_due_requests: {
    id: string;
    invoice_id: string;
    member_id: string | null;
    amount_cents: number;
    reason: string;
    status: "pending_verification" | "accepted" | "rejected";
    verification: string | null;
    requested_by: string;
    created_at: string;
    verified_at: string | null;
  };
  payment_methods: {
    id: string;
    employer_id: string;
    group_id: string;
    nickname: string;
    routing_number: string;
    account_encrypted: string;
    account_hmac: string;
    account_last4: string;
    type: "checking" | "savings";
    created_by: string;
    created_at: string;
    removed_at: string | null;
  };
  payment_schedules: {
    id: string;
    employer_id: string;
    group_id: string;
    day_of_month: number;
    /** JSON: [{methodId, amountCents|null}] */
    allocations: string;
    start_date: string;
    end_date: string | null;
    status: "active" | "paused" | "cancelled" | "ended";
    next_run_date: string | null;
    last_run_date: string | null;
    created_by: string;
    created_at: string;
  };
  payments: {
    id: string;
    batch_id: string;
    employer_id: string;
    group_id: string;
    invoice_id: string;
    method_id: string;
    amount_cents: number;
    pay_date: string;
    status: "scheduled" | "processing" | "settled" | "returned" | "cancelled";
    settle_date: string | null;
    return_code: string | null;
    schedule_id: string | null;
    created_by: string | null;
    created_at: string;
    updated_at: string;
  };
  idempotency_keys: {
    user_id: string;
    key: string;
    route: string;
    request_hash: string;
    state: "in_progress" | "done";
    response_status: number | null;
    response_body: string | null;
    created_at: string;
  };
  report_schedules: {
    id: string;
    employer_id: string;
    user_id: string;
    name: string;
    type: string;
    frequency: "monthly" | "weekly";
    day_of_month: number | null;
    weekday: string | null;
    period: string;
    /** JSON: groups, subgroups, locations, statuses, columns. */
    criteria: string;
    format: string;
    notify: number;
    next_run_date: string;
    last_report_id: string | null;
    created_at: string;
    updated_at: string;
  };
  reports: {
    id: string;
    employer_id: string;
    user_id: string;
    api_token_id: string | null;
    schedule_id: string | null;
    type: string;
    format: string;
    status: "queued" | "running" | "ready" | "failed" | "expired";
    /** JSON of the contract's ReportParameters. */
    parameters: string;
    period: string;
    notify: number;
    requested_at: string;
    started_at: string | null;
    ready_at: string | null;
    expires_at: string | null;
    row_count: number | null;
    size_bytes: number | null;
    sha256: string | null;
    error: string | null;
    attempts: number;
  };
}
