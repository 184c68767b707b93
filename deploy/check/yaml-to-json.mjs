// Prints the documents of a YAML file as one JSON array, for tests written in languages
// without a YAML parser at hand. Aliases are resolved; empty documents are left out.
//
//   node deploy/check/yaml-to-json.mjs file.yaml
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const file = process.argv[2];
if (!file) {
  console.error("usage: node yaml-to-json.mjs <file.yaml>");
  process.exit(2);
}
const documents = [];
for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
  if (doc.errors.length > 0) {
    console.error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
    process.exit(1);
  }
  const value = doc.toJS({ maxAliasCount: -1 });
  if (value !== null && value !== undefined) {
    documents.push(value);
  }
}
console.log(JSON.stringify(documents));
