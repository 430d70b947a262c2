// ESLint flat config: typescript-eslint's recommended rules, tuned to the
// codebase's style. Formatting is Prettier's job (.prettierrc.json).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  { ignores: ["node_modules/", "dist/", "data/", "bench/results/", "coverage/", ".scratch/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module" },
    rules: {
      // Event maps and test helpers deliberately take `any` payloads (tests send bad input on purpose).
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Control characters in regexes are the point of the name and text rules.
      "no-control-regex": "off",
      // A `let` read by a closure before its one assignment (a callback wired up before the value exists) stays a `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "off",
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    // Node: everything but the browser's code.
    ignores: ["static/**"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Browser code: classic scripts served from /static (no modules, no build step), with the DOM's
    // globals only. `module` is CommonJS's, for the scripts Node requires too (game-sync.js, room-sync.js).
    files: ["static/**/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser, io: "readonly", module: "readonly" } },
  },
  {
    files: ["**/*.cjs", "jest.config.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
