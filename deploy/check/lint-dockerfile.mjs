// Lints a Dockerfile: dockerfile-utils' validator with every check switched on, then the
// image policy of this project, checked on dockerfile-ast's syntax tree (hadolint is not
// available on the build machines, so the few of its rules that matter here are below).
//
//   node deploy/check/lint-dockerfile.mjs Dockerfile
//
// Policy, for the last (run-time) stage unless said otherwise:
//   tagged-base      every FROM names a tag or digest, and not "latest";
//   no-shell         the base image is chiseled or distroless, and the stage has no RUN
//                    (there is no shell to run it, at build time or at run time);
//   non-root         the last USER is a numeric, non-zero UID, so that Kubernetes'
//                    runAsNonRoot can verify it;
//   exec-entrypoint  exactly one ENTRYPOINT, in exec (JSON) form;
//   expose-8080      EXPOSE 8080;
//   shared-publish   some stage runs deploy/publish.sh, the publish command the tests run;
//   copy-from-stage  every COPY --from names an earlier stage.
// Prints { problems: [{ line, rule, message }], entrypoint: [string] } as JSON; exit code 0
// without problems, 1 with, 2 on a usage error.
import { readFileSync } from "node:fs";
import { DockerfileParser } from "dockerfile-ast";
import { validate } from "dockerfile-utils";

const file = process.argv[2];
if (!file) {
  console.error("usage: node lint-dockerfile.mjs <Dockerfile>");
  process.exit(2);
}
const content = readFileSync(file, "utf8");
const problems = [];
const report = (line, rule, message) => problems.push({ line, rule, message });

// dockerfile-utils' ValidationSeverity.ERROR is 2; every optional check is raised to it.
const everything = {
  deprecatedMaintainer: 2,
  directiveCasing: 2,
  emptyContinuationLine: 2,
  instructionCasing: 2,
  instructionCmdMultiple: 2,
  instructionEntrypointMultiple: 2,
  instructionHealthcheckMultiple: 2,
  instructionJSONInSingleQuotes: 2,
  instructionWorkdirRelative: 2,
};
for (const d of validate(content, everything)) {
  report(d.range.start.line + 1, "dockerfile-utils", d.message);
}

const dockerfile = DockerfileParser.parse(content);
const lineOf = (instruction) => instruction.getRange().start.line + 1;

// Split the instructions into stages at each FROM.
const stages = [];
for (const instruction of dockerfile.getInstructions()) {
  if (instruction.getKeyword() === "FROM") {
    stages.push({ from: instruction, instructions: [] });
  } else if (stages.length > 0) {
    stages[stages.length - 1].instructions.push(instruction);
  }
}
if (stages.length === 0) {
  report(1, "tagged-base", "no FROM instruction");
}

const stageNames = [];
for (const { from, instructions } of stages) {
  const image = from.getImageName() ?? "";
  const tag = from.getImageTag();
  const digest = from.getImageDigest();
  if (!tag && !digest) {
    report(lineOf(from), "tagged-base", `base image ${image} has no tag or digest`);
  } else if (tag === "latest") {
    report(lineOf(from), "tagged-base", `base image ${image} uses the tag "latest"`);
  }

  for (const copy of instructions.filter((i) => i.getKeyword() === "COPY")) {
    for (const flag of copy.getFlags()) {
      if (flag.getName() === "from" && !stageNames.includes(flag.getValue())) {
        report(lineOf(copy), "copy-from-stage",
          `COPY --from=${flag.getValue()} names no earlier stage`);
      }
    }
  }
  const stageName = from.getBuildStage();
  if (stageName) {
    stageNames.push(stageName);
  }
}

const publishes = stages.some(({ instructions }) => instructions.some((i) =>
  i.getKeyword() === "RUN" && /(^|[\s/])deploy\/publish\.sh\b/.test(i.getArgumentsContent() ?? "")));
if (!publishes) {
  report(1, "shared-publish", "no RUN instruction runs deploy/publish.sh");
}

let entrypoint = [];
if (stages.length > 0) {
  const { from, instructions } = stages[stages.length - 1];
  const image = `${from.getImageName() ?? ""}:${from.getImageTag() ?? ""}`;
  if (!/chiseled|distroless/.test(image)) {
    report(lineOf(from), "no-shell", `run-time base ${image} is neither chiseled nor distroless`);
  }
  for (const run of instructions.filter((i) => i.getKeyword() === "RUN")) {
    report(lineOf(run), "no-shell", "RUN in the run-time stage, which has no shell");
  }

  const users = instructions.filter((i) => i.getKeyword() === "USER");
  if (users.length === 0) {
    report(lineOf(from), "non-root", "the run-time stage sets no USER");
  } else {
    const user = users[users.length - 1];
    const value = (user.getArgumentsContent() ?? "").trim();
    const uid = value.split(":")[0];
    if (!/^\d+$/.test(uid) || Number(uid) === 0) {
      report(lineOf(user), "non-root", `USER ${value} is not a numeric, non-zero UID`);
    }
  }

  const entrypoints = instructions.filter((i) => i.getKeyword() === "ENTRYPOINT");
  if (entrypoints.length !== 1) {
    report(lineOf(from), "exec-entrypoint",
      `the run-time stage has ${entrypoints.length} ENTRYPOINT instructions, not 1`);
  } else {
    const strings = entrypoints[0].getJSONStrings();
    if (strings.length === 0) {
      report(lineOf(entrypoints[0]), "exec-entrypoint", "ENTRYPOINT is not in exec (JSON) form");
    }
    entrypoint = strings.map((s) => s.getJSONValue());
  }

  const exposed = instructions
    .filter((i) => i.getKeyword() === "EXPOSE")
    .flatMap((i) => i.getArguments().map((a) => a.getValue()));
  if (!exposed.some((p) => p === "8080" || p === "8080/tcp")) {
    report(lineOf(from), "expose-8080", "the run-time stage does not EXPOSE 8080");
  }
}

console.log(JSON.stringify({ problems, entrypoint }, null, 2));
process.exit(problems.length === 0 ? 0 : 1);
