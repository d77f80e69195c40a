// Reading the files a person hands the CLI (policy, bundle), with errors that name the field.
import { readFile } from "node:fs/promises";
import { Bundle, describeZodError, type Policy, PolicyFile } from "@wegroup/shared";
import { CliError } from "./errors.js";

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CliError("bad_request", `cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new CliError("bad_request", `the ${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

export async function loadPolicyFile(path: string): Promise<Policy> {
  const parsed = PolicyFile.safeParse(await readJson(path, "policy file"));
  if (!parsed.success) throw new CliError("invalid_policy", `the policy file ${path} is not valid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export async function loadBundleFile(path: string): Promise<Bundle> {
  const parsed = Bundle.safeParse(await readJson(path, "bundle"));
  if (!parsed.success) throw new CliError("bad_request", `the bundle ${path} is not valid: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
