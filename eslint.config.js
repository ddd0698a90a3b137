import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "dist-check/", "node_modules/", "coverage/", "bench/out/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='only'][callee.object.name=/^(it|test|describe)$/]",
          message: "Focused tests skip the rest of the suite.",
        },
      ],
    },
  },
  {
    // Tests read JSON answers loosely; the assertions are what check their shape.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // The layering rules of ARCHITECTURE.md: contract imports nothing of ours; the CLI never imports the portal.
    files: ["src/contract/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["../cli/*", "../client/*", "../portal/*", "../commands/*"] },
      ],
    },
  },
  {
    files: ["src/cli/**/*.ts", "src/client/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: ["**/portal/**"] }] },
  },
  {
    files: ["src/portal/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["**/cli/**", "**/client/**", "**/commands/**"] }],
    },
  },
);
