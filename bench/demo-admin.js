// The demo employer's primary administrator, as `portal serve --demo` seeds it (see CLI.md): the
// arguments of `hnctl register` that the end-to-end benchmarks run first (password on stdin).
export const registerArgs = (key, username) => [
  "register",
  "--group-number",
  "G1000001",
  "--policyholder-id",
  "1234",
  "--key",
  key,
  "--username",
  username,
  "--password-stdin",
];
