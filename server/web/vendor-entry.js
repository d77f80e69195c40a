// What the dashboard takes from npm, bundled once at build time into server/public/vendor/vendor.js (no build on the user's side):
// Preact with htm for the views, and the shared zod schemas, so the browser validates with the server's own rules.
import htm from "htm";
import { h } from "preact";

export { Fragment, h, render } from "preact";
export { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
export const html = htm.bind(h);
export {
  AuditPage,
  DeviceDetail,
  DeviceList,
  describeZodError,
  ErrorBody,
  Exemption,
  ExemptionCreate,
  ExemptionList,
  Policy,
  PolicyHistory,
  PolicyPreview,
  PolicyRollout,
  PolicyStored,
  PolicyUpdate,
  PolicyVersionDocument,
  SessionInfo,
  SoftwareList,
  TokenCreate,
  TokenCreated,
  TokenList,
  Violation,
  ViolationPage,
} from "@wegroup/shared";
