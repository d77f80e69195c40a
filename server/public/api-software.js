// /api/v1/software: the fleet's titles that are not approved, with device counts, versions, sources and identity.
import { SoftwareList } from "./vendor/vendor.js";
import { request } from "./api.js";

export const listSoftware = (status = "all") => request("GET", "/api/v1/software", { schema: SoftwareList, query: { status } });
