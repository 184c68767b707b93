// Runs the TypeScript compiler of deploy/check/node_modules over one generated source file.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const checkDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Type-checks `source` under strict settings. The file is written to a fresh folder under
 * deploy/check/build, so that the compiler finds deploy/check/node_modules and parallel runs
 * do not collide; the folder is removed when the check passes and kept for reading when it
 * fails, unless STREAMMI_DISCARD_CHECK_SOURCES is 1 (tests that expect a failure set it).
 * Returns { ok, output, dir }.
 */
export function typecheck(prefix, source) {
  mkdirSync(join(checkDir, "build"), { recursive: true });
  const dir = mkdtempSync(join(checkDir, "build", `${prefix}-`));
  writeFileSync(join(dir, "check.ts"), source);
  const tsconfig = {
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: "es2022",
      module: "esnext",
      moduleResolution: "bundler",
      skipLibCheck: true,
      types: [],
    },
    files: ["check.ts"],
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));

  const tsc = join(checkDir, "node_modules", ".bin", "tsc");
  const result = spawnSync(tsc, ["-p", join(dir, "tsconfig.json")], { encoding: "utf8" });
  if (result.error) {
    return { ok: false, output: `could not run ${tsc}: ${result.error.message}`, dir };
  }
  const ok = result.status === 0;
  if (ok || process.env.STREAMMI_DISCARD_CHECK_SOURCES === "1") {
    rmSync(dir, { recursive: true, force: true });
  }
  return { ok, output: `${result.stdout}${result.stderr}`, dir };
}
