// Writes shared/policy.schema.json (the policy's JSON Schema for editors) from the zod schema in shared/.
import { writeFileSync } from "node:fs";
import { policyJsonSchema } from "../shared/dist/index.js";

const schema = { $id: "https://wegroup.example/schemas/compliance-policy.json", title: "WeGroup compliance policy", ...policyJsonSchema() };
writeFileSync(new URL("../shared/policy.schema.json", import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);
