// Builds software titles for tests: the fields a merge step would fill, with overrides.
import { foldText } from "@wegroup/shared";
import type { SoftwareFacts, SoftwareTitle } from "../checks/software/facts.js";
import { normaliseName } from "../checks/software/match/normalise.js";

export function title(name: string, fields: Partial<SoftwareTitle> = {}): SoftwareTitle {
  return {
    key: foldText(normaliseName(name)),
    name,
    versions: ["1.0"],
    sources: ["app"],
    ids: [],
    identity: {},
    scope: "installed",
    ...fields,
  };
}

export function titleFacts(titles: SoftwareTitle[], extra: Partial<SoftwareFacts> = {}): SoftwareFacts {
  return { titles, sources: [...new Set(titles.flatMap((t) => t.sources))], problems: [], ...extra };
}
